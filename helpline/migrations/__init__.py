"""Alembic migrations for our own tables (helpline.db.Base); see helpline.cli_db."""
from __future__ import annotations

import importlib

# Every module that declares tables on helpline.db.Base: importing them fills its metadata.
MODEL_MODULES = (
    "helpline.directory.storage",
    "helpline.advisor_queue",
    "helpline.safety_words",
    "helpline.stats",
    "helpline.console.auth",
    "helpline.console.records",
    "helpline.console.canned",
    "bot.channels.channel_store",
    "bot.channels.outbox",
)


def load_models():  # noqa: ANN201 - returns sqlalchemy MetaData
    """helpline.db.Base.metadata with every table of ours registered."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    from helpline.db import Base
    return Base.metadata
