"""docker-compose.yml's own commands start and answer, run here as plain processes.

There is no Docker engine here, so the commands of `migrate`, `rasa`, `actions`, `webchat`
and `console` run as they are written in docker-compose.yml, with the environment the file
and deploy/Dockerfile's ENV give them. What has to differ on one machine: `${VAR:?...}`
secrets get test values; the hosts postgres, redis, actions and nginx become 127.0.0.1 (the
database a fresh `serve_<random>` on this machine's PostgreSQL, Redis db 7 with a key prefix
of our own, nginx replaced by the Rasa server itself); each port is a free one; the data dir
is temporary. The migrations run first, then the four servers, then each is asked over HTTP.
"""
from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest
import redis
import requests
import yaml
from sqlalchemy import create_engine, inspect, text

from deploy.topology import create_database, drop_database
from helpline import settings
from helpline.run import BIN
from tests.conftest import ensure_model, free_port

COMPOSE = yaml.safe_load((settings.ROOT / "docker-compose.yml").read_text())
SERVICES: dict = COMPOSE["services"]
SERVERS = ("actions", "rasa", "webchat", "console")
HEALTH = {"rasa": "/webhooks/rest/", "actions": "/health", "webchat": "/healthz",
          "console": "/login"}
PG = "postgresql://postgres@127.0.0.1:5432"
REDIS_DB = 7  # as tests/production/conftest.py: not the machine's own db 0
TOKEN = "serve-test-token-" + secrets.token_hex(8)
SECRETS = {"POSTGRES_PASSWORD": "unused", "HELPLINE_ID_SECRET": "serve-test-id-secret",
           "HELPLINE_RASA_TOKEN": TOKEN}
TIMEOUT = 600  # a Rasa server can take minutes to start on a loaded 2-core machine
DANGER = "he's got a knife and says he'll kill me tonight"
FIRST_DANGER_REPLY = "If you are in danger now, call 999."


def image_env() -> dict[str, str]:
    """deploy/Dockerfile's ENV lines."""
    dockerfile = (settings.ROOT / "deploy" / "Dockerfile").read_text()
    pairs = " ".join(re.findall(r"^ENV ((?:[^\n]*\\\n)*[^\n]*)", dockerfile, re.M))
    return dict(pair.split("=", 1) for pair in pairs.replace("\\\n", " ").split())


def substitute(value: str) -> str:
    """Compose's ${VAR:?message} and ${VAR:-default}, with SECRETS as the .env file."""
    def one(match: re.Match) -> str:
        name, operator, rest = match.groups()
        if name in SECRETS:
            return SECRETS[name]
        assert operator == ":-", f"{name} is required: add it to SECRETS"
        return rest
    return re.sub(r"\$\{(\w+)(?:(:[?-])([^}]*))?\}", one, value)


class Served:
    """The compose services as processes on loopback."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.database = f"serve_{secrets.token_hex(4)}"
        self.db_url = f"{PG}/{self.database}"
        self.key_prefix = f"serve{secrets.token_hex(4)}"
        self.ports = {name: free_port() for name in SERVERS}
        self.processes: dict[str, subprocess.Popen] = {}

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def localise(self, value: str) -> str:
        """A compose value with this machine's hosts and ports."""
        value = substitute(value)
        parts = urlsplit(value)
        host = parts.hostname if parts.scheme else None
        if host == "postgres":
            return self.db_url
        if host == "redis":
            return f"redis://127.0.0.1:6379/{REDIS_DB}"
        if host in ("actions", "nginx"):  # nginx: straight to the Rasa server
            port = self.ports["actions" if host == "actions" else "rasa"]
            return parts._replace(netloc=f"127.0.0.1:{port}").geturl()
        return value

    def command(self, name: str) -> tuple[list[str], dict[str, str]]:
        service = SERVICES[name]
        args = [self.localise(str(a)) for a in service["command"]]
        if "--port" in args:
            args[args.index("--port") + 1] = str(self.ports[name])
        program = {"python": sys.executable, "helpline": str(BIN / "helpline")}[args[0]]
        env = image_env()
        env["HELPLINE_DATA_DIR"] = str(self.workdir)
        for key, value in (service.get("environment") or {}).items():
            env[key] = self.localise(str(value))
        if "HELPLINE_PORT" in env:
            env["HELPLINE_PORT"] = str(self.ports[name])
        if "HELPLINE_REDIS_URL" in env:
            env["HELPLINE_REDIS_KEY_PREFIX"] = self.key_prefix
        return [program, *args[1:]], env

    def run(self, name: str) -> subprocess.CompletedProcess:
        args, env = self.command(name)
        return subprocess.run(args, env=self._base_env() | env, cwd=settings.ROOT,
                              capture_output=True, timeout=TIMEOUT)

    def start(self, name: str) -> None:
        args, env = self.command(name)
        with open(self.workdir / f"{name}.log", "wb") as log:
            self.processes[name] = subprocess.Popen(
                args, env=self._base_env() | env, cwd=settings.ROOT, stdout=log,
                stderr=subprocess.STDOUT)

    @staticmethod
    def _base_env() -> dict[str, str]:
        """This machine's environment without any helpline settings of its own."""
        return {key: value for key, value in os.environ.items()
                if not key.startswith(("HELPLINE_", "TWILIO_", "TELEGRAM_"))}

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + TIMEOUT
        waiting = set(SERVERS)
        while waiting:
            for name in sorted(waiting):
                code = self.processes[name].poll()
                assert code is None, f"{name} exited with {code}; see {self.workdir}"
                try:
                    if requests.get(self.url(name) + HEALTH[name], timeout=10).ok:
                        waiting.discard(name)
                except requests.RequestException:
                    pass
            assert time.monotonic() < deadline, f"{waiting} not healthy; see {self.workdir}"
            time.sleep(0.5)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    ensure_model()
    served = Served(tmp_path_factory.mktemp("serve"))
    create_database(served.db_url)
    try:
        migrate = served.run("migrate")
        assert migrate.returncode == 0, migrate.stderr.decode(errors="replace")[-2000:]
        for name in SERVERS:
            served.start(name)
        served.wait_healthy()
        yield served
    finally:
        served.stop()
        drop_database(served.db_url)
        client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
        for key in client.scan_iter(f"{served.key_prefix}:*"):
            client.delete(key)


def test_migrate_builds_our_schema(served: Served) -> None:
    engine = create_engine(served.db_url, future=True)
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
    assert version and {"handoff_queue", "console_users", "dir_service"} <= tables, tables


def test_rest_webhook_needs_no_token_but_the_api_does(served: Served) -> None:
    reply = requests.post(f"{served.url('rasa')}/webhooks/rest/webhook",
                          json={"sender": "serve-rest", "message": DANGER}, timeout=120)
    assert reply.status_code == 200
    texts = [m.get("text", "") for m in reply.json()]
    assert texts[0] == FIRST_DANGER_REPLY and "press 55" in texts[1]
    assert requests.get(f"{served.url('rasa')}/status", timeout=30).status_code == 401
    assert requests.get(f"{served.url('rasa')}/status", params={"token": TOKEN},
                        timeout=30).status_code == 200


def test_the_conversation_is_kept_in_postgresql(served: Served) -> None:
    reply = requests.post(f"{served.url('rasa')}/webhooks/rest/webhook",
                          json={"sender": "serve-kept", "message": "hello"}, timeout=120)
    assert reply.status_code == 200 and reply.json()
    engine = create_engine(served.db_url, future=True)
    try:
        with engine.connect() as connection:
            events = connection.execute(text("SELECT count(*) FROM events")).scalar()
    finally:
        engine.dispose()
    assert events > 0
    endpoints = yaml.safe_load((served.workdir / f"endpoints-{served.ports['rasa']}.yml")
                               .read_text())
    assert endpoints["lock_store"]["type"] == "redis"
    assert endpoints["lock_store"]["key_prefix"] == served.key_prefix


def test_the_action_server_answers_and_rasa_reaches_it(served: Served) -> None:
    assert requests.get(f"{served.url('actions')}/health", timeout=30).status_code == 200
    reply = requests.post(f"{served.url('rasa')}/webhooks/rest/webhook",
                          json={"sender": "serve-actions",
                                "message": "I'm in Tamworth and need help"}, timeout=120)
    assert reply.status_code == 200
    text_ = " ".join(m.get("text", "") for m in reply.json())
    assert "Pathway Project" in text_ and "01543 676800" in text_


def test_the_web_chat_serves_its_page_and_a_message(served: Served) -> None:
    page = requests.get(served.url("webchat") + "/", timeout=30)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    reply = requests.post(f"{served.url('webchat')}/api/message",
                          json={"sender": "serve-webchat", "message": DANGER}, timeout=120)
    assert reply.status_code == 200
    assert reply.json()["messages"][0]["text"] == FIRST_DANGER_REPLY


def test_the_console_serves_its_login_page(served: Served) -> None:
    page = requests.get(served.url("console") + "/login", timeout=30)
    assert page.status_code == 200 and "<form" in page.text
    ready = requests.get(served.url("console") + "/ready", timeout=30)
    assert ready.status_code == 200, ready.text


def _machine_address() -> str | None:
    """This machine's own non-loopback IPv4 address, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("198.51.100.1", 9))  # a documentation address
        except OSError:
            return None
        address = sock.getsockname()[0]
    return None if address.startswith("127.") else address


def test_every_server_listens_beyond_loopback_as_in_a_container(served: Served) -> None:
    """Other containers reach these servers by their service names, not on loopback."""
    address = _machine_address()
    assert address is not None, "no non-loopback address here: this check needs one"
    for name in SERVERS:
        url = f"http://{address}:{served.ports[name]}{HEALTH[name]}"
        assert requests.get(url, timeout=30).status_code == 200, name
