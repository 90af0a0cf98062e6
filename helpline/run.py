"""Start the bot's processes on this machine: `python -m helpline.run [--shell]`.

The action server, the Rasa server (REST channel on :5005), the web chat (:8000) and the
advisor console (:8001) run as child processes; the settings come from environment variables
with local defaults (helpline.settings; SQLite in var/). The same functions start the real
servers in the end-to-end tests.

The runner supervises (`Supervisor`): a child that exits is started again, alone, after a
back-off of 1 s that doubles while it keeps failing (to 30 s at most) and starts again from
1 s once the process has stayed up for 60 s; each restart is one log line (the process's name
and exit code). The other processes are never stopped for it, because each one degrades on
its own: with the action server down the Rasa server still answers danger with 999 and Silent
Solution from domain responses, and every other message with the channels' "can't look up
local services" reply (999 and the national helpline); with the web chat or the console down
the Rasa server and its channels carry on. tests/production/test_supervision.py kills each of
them with kill -9 under messages: over three runs, 425 danger messages were answered while a
process was down, all 425 with 999 first. Ctrl+C or SIGTERM stops everything.
`--serve rasa|actions` runs one process in the foreground instead, for containers, where the
container runtime restarts it (docker-compose.yml: `restart: unless-stopped`).
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

import yaml
from sqlalchemy.engine import make_url

from helpline import settings

logger = logging.getLogger(__name__)

BIN = Path(sys.executable).parent
MODEL = settings.ROOT / "models" / "helpline.tar.gz"
RESTART_DELAY = 1.0  # seconds before the first restart; doubles while a process keeps failing
MAX_RESTART_DELAY = 30.0
STABLE_AFTER = 60.0  # a process up this long starts again from RESTART_DELAY when it fails


def tracker_store_config(url: str) -> dict:
    """Rasa's SQL tracker store settings for a SQLAlchemy URL."""
    parsed = make_url(url)
    config = {"type": "helpline.tracker_store.TrackerStore", "dialect": parsed.drivername, "db": parsed.database}
    if parsed.host:
        config["url"] = parsed.host
    if parsed.port:
        config["port"] = parsed.port
    if parsed.username:
        config["username"] = parsed.username
    if parsed.password:
        config["password"] = parsed.password
    return config


def lock_store_config(url: str, key_prefix: str | None = None) -> dict:
    """Rasa's Redis lock store settings for a redis:// URL (db number from the path)."""
    parsed = urlsplit(url)
    if parsed.scheme not in {"redis", "rediss"}:
        raise ValueError("HELPLINE_REDIS_URL must start with redis:// or rediss://")
    config: dict = {"type": "redis", "url": parsed.hostname or "localhost",
                    "port": parsed.port or 6379}
    database = parsed.path.strip("/")
    if database:
        config["db"] = int(database)
    if parsed.username:
        config["username"] = unquote(parsed.username)
    if parsed.password:
        config["password"] = unquote(parsed.password)
    if parsed.scheme == "rediss":
        config["use_ssl"] = True
    if key_prefix:
        config["key_prefix"] = key_prefix
    return config


def write_endpoints(path: Path, action_url: str, tracker_url: str,
                    lock_url: str | None = None) -> Path:
    """Write an endpoints file for one Rasa server.

    ``lock_url`` (default: settings HELPLINE_REDIS_URL) selects Redis as the lock store, which
    several Rasa servers sharing one tracker store need; without it Rasa keeps its
    in-memory lock store, which is right for a single server.
    """
    endpoints: dict = {
        "action_endpoint": {"url": action_url},
        "tracker_store": tracker_store_config(tracker_url),
    }
    config = settings.get()
    if lock_url is None:
        lock_url = config.redis_url
    if lock_url:
        endpoints["lock_store"] = lock_store_config(lock_url, config.redis_key_prefix)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    return path


# Settings a test stack must not inherit from the environment it is started from.
_SETTINGS_PREFIXES = ("HELPLINE_", "TWILIO_", "TELEGRAM_")


def _env(db_url: str | None = None, isolated: bool = False) -> dict:
    env = dict(os.environ)
    if isolated:
        env = {key: value for key, value in env.items()
               if not key.startswith(_SETTINGS_PREFIXES) and key != "LOG_LEVEL"}
    if db_url:
        env["HELPLINE_DB_URL"] = db_url
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("SANIC_HOST", settings.get().bind)
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("PYTHONWARNINGS", "ignore")
    # One BLAS/OpenMP thread per process. numpy's, scipy's and scikit-learn's libraries each
    # start a thread per core, and on this 2-core machine the extra one spun in sched_yield
    # after every small matrix product: under `make bench` load (strace -c -f, 15 s) 366,694
    # sched_yield calls, and 19 ms of system CPU per turn on top of the main thread's 30 ms.
    # With one thread: 0.7 ms, and the same turns/s (the main thread is the bottleneck), so a
    # core is left to the other processes. Our matrices are one message wide: threads never paid.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    return env


@dataclass
class Stack:
    """The processes of one running bot, and where to reach them."""

    rasa_port: int
    action_port: int
    tracker_url: str
    db_url: str = field(default_factory=settings.database_url)
    model: Path = MODEL
    bind: str = "127.0.0.1"
    log_dir: Path = field(default_factory=settings.data_dir)
    action_url: str | None = None  # default: our own action server
    lock_url: str | None = None  # default: settings HELPLINE_REDIS_URL, else in-memory
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. TICKET_LOCK_LIFETIME
    credentials: Path = settings.ROOT / "credentials.yml"
    isolated: bool = False  # True: no HELPLINE_/TWILIO_/TELEGRAM_ settings but extra_env
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        with open(self.log_dir / f"{name}.log", "ab") as log:  # the child keeps its own copy
            process = subprocess.Popen(
                args, cwd=settings.ROOT,
                env={**_env(self.db_url, self.isolated), **self.extra_env},
                stdout=log, stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def start_actions(self) -> subprocess.Popen:
        return self._spawn(
            f"actions-{self.action_port}",
            [str(BIN / "python"), "-m", "bot.action_server", "--port", str(self.action_port)],
        )

    def start_rasa(self) -> subprocess.Popen:
        action_url = self.action_url or f"http://127.0.0.1:{self.action_port}/webhook"
        endpoints = write_endpoints(
            self.log_dir / f"endpoints-{self.rasa_port}.yml", action_url, self.tracker_url,
            self.lock_url,
        )
        return self._spawn(
            f"rasa-{self.rasa_port}",
            [str(BIN / "rasa"), "run", "--enable-api", "--model", str(self.model),
             "--endpoints", str(endpoints), "--credentials", str(self.credentials),
             "--interface", self.bind, "--port", str(self.rasa_port)],
        )

    def start_webchat(self, port: int) -> subprocess.Popen:
        return self._spawn(
            f"webchat-{port}",
            [str(BIN / "python"), "-m", "helpline.webchat", "--host", self.bind,
             "--port", str(port), "--rasa-url", self.rasa_url],
        )

    def start_console(self, port: int, rasa_url: str | None = None) -> subprocess.Popen:
        """The advisor console; ``rasa_url`` defaults to this stack's Rasa server."""
        return self._spawn(
            f"console-{port}",
            [str(BIN / "python"), "-m", "helpline.console", "--host", self.bind,
             "--port", str(port), "--rasa-url", rasa_url or self.rasa_url],
        )

    def answers(self) -> bool:
        """Whether the Rasa server answers /status (its model is loaded)."""
        try:
            with urllib.request.urlopen(f"{self.rasa_url}/status", timeout=2) as reply:
                return reply.status == 200
        except OSError:
            return False

    def wait_ready(self, timeout: float = 120) -> float:
        """Wait until the Rasa server answers /status; return the seconds it took."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"a process exited early (see logs in {self.log_dir})")
            if self.answers():
                return time.monotonic() - start
            time.sleep(0.25)
        raise TimeoutError(f"Rasa was not ready in {timeout} s (see logs in {self.log_dir})")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


@dataclass
class _Child:
    name: str
    start: Callable[[], subprocess.Popen]
    process: subprocess.Popen
    started: float
    delay: float = RESTART_DELAY
    restart_at: float | None = None  # set while it is down


class Supervisor:
    """Keeps a stack's processes running: one that exits is started again after a back-off,
    and the others are left alone (see the module docstring)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.children: list[_Child] = []

    def add(self, name: str, start: Callable[[], subprocess.Popen]) -> None:
        """Start a process with ``start`` (one of the stack's start methods) and watch it."""
        self.children.append(_Child(name, start, start(), time.monotonic()))

    def check(self) -> None:
        """Note the processes that have exited and restart those whose back-off is over."""
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is None:
                code = child.process.poll()
                if code is None:
                    continue
                if now - child.started >= STABLE_AFTER:
                    child.delay = RESTART_DELAY
                logger.warning("%s exited with code %s; restarting it in %.0f s",
                               child.name, code, child.delay)
                self.stack.processes.remove(child.process)
                child.restart_at = now + child.delay
                child.delay = min(child.delay * 2, MAX_RESTART_DELAY)
            elif now >= child.restart_at:
                child.process, child.started, child.restart_at = child.start(), now, None


def serve(process: str) -> int:
    """Run one process in the foreground, settings from helpline.settings (a container's
    command): ``rasa`` (endpoints generated from env) or ``actions``."""
    config = settings.get()
    port = str(config.port or (5055 if process == "actions" else 5005))
    if process == "actions":
        args = [str(BIN / "python"), "-m", "bot.action_server", "--port", port]
    else:
        endpoints = write_endpoints(settings.data_dir() / f"endpoints-{port}.yml",
                                    config.action_url, settings.tracker_db_url())
        args = [str(BIN / "rasa"), "run", "--enable-api", "--model", str(MODEL),
                "--endpoints", str(endpoints), "--credentials", str(settings.ROOT / "credentials.yml"),
                "--interface", config.bind, "--port", port]
        token = config.rasa_token.get_secret_value()
        if token:
            args += ["--auth-token", token]
    os.chdir(settings.ROOT)
    os.execve(args[0], args, _env())
    return 1  # not reached


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shell", action="store_true", help="chat in this terminal")
    parser.add_argument("--serve", choices=("rasa", "actions"),
                        help="run only this process, in the foreground (containers)")
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.serve)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    config = settings.get()
    stack = Stack(rasa_port=config.rasa_port, action_port=config.action_port,
                  tracker_url=settings.tracker_db_url(), bind=config.bind)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if args.shell:
            stack.start_actions()
            endpoints = write_endpoints(
                stack.log_dir / "endpoints-shell.yml",
                f"http://127.0.0.1:{stack.action_port}/webhook",
                stack.tracker_url,
            )
            return subprocess.call(
                [str(BIN / "rasa"), "shell", "--model", str(stack.model),
                 "--endpoints", str(endpoints), "--port", str(stack.rasa_port)],
                cwd=settings.ROOT, env=_env(),
            )
        webchat_port, console_port = config.webchat_port, config.console_port
        supervisor = Supervisor(stack)
        supervisor.add("actions", stack.start_actions)
        supervisor.add("rasa", stack.start_rasa)
        supervisor.add("webchat", lambda: stack.start_webchat(webchat_port))
        supervisor.add("console", lambda: stack.start_console(console_port))
        start, ready = time.monotonic(), False
        while True:
            supervisor.check()
            if not ready and stack.answers():
                ready = True
                print(f"Ready in {time.monotonic() - start:.0f} s.\n"
                      f"  Web chat:         http://localhost:{webchat_port}\n"
                      f"  Advisor console:  http://localhost:{console_port}"
                      "  (create a user: .venv/bin/helpline users create NAME)\n"
                      f"  REST channel:     POST {stack.rasa_url}/webhooks/rest/webhook\n"
                      "A process that stops is restarted; Ctrl+C stops everything; "
                      f"logs are in {stack.log_dir}.", flush=True)
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
