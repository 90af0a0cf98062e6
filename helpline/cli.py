"""The `helpline` command-line interface: one sub-command per concern."""
from __future__ import annotations

import argparse
import importlib
import sys

# Each module here exposes register(subparsers); its sub-command sets `func` on the parser.
COMMAND_MODULES = (
    "helpline.directory.cli",
    "helpline.cli_privacy",
    "helpline.console.cli",
    "helpline.cli_db",
    "helpline.cli_stats",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="helpline", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
