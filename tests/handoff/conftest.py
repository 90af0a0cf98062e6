"""Fixtures for the handoff tests: throwaway SQLite and PostgreSQL databases, real console
processes, a small recording stand-in for Rasa's HTTP API, and logging in from Chromium."""
from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
import uuid
from typing import Any, Iterator

import pytest
import requests
from aiohttp import web
from sqlalchemy import create_engine

from tests.helpers import free_port, wait_for, wait_http

PG_ADMIN = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'helpline.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new PostgreSQL database, dropped afterwards; skipped if PostgreSQL is not running."""
    name = f"handoff_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"PostgreSQL not available ({type(error).__name__}) (.ci/run starts it)")
    url = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"
    try:
        yield url
    finally:
        from helpline import db

        db.forget_engines()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


class Console:
    """A real console process on loopback (``env``: settings for it alone)."""

    def __init__(self, db_url: str, rasa_url: str, log_path, env: dict[str, str] | None = None
                 ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_url = db_url
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "helpline.console", "--port", str(self.port),
             "--rasa-url", rasa_url, "--db-url", db_url],
            stdout=self._log, stderr=subprocess.STDOUT,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})},
        )

    def wait(self, timeout: float = 90) -> None:
        wait_http(self.url + "/login", [self.process], timeout, self.log_path)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


def login(console_url: str, username: str, password: str):
    """A requests.Session logged in to the console; returns (session, csrf)."""
    session = requests.Session()
    page = session.get(console_url + "/login", timeout=10)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    reply = session.post(console_url + "/login", timeout=10, allow_redirects=False,
                         data={"csrf": csrf, "username": username, "password": password})
    assert reply.status_code == 303, reply.status_code
    home = session.get(console_url + "/", timeout=10)
    token = re.search(r'name="csrf-token" content="([^"]+)"', home.text).group(1)
    return session, token


PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def console_db(tmp_path_factory) -> str:
    from helpline.console import auth

    url = f"sqlite:///{tmp_path_factory.mktemp('console') / 'helpline.db'}"
    auth.create_user("ann", PASSWORD, "advisor", url)
    auth.create_user("bob", PASSWORD, "advisor", url)
    auth.create_user("sue", PASSWORD, "supervisor", url)
    return url


ALL_DAY = "mon-sun 00:00-24:00; hol 00:00-24:00"  # advisor hours: the line is always open


@pytest.fixture(scope="session")
def handoff_stack(tmp_path_factory):
    """The real action server, Rasa server (our REST channel), web chat and console on
    loopback, sharing one throwaway SQLite database; advisors ann and bob exist.

    Attributes beyond helpline.run.Stack: ``console`` (a Console) and ``webchat_url``.
    The settings go to the processes only, not to this one's environment (where they would
    reach every test that ran after the first one to use this stack).
    """
    from helpline.console import auth
    from helpline.run import Stack
    from tests.conftest import ensure_model

    ensure_model()
    workdir = tmp_path_factory.mktemp("handoff-stack")
    db_url = f"sqlite:///{workdir / 'helpline.db'}"
    env = {"HELPLINE_DB_URL": db_url, "HELPLINE_ADVISOR_HOURS": ALL_DAY}
    stack = Stack(rasa_port=free_port(), action_port=free_port(), db_url=db_url,
                  tracker_url=f"sqlite:///{workdir / 'tracker.db'}", log_dir=workdir,
                  extra_env=env)
    auth.create_user("ann", PASSWORD, "advisor", db_url)
    auth.create_user("bob", PASSWORD, "advisor", db_url)
    auth.create_user("duty", PASSWORD, "advisor", db_url)
    console = None
    try:
        stack.start_actions()
        stack.start_rasa()
        webchat_port = free_port()
        stack.start_webchat(webchat_port)
        stack.webchat_url = f"http://127.0.0.1:{webchat_port}"
        console = Console(db_url, stack.rasa_url, workdir / "console.log", env)
        stack.wait_ready(timeout=600)
        console.wait()
        stack.console = console
        # Escalations are queued only while someone is signed on: "duty" stays on all along
        # (its console session is kept, or the shift would end with it).
        duty, token = login(console.url, "duty", PASSWORD)
        signed = duty.post(console.url + "/api/shift", json={"on": True}, timeout=10,
                           headers={"X-CSRF-Token": token})
        assert signed.status_code == 200, signed.text
        yield stack
    finally:
        if console:
            console.stop()
        stack.stop()


def serve_console(db_url: str, tmp_path_factory, rasa_url: str | None = None,
                  env: dict[str, str] | None = None) -> Iterator[Console]:
    """A console process on ``db_url`` for a test module (by default Rasa's URL points
    nowhere)."""
    server = Console(db_url, rasa_url or f"http://127.0.0.1:{free_port()}",
                     tmp_path_factory.mktemp("log") / "console.log", env)
    try:
        server.wait()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def console(console_db: str, tmp_path_factory) -> Iterator[Console]:
    """A console on ``console_db`` whose Rasa is not running (a claim fails with a sentence)."""
    yield from serve_console(console_db, tmp_path_factory)


class FakeRasa:
    """Rasa's HTTP API as far as the console uses it, on loopback: keeps what is appended to
    a tracker in ``appended``, one (conversation id, event, query) per event."""

    def __init__(self) -> None:
        self.appended: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self.port = 0
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        assert ready.wait(10)
        self.url = f"http://127.0.0.1:{self.port}"

    def _serve(self, ready: threading.Event) -> None:
        async def append(request: web.Request) -> web.Response:
            for event in await request.json():
                self.appended.append((request.match_info["id"], event, dict(request.query)))
            return web.json_response({})

        async def tracker(request: web.Request) -> web.Response:
            return web.json_response({"events": []})

        async def main() -> None:
            app = web.Application()
            app.add_routes([web.post("/conversations/{id}/tracker/events", append),
                            web.get("/conversations/{id}/tracker", tracker)])
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.port = site._server.sockets[0].getsockname()[1]
            ready.set()
            await asyncio.Event().wait()

        asyncio.run(main())

    def notices(self, conversation_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        """The notices appended to a conversation (of one kind, or all)."""
        return [e for c, e, _ in list(self.appended) if c == conversation_id
                and (notice := (e.get("metadata") or {}).get("notice"))
                and kind in (None, notice)]


@pytest.fixture(scope="module")
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture(scope="module")
def open_console(console_db: str, rasa: FakeRasa, tmp_path_factory) -> Iterator[Console]:
    """A console on ``console_db`` talking to ``rasa``, with advisor hours all day (nobody
    is signed on at first)."""
    yield from serve_console(console_db, tmp_path_factory, rasa.url,
                             {"HELPLINE_ADVISOR_HOURS": ALL_DAY})


# Before any page script: record desktop notifications and beeps instead of making them.
RECORDERS = """
window.__notes = []; window.__beeps = 0;
window.Notification = class { constructor(title, options) { window.__notes.push(title); }
  static get permission() { return "granted"; }
  static requestPermission() { return Promise.resolve("granted"); } };
const make = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () { window.__beeps += 1; return make.call(this); };
"""


def logged_in(browser, server: Console, name: str = "ann"):
    """A new browser context's tab on the console's live queue, logged in as ``name``."""
    context = browser.new_context()
    context.add_init_script(RECORDERS)
    tab = context.new_page()
    tab.goto(server.url + "/")
    assert tab.url.endswith("/login")
    tab.fill("input[name=username]", name)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(server.url + "/")
    tab.wait_for_selector("#live-status:text('Live')", timeout=10000)
    return tab


def wait_until(tab, script: str, timeout: float = 5) -> None:
    """Poll a page expression (the console's CSP forbids Playwright's eval'd waits)."""
    wait_for(lambda: tab.evaluate(script), timeout)
