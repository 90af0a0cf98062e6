"""Throughput through nginx with 2 Rasa servers vs 1, and p95 turn latency on PostgreSQL vs
SQLite, measured in the same run: `.venv/bin/python scripts/bench_cluster.py`.

Writes the figures into the "## Production" section of docs/benchmarks.md (only that section).
"""
from __future__ import annotations

import asyncio
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.topology import (  # noqa: E402
    Topology,
    drop_database,
    nginx_binary,
    nginx_config,
    wait_http,
)
from helpline import settings  # noqa: E402
from helpline.run import Stack  # noqa: E402
from scripts.benchmark import load_run  # noqa: E402
from tests.helpers import free_port  # noqa: E402
from tests.production.load import message  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432"
CONVERSATIONS = 20
TURNS = 30
DOC = settings.ROOT / "docs" / "benchmarks.md"


def load(url: str, conversations: int = CONVERSATIONS, turns: int = TURNS) -> dict:
    """Conversations at once, each sending its turns in sequence: turns/s and p95 latency.

    One asyncio client (aiohttp): it shares the 2 cores with the servers, so it must be light.
    """
    return asyncio.run(_load(url, conversations, turns))


async def _load(url: str, conversations: int, turns: int) -> dict:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        turns_per_s, latencies = await load_run(
            session, url, f"bench-{uuid.uuid4().hex[:12]}",
            [[message(i, turn) for turn in range(turns)] for i in range(conversations)])
    latencies.sort()
    return {"turns_per_s": turns_per_s,
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
            "median_ms": 1000 * statistics.median(latencies)}


def one_server_nginx(workdir: Path, port: int, api_port: int, rasa_port: int
                     ) -> subprocess.Popen:
    workdir.mkdir(parents=True, exist_ok=True)
    config = nginx_config(workdir, f"127.0.0.1:{port}", f"127.0.0.1:{api_port}",
                          [f"127.0.0.1:{rasa_port}"])
    process = subprocess.Popen([nginx_binary(), "-p", str(workdir), "-e",
                                str(workdir / "nginx-error.log"), "-c", str(config)])
    wait_http(f"http://127.0.0.1:{port}/nginx-health", 30, process)
    return process


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    name = f"helpline_bench_{secrets.token_hex(4)}"
    topo = Topology(workdir=work, tracker_url=f"{PG}/{name}_tracker",
                    db_url=f"{PG}/{name}_app", redis_url="redis://127.0.0.1:6379/8",
                    rasa_ports=[free_port(), free_port()], action_port=free_port(),
                    nginx_port=free_port(), api_port=free_port())
    single = None
    sqlite = None
    try:
        topo.start()
        load(topo.url, 4, 3)  # warm up both servers
        single = one_server_nginx(work / "one", free_port(), free_port(), topo.rasa_ports[0])
        one_url = "http://" + re.search(r"listen (\S+);",
                                        (work / "one" / "helpline.conf").read_text()).group(1)
        results = {}
        results["pg_1"] = load(one_url)
        results["pg_2"] = load(topo.url)
        results["pg_1_again"] = load(one_url)
        results["pg_2_again"] = load(topo.url)
        topo.stop()
        sqlite = Stack(rasa_port=free_port(), action_port=free_port(),
                       tracker_url=f"sqlite:///{work / 'tracker.db'}",
                       db_url=f"sqlite:///{work / 'helpline.db'}", log_dir=work, lock_url="")
        sqlite.start_actions()
        sqlite.start_rasa()
        sqlite.wait_ready(300)
        load(sqlite.rasa_url, 4, 3)
        results["sqlite_1"] = load(sqlite.rasa_url)
    finally:
        if single is not None:
            single.terminate()
        if sqlite is not None:
            sqlite.stop()
        topo.stop()
        for url in (topo.tracker_url, topo.db_url):
            drop_database(url)
    one = (results["pg_1"]["turns_per_s"] + results["pg_1_again"]["turns_per_s"]) / 2
    two = (results["pg_2"]["turns_per_s"] + results["pg_2_again"]["turns_per_s"]) / 2
    section = (
        "## Production\n\n"
        f"`scripts/bench_cluster.py`, {CONVERSATIONS} concurrent conversations x {TURNS} "
        "turns, REST channel, PostgreSQL tracker store + Redis lock store, one action "
        "server, on this 2-core machine (one asyncio load generator on the same cores). "
        "1 and 2 servers are measured alternately, twice each; the scaling is the ratio of "
        "their means.\n\n"
        "| setup | turns/s | median ms | p95 ms |\n| --- | --- | --- | --- |\n"
        + "".join(f"| {label} | {r['turns_per_s']:.1f} | {r['median_ms']:.0f} | "
                  f"{r['p95_ms']:.0f} |\n" for label, r in [
                      ("nginx -> 1 Rasa server, PostgreSQL", results["pg_1"]),
                      ("nginx -> 2 Rasa servers, PostgreSQL", results["pg_2"]),
                      ("nginx -> 1 Rasa server, PostgreSQL (again)", results["pg_1_again"]),
                      ("nginx -> 2 Rasa servers, PostgreSQL (again)", results["pg_2_again"]),
                      ("1 Rasa server direct, SQLite, in-memory lock", results["sqlite_1"])])
        + f"\nScaling 2 vs 1 server: **{two / one:.2f}x** (target 1.7x). p95 at "
        f"{CONVERSATIONS} conversations: PostgreSQL {results['pg_1']['p95_ms']:.0f} ms vs "
        f"SQLite {results['sqlite_1']['p95_ms']:.0f} ms.\n"
    )
    print(section)
    write_section(section)
    return 0


def write_section(section: str) -> None:
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Production\n.*?(?=^## |\Z)", re.M | re.S)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else (
        text.rstrip("\n") + "\n\n" + section)
    DOC.write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
