"""Shared fixtures: the real Rasa server and action server, started once per test run, and
headless Chromium (helpers shared by the tests are in tests/helpers.py)."""
from __future__ import annotations

import secrets
import subprocess
from pathlib import Path
from typing import Iterator

import pytest
import requests

from deploy.topology import create_database, drop_database
from helpline import db, settings
from helpline.run import MODEL, Stack
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, free_port

PG = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Our database on SQLite, then on a throwaway PostgreSQL database (dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'helpline.db'}"
        return
    url = f"{PG}/helpline_test_{secrets.token_hex(4)}"
    create_database(url)
    try:
        yield url
    finally:
        db.engine_for(url).dispose()
        drop_database(url)
        db.forget_engines()


def ensure_model() -> Path:
    """Train once if `make train` has not already (training is skipped when unchanged)."""
    if not MODEL.exists():
        subprocess.run(["make", "train"], cwd=settings.ROOT, check=True)
    return MODEL


def _start_stack(workdir: Path, with_actions: bool) -> Stack:
    ensure_model()
    stack = Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        tracker_url=f"sqlite:///{workdir / 'tracker.db'}",
        db_url=f"sqlite:///{workdir / 'helpline.db'}",
        log_dir=workdir,
    )
    try:
        if with_actions:
            stack.start_actions()
        stack.start_rasa()
        stack.wait_ready()
    except BaseException:
        stack.stop()
        raise
    return stack


class StackFiles:
    """Where a test stack keeps its SQLite databases and its processes' logs (`dir`)."""

    dir: Path

    @property
    def tracker_db(self) -> Path:
        return self.dir / "tracker.db"

    @property
    def our_db(self) -> Path:
        return self.dir / "helpline.db"

    def logs(self) -> str:
        """Everything the servers have logged so far."""
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.dir.glob("*.log")))


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Action server + Rasa server on loopback, with throwaway SQLite databases."""
    stack = _start_stack(tmp_path_factory.mktemp("stack"), with_actions=True)
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def rasa_without_actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A Rasa server whose action server is down (nothing listens on its port)."""
    stack = _start_stack(tmp_path_factory.mktemp("no-actions"), with_actions=False)
    yield stack
    stack.stop()


class RestClient:
    """Talks to a Rasa server over the standard REST channel."""

    def __init__(self, base_url: str) -> None:
        self.url = f"{base_url}/webhooks/rest/webhook"

    def send(self, sender: str, message: str) -> list[dict]:
        reply = requests.post(self.url, json={"sender": sender, "message": message}, timeout=60)
        assert reply.status_code == 200, reply.status_code
        return reply.json()

    def texts(self, sender: str, message: str) -> list[str]:
        return [item.get("text", "") for item in self.send(sender, message)]


@pytest.fixture(scope="session")
def rest(rasa_stack: Stack) -> RestClient:
    return RestClient(rasa_stack.rasa_url)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Headless Chromium for one test module; its tests make their own contexts.

    Per module, not per run: Playwright's sync API keeps its event loop marked as running in
    the main thread until it stops, and `asyncio.run()` in a later module would then fail.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
