"""`helpline db upgrade|current|check`: our tables' schema, by Alembic migrations.

Every process also brings its database to head on first use (helpline.db); `upgrade` does it
ahead of time (docker-compose's `migrate` job), under the same lock. Rasa's tracker store
creates its own table; these commands never touch it.
"""
from __future__ import annotations

import argparse

from alembic import command

from helpline import db, settings


def alembic_config(url: str | None = None):  # noqa: ANN201 - alembic.config.Config
    return db.alembic_config(url or settings.database_url())


def upgrade(url: str | None = None, revision: str = "head") -> None:
    engine = db.make_engine(url or settings.database_url())
    try:
        db.upgrade(engine, revision)
    finally:
        engine.dispose()


def _run(args: argparse.Namespace) -> int:
    if args.action == "upgrade":
        upgrade(args.db_url, args.revision)
    elif args.action == "current":
        command.current(alembic_config(args.db_url))
    else:
        command.check(alembic_config(args.db_url))  # fails if the models differ from the migrations
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="database schema (Alembic migrations)")
    parser.add_argument("action", choices=("upgrade", "current", "check"))
    parser.add_argument("revision", nargs="?", default="head")
    parser.add_argument("--db-url", default=None, help="default: env HELPLINE_DB_URL")
    parser.set_defaults(func=_run)
