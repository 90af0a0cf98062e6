"""A real bot for the safety tests: Rasa (with our REST channel), actions and the web chat.

Everything runs on loopback with its own temporary SQLite databases and log files, so the
tests can read the tracker store and the logs directly. The lead's ``rasa_stack`` fixture
starts Rasa with the project's credentials.yml; this one registers our REST channel
explicitly, so these tests hold whatever credentials.yml says.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import ensure_model, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "helpline.tar.gz"
NEUTRAL_REPLY = "Your order has been dispatched."
# The project's tracker store (SQLite in WAL mode) when it exists, else Rasa's own.
TRACKER_STORE = ("helpline.tracker_store.TrackerStore"
                 if (ROOT / "helpline" / "tracker_store.py").exists() else "SQL")
NEUTRAL_PAGE = b"<!doctype html><html lang='en'><head><title>Weather</title></head>" \
               b"<body><h1>Neutral weather page</h1></body></html>"




def wait_http(url: str, processes: list[subprocess.Popen], timeout: float, logs: Path) -> None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a process exited early; see {logs}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} not ready in {timeout} s; see {logs}")


class _NeutralHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
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
class SafetyStack:
    """Where the servers listen and where their state and logs are."""

    dir: Path
    rasa_url: str
    webchat_url: str
    neutral_url: str
    tracker_db: Path
    our_db: Path
    env: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def tracker_db_url(self) -> str:
        return f"sqlite:///{self.tracker_db}"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.our_db}"

    def logs(self) -> str:
        """Everything the servers have logged so far."""
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.dir.glob("*.log")))


@pytest.fixture(scope="session")
def safety_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SafetyStack]:
    ensure_model()  # trains once if `make train` has not
    base = tmp_path_factory.mktemp("safety-stack")
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()

    neutral = ThreadingHTTPServer(("127.0.0.1", 0), _NeutralHandler)
    threading.Thread(target=neutral.serve_forever, daemon=True).start()
    neutral_url = f"http://127.0.0.1:{neutral.server_address[1]}/weather"

    (base / "credentials.yml").write_text("bot.channels.rest.HelplineRestInput:\n")
    tracker_db = base / "tracker.db"
    (base / "endpoints.yml").write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{action_port}/webhook\n"
        f"tracker_store:\n  type: {TRACKER_STORE}\n  dialect: sqlite\n  db: {tracker_db}\n"
    )
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith("HELPLINE_") and key != "LOG_LEVEL"
    }
    env.update({
        "HELPLINE_DATA_DIR": str(base),
        "HELPLINE_DB_URL": f"sqlite:///{base / 'helpline.db'}",
        # A decoy: erasure inside the Rasa server must find the tracker store Rasa really
        # uses (from the agent), not this setting.
        "HELPLINE_TRACKER_DB_URL": f"sqlite:///{base / 'decoy-tracker.db'}",
        "HELPLINE_NEUTRAL_REPLY": NEUTRAL_REPLY,
        "HELPLINE_ID_SECRET": "test-secret-for-the-safety-tests",
        "HELPLINE_EXIT_URL": neutral_url,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONWARNINGS": "ignore",
    })
    stack = SafetyStack(
        dir=base, rasa_url=f"http://127.0.0.1:{rasa_port}",
        webchat_url=f"http://127.0.0.1:{web_port}", neutral_url=neutral_url,
        tracker_db=tracker_db, our_db=base / "helpline.db", env=env,
    )

    def spawn(name: str, args: list[str]) -> None:
        log = open(base / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        stack.processes.append(subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))

    spawn("actions", [str(BIN / "rasa"), "run", "actions", "--actions", "bot.actions",
                      "--port", str(action_port)])
    spawn("rasa", [str(BIN / "rasa"), "run", "--enable-api", "--model", str(MODEL),
                   "--endpoints", str(base / "endpoints.yml"),
                   "--credentials", str(base / "credentials.yml"),
                   "--interface", "127.0.0.1", "--port", str(rasa_port)])
    spawn("webchat", [sys.executable, "-m", "helpline.webchat", "--port", str(web_port),
                      "--rasa-url", stack.rasa_url])
    try:
        wait_http(f"{stack.webchat_url}/healthz", stack.processes, 60, base)
        wait_http(f"{stack.rasa_url}/status", stack.processes, 600, base)
        yield stack
    finally:
        for process in stack.processes:
            if process.poll() is None:
                process.terminate()
        for process in stack.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        neutral.shutdown()
