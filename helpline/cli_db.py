"""`helpline db upgrade|current|check`: our tables' schema, by Alembic migrations.

Rasa's tracker store creates its own table; these commands never touch it.
"""
from __future__ import annotations

import argparse

from alembic import command
from alembic.config import Config

from helpline import settings


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(settings.ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(settings.ROOT / "helpline" / "migrations"))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    config.set_main_option("sqlalchemy.url", (url or settings.database_url()).replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def _run(args: argparse.Namespace) -> int:
    config = alembic_config(args.db_url)
    if args.action == "upgrade":
        command.upgrade(config, args.revision)
    elif args.action == "current":
        command.current(config)
    else:
        command.check(config)  # fails if the models differ from the migrations
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="database schema (Alembic migrations)")
    parser.add_argument("action", choices=("upgrade", "current", "check"))
    parser.add_argument("revision", nargs="?", default="head")
    parser.add_argument("--db-url", default=None, help="default: env HELPLINE_DB_URL")
    parser.set_defaults(func=_run)
