"""The production topology on this machine: `python -m deploy.topology`.

PostgreSQL tracker store + Redis lock store, N Rasa servers (default 2), one action server,
nginx round-robin in front (no sticky sessions) and the advisor console, all on loopback.
PostgreSQL and Redis are started if they are not running. The same class starts the real
topology in tests/production and scripts/bench_cluster.py.

Settings (environment, with local defaults):
  HELPLINE_TRACKER_DB_URL  postgresql://postgres@127.0.0.1:5432/helpline_tracker
  HELPLINE_DB_URL          postgresql://postgres@127.0.0.1:5432/helpline
  HELPLINE_REDIS_URL       redis://127.0.0.1:6379/0
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import string
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from helpline import cli_db, settings
from helpline.run import Stack

DEPLOY = Path(__file__).resolve().parent
NGINX_TEMPLATE = DEPLOY / "nginx" / "helpline.conf.template"
# Rasa's ticket lock outlives a crashed server for this long; nginx must wait longer.
LOCK_LIFETIME = 20
PG_START = ["pg_ctlcluster", "--skip-systemctl-redirect", "", "main", "start"]
REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",
               "--port", "6379", "--save", "", "--appendonly", "no",
               "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]


def ensure_services() -> None:
    """Start the machine's PostgreSQL and Redis if they are not answering."""
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode != 0:
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run([*PG_START[:2], version, *PG_START[3:]], check=True)
    ping = subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True)
    if ping.returncode != 0:
        subprocess.run(REDIS_START, check=True)


def _admin_engine(url: str):  # noqa: ANN202 - a SQLAlchemy engine on the server's postgres db
    admin = make_url(url).set(database="postgres")
    return create_engine(admin, isolation_level="AUTOCOMMIT", future=True)


def create_database(url: str) -> None:
    """Create a PostgreSQL database for ``url`` if it does not exist."""
    name = make_url(url).database
    engine = _admin_engine(url)
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def drop_database(url: str) -> None:
    """Drop a (throwaway) PostgreSQL database, closing its connections first."""
    name = make_url(url).database
    engine = _admin_engine(url)
    with engine.connect() as connection:
        connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name})
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    engine.dispose()


def render_nginx(template: Path, values: dict[str, str]) -> str:
    """Fill in ${HELPLINE_...} names only; nginx's own $variables stay as they are."""
    return string.Template(template.read_text()).safe_substitute(values)


def nginx_config(workdir: Path, listen: str, api_listen: str, upstreams: list[str],
                 read_timeout: int = LOCK_LIFETIME + 40) -> Path:
    """A complete nginx.conf for an unprivileged nginx in ``workdir``.

    Unlike production, replies carry X-Upstream (which Rasa server answered) so tests can
    see the round-robin.
    """
    site = workdir / "helpline.conf"
    site.write_text(render_nginx(NGINX_TEMPLATE, {
        # max_fails=0: never mark a server down for a slow or reset request (under load that
        # took the surviving server out too: "no live upstreams"); a dead server still costs
        # only a refused connection, and proxy_next_upstream sends the request to the next.
        "HELPLINE_RASA_UPSTREAM": "\n    ".join(f"server {u} max_fails=0;" for u in upstreams),
        "HELPLINE_NGINX_PORT": listen,
        "HELPLINE_NGINX_API_PORT": api_listen,
        "HELPLINE_PROXY_READ_TIMEOUT": f"{read_timeout}s",
    }))
    temp = workdir / "nginx-temp"
    temp.mkdir(exist_ok=True)
    main = workdir / "nginx.conf"
    main.write_text(
        "daemon off;\nworker_processes 1;\n"
        f"pid {workdir / 'nginx.pid'};\nerror_log {workdir / 'nginx-error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        + "".join(f"    {kind}_temp_path {temp / kind};\n"
                  for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + "    add_header X-Upstream $upstream_addr always;\n"
        + f"    include {site};\n}}\n"
    )
    return main


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if not found:
        raise FileNotFoundError("nginx is not installed: apt-get install -y nginx-light")
    return found


def wait_http(url: str, timeout: float = 180, process: subprocess.Popen | None = None) -> None:
    """Wait until ``url`` answers 2xx (health / readiness), or raise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if 200 <= reply.status < 300:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} was not ready in {timeout:.0f} s")


@dataclass
class Topology:
    """Rasa servers behind nginx, sharing PostgreSQL and Redis, on loopback."""

    workdir: Path
    tracker_url: str
    db_url: str
    redis_url: str
    rasa_ports: list[int]
    action_port: int
    nginx_port: int
    api_port: int  # nginx's internal listener for Rasa's HTTP API
    console_port: int | None = None
    lock_lifetime: int = LOCK_LIFETIME
    stacks: list[Stack] = field(default_factory=list)
    rasa: list[subprocess.Popen] = field(default_factory=list)
    actions: subprocess.Popen | None = None
    nginx: subprocess.Popen | None = None
    console: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The public entry point (nginx): the channels' webhooks."""
        return f"http://127.0.0.1:{self.nginx_port}"

    @property
    def api_url(self) -> str:
        """Rasa's HTTP API through nginx (internal: the console, tests)."""
        return f"http://127.0.0.1:{self.api_port}"

    def rasa_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[index]}"

    def start(self) -> None:
        ensure_services()
        self.workdir.mkdir(parents=True, exist_ok=True)
        for url in (self.tracker_url, self.db_url):
            if make_url(url).get_backend_name() == "postgresql":
                create_database(url)
        cli_db.upgrade(self.db_url)  # our tables, as docker-compose's migrate service does
        env = {"TICKET_LOCK_LIFETIME": str(self.lock_lifetime)}
        for port in self.rasa_ports:
            stack = Stack(rasa_port=port, action_port=self.action_port,
                          tracker_url=self.tracker_url, db_url=self.db_url,
                          log_dir=self.workdir, lock_url=self.redis_url, extra_env=env)
            self.stacks.append(stack)
        self.actions = self.stacks[0].start_actions()
        # One Rasa server first: it creates the tracker tables, then the others start.
        self.rasa.append(self.stacks[0].start_rasa())
        self.stacks[0].wait_ready(timeout=300)
        for stack in self.stacks[1:]:
            self.rasa.append(stack.start_rasa())
        for stack in self.stacks[1:]:
            stack.wait_ready(timeout=300)
        wait_http(f"http://127.0.0.1:{self.action_port}/health", process=self.actions)
        self.start_nginx()
        if self.console_port:
            self.console = self.stacks[0].start_console(self.console_port, self.api_url)
            wait_http(f"http://127.0.0.1:{self.console_port}/login", process=self.console)

    def start_nginx(self) -> None:
        upstreams = [f"127.0.0.1:{port}" for port in self.rasa_ports]
        config = nginx_config(self.workdir, f"127.0.0.1:{self.nginx_port}",
                              f"127.0.0.1:{self.api_port}", upstreams, self.lock_lifetime + 40)
        log = open(self.workdir / "nginx.log", "ab")
        self.nginx = subprocess.Popen(
            [nginx_binary(), "-p", str(self.workdir), "-e", str(self.workdir / "nginx-error.log"),
             "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
        wait_http(f"{self.url}/nginx-health", timeout=30, process=self.nginx)

    def kill_rasa(self, index: int) -> None:
        """kill -9 one Rasa server (a crash: no clean shutdown, its locks stay in Redis)."""
        self.rasa[index].send_signal(signal.SIGKILL)
        self.rasa[index].wait(timeout=10)

    def stop_actions(self) -> None:
        if self.actions is not None and self.actions.poll() is None:
            self.actions.terminate()
            self.actions.wait(timeout=15)

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.terminate()
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        for stack in self.stacks:
            stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rasa-servers", type=int, default=2)
    parser.add_argument("--first-rasa-port", type=int, default=5005)
    parser.add_argument("--action-port", type=int, default=5055)
    parser.add_argument("--nginx-port", type=int, default=8080)
    parser.add_argument("--api-port", type=int, default=8081)
    parser.add_argument("--console-port", type=int, default=8001)
    args = parser.parse_args(argv)
    pg = "postgresql://postgres@127.0.0.1:5432"
    config = settings.get()
    topology = Topology(
        workdir=settings.data_dir() / "topology",
        tracker_url=config.tracker_db_url or f"{pg}/helpline_tracker",
        db_url=config.db_url or f"{pg}/helpline",
        redis_url=config.redis_url or "redis://127.0.0.1:6379/0",
        rasa_ports=[args.first_rasa_port + i for i in range(args.rasa_servers)],
        action_port=args.action_port, nginx_port=args.nginx_port, api_port=args.api_port,
        console_port=args.console_port,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        topology.start()
        print(f"Ready: nginx {topology.url} -> Rasa on ports {topology.rasa_ports}; "
              f"console http://127.0.0.1:{args.console_port}; logs in {topology.workdir}",
              flush=True)
        while all(p.poll() is None for p in [*topology.rasa, topology.nginx]):
            time.sleep(1)
        print("A process stopped; shutting down.")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        topology.stop()


if __name__ == "__main__":
    sys.exit(main())
