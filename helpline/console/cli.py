"""`helpline users create|list`: console accounts (add to helpline.cli COMMAND_MODULES)."""
from __future__ import annotations

import argparse
import getpass
import sys

from helpline.console import auth


def _create(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("The passwords differ.", file=sys.stderr)
            return 2
    try:
        auth.create_user(args.username, password, args.role, args.db_url)
    except ValueError as error:
        print(f"Not created: {error}.", file=sys.stderr)
        return 2
    print(f"User {args.username} ({args.role}) saved.")
    return 0


def _list(args: argparse.Namespace) -> int:
    for username, role in auth.usernames(args.db_url):
        print(f"{username}\t{role}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    users = subparsers.add_parser("users", help="advisor console accounts")
    sub = users.add_subparsers(dest="users_command", required=True)
    create = sub.add_parser("create", help="create a user or reset their password")
    create.add_argument("username")
    create.add_argument("--role", choices=auth.ROLES, default="advisor")
    create.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of stdin")
    create.add_argument("--db-url", default=None, help="default: env HELPLINE_DB_URL")
    create.set_defaults(func=_create)
    listing = sub.add_parser("list", help="list users and roles")
    listing.add_argument("--db-url", default=None)
    listing.set_defaults(func=_list)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="helpline-users")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
