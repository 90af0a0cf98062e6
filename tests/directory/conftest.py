"""Shared fixtures: the real directory files, temporary copies, and a loaded directory."""
from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from helpline import settings
from helpline.directory.live import Loaded, build
from helpline.directory.validate import load_directory

DIRECTORY = settings.ROOT / "directory"
SHARED = Path(os.environ.get("HELPLINE_SHARED_DIR", settings.ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
SCHEMA = SHARED / "oruk" / "hsds-3.0" / "schema" / "service_with_definitions.json"
NATIONAL_LIST = Path(__file__).with_name("national_list.txt")


def bump(path: Path) -> None:
    """A later modification time, so the live directory sees a change."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


@pytest.fixture(scope="session")
def loaded() -> Loaded:
    result = load_directory(DIRECTORY)
    assert result.directory is not None, [str(p) for p in result.errors]
    return build(result.directory)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """A writable copy of the real directory files."""
    target = tmp_path / "directory"
    shutil.copytree(DIRECTORY, target, ignore=shutil.ignore_patterns("*.md"))
    return target


def problems_for(folder: Path, today: date | None = None) -> list[str]:
    return [str(p) for p in load_directory(folder, today).problems]
