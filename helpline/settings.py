"""Settings from environment variables, with safe local defaults."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Where local state (SQLite databases) lives; created on first use."""
    path = Path(os.environ.get("HELPLINE_DATA_DIR", ROOT / "var"))
    if not path.is_absolute():
        path = ROOT / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """The one SQLAlchemy database for the directory, the advisor queue and the audit log."""
    return os.environ.get("HELPLINE_DB_URL") or f"sqlite:///{data_dir() / 'helpline.db'}"


def directory_dir() -> Path:
    """The folder of directory files that partnership staff edit."""
    return Path(os.environ.get("HELPLINE_DIRECTORY_DIR", ROOT / "directory"))


def tracker_db_url() -> str:
    """Rasa's SQL tracker store (the events of every conversation)."""
    return os.environ.get("HELPLINE_TRACKER_DB_URL") or f"sqlite:///{data_dir() / 'tracker.db'}"
