"""A real bot for the safety tests: Rasa (with our REST channel), actions and the web chat.

Everything runs on loopback with its own temporary SQLite databases and log files, so the
tests can read the tracker store and the logs directly. The lead's ``rasa_stack`` fixture
starts Rasa with the project's credentials.yml; this one registers our REST channel
explicitly, so these tests hold whatever credentials.yml says. Both use helpline.run.Stack;
this one is isolated from HELPLINE_* settings in the environment.
"""
from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from helpline.run import Stack
from tests.conftest import StackFiles, ensure_model
from tests.helpers import free_port, wait_http

NEUTRAL_REPLY = "Your order has been dispatched."
NEUTRAL_PAGE = b"<!doctype html><html lang='en'><head><title>Weather</title></head>" \
               b"<body><h1>Neutral weather page</h1></body></html>"


class _NeutralHandler(BaseHTTPRequestHandler):
    requests: list[str]  # every path asked for, in order (set per server)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.requests.append(self.path)  # before answering: a synchronous XHR waits for this
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(NEUTRAL_PAGE)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser moved on

    def log_message(self, *_args: object) -> None:
        pass


@dataclass
class SafetyStack(StackFiles):
    """Where the servers listen and where their state and logs are."""

    stack: Stack
    webchat_url: str
    neutral_url: str
    env: dict[str, str]  # the settings the processes were given
    neutral_requests: list[str]  # paths the neutral site was asked for, in order

    @property
    def dir(self) -> Path:
        return self.stack.log_dir

    @property
    def rasa_url(self) -> str:
        return self.stack.rasa_url

    @property
    def processes(self) -> list[subprocess.Popen]:
        return self.stack.processes

    @property
    def tracker_db_url(self) -> str:
        return f"sqlite:///{self.tracker_db}"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.our_db}"


@pytest.fixture(scope="session")
def safety_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SafetyStack]:
    ensure_model()  # trains once if `make train` has not
    base = tmp_path_factory.mktemp("safety-stack")
    neutral_requests: list[str] = []
    handler = type("Handler", (_NeutralHandler,), {"requests": neutral_requests})
    neutral = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=neutral.serve_forever, daemon=True).start()
    neutral_url = f"http://127.0.0.1:{neutral.server_address[1]}/weather"
    (base / "credentials.yml").write_text("bot.channels.rest.HelplineRestInput:\n")
    env = {
        "HELPLINE_DATA_DIR": str(base),
        # A decoy: erasure inside the Rasa server must find the tracker store Rasa really
        # uses (from the agent), not this setting.
        "HELPLINE_TRACKER_DB_URL": f"sqlite:///{base / 'decoy-tracker.db'}",
        "HELPLINE_NEUTRAL_REPLY": NEUTRAL_REPLY,
        "HELPLINE_ID_SECRET": "test-secret-for-the-safety-tests",
        "HELPLINE_EXIT_URL": neutral_url,
    }
    stack = Stack(rasa_port=free_port(), action_port=free_port(),
                  tracker_url=f"sqlite:///{base / 'tracker.db'}",
                  db_url=f"sqlite:///{base / 'helpline.db'}", log_dir=base, lock_url="",
                  credentials=base / "credentials.yml", isolated=True, extra_env=env)
    web_port = free_port()
    try:
        stack.start_actions()
        stack.start_rasa()
        stack.start_webchat(web_port)
        webchat_url = f"http://127.0.0.1:{web_port}"
        wait_http(f"{webchat_url}/healthz", stack.processes, 60, base)
        stack.wait_ready(600)
        yield SafetyStack(stack, webchat_url, neutral_url, env, neutral_requests)
    finally:
        stack.stop()
        neutral.shutdown()
