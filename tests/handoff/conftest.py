"""Fixtures for the handoff tests: throwaway SQLite and PostgreSQL databases."""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest
from sqlalchemy import create_engine

from tests.conftest import free_port

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
    """A real console process on loopback."""

    def __init__(self, db_url: str, rasa_url: str, log_path) -> None:
        import subprocess
        import sys

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_url = db_url
        self._log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "helpline.console", "--port", str(self.port),
             "--rasa-url", rasa_url, "--db-url", db_url],
            stdout=self._log, stderr=subprocess.STDOUT,
            env={**__import__("os").environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        )

    def wait(self, timeout: float = 90) -> None:
        import time

        import requests

        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                raise RuntimeError("the console exited early")
            try:
                requests.get(self.url + "/login", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise TimeoutError("console did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except Exception:  # noqa: BLE001
            self.process.kill()
        self._log.close()


def login(console_url: str, username: str, password: str):
    """A requests.Session logged in to the console; returns (session, csrf)."""
    import re

    import requests

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


STACK_ENV = {"HELPLINE_ADVISOR_HOURS": "mon-sun 00:00-24:00; hol 00:00-24:00"}


@pytest.fixture(scope="session")
def handoff_stack(tmp_path_factory):
    """The real action server, Rasa server (our REST channel), web chat and console on
    loopback, sharing one throwaway SQLite database; advisors ann and bob exist.

    Attributes beyond helpline.run.Stack: ``console`` (a Console) and ``webchat_url``.
    """
    import os

    from helpline.console import auth
    from helpline.run import Stack
    from tests.conftest import ensure_model

    ensure_model()
    workdir = tmp_path_factory.mktemp("handoff-stack")
    db_url = f"sqlite:///{workdir / 'helpline.db'}"
    env = {"HELPLINE_DB_URL": db_url, **STACK_ENV}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the child processes inherit these
    stack = Stack(rasa_port=free_port(), action_port=free_port(), db_url=db_url,
                  tracker_url=f"sqlite:///{workdir / 'tracker.db'}", log_dir=workdir)
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
        console = Console(db_url, stack.rasa_url, workdir / "console.log")
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
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if console:
            console.stop()
        stack.stop()


def serve_console(db_url: str, tmp_path_factory) -> Iterator["Console"]:
    """A console process on ``db_url`` for a test module (Rasa's URL points nowhere)."""
    server = Console(db_url, f"http://127.0.0.1:{free_port()}",
                     tmp_path_factory.mktemp("log") / "console.log")
    try:
        server.wait()
        yield server
    finally:
        server.stop()
