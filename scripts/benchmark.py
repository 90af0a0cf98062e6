"""Benchmark the bot against `rasa init`'s default bot, in one run on this machine.

Run with `make bench`. For each bot it measures start-up (process start to the first answered
REST turn), then drives the REST channel with CONVERSATIONS concurrent conversations of
scripted turns, REPEATS times, and prints the median turns/s, p50/p95 turn latency and the Rasa server's
peak resident memory. Our figures are printed as ratios of the default bot's, and written to
the "## Conversation" section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpline import settings  # noqa: E402
from helpline.run import BIN, Stack  # noqa: E402
from tests.helpers import free_port  # noqa: E402

CONVERSATIONS = 20
ROUNDS = 3  # each conversation sends its script this many times
REPEATS = 3  # load runs per bot (new conversations each time); the median is reported
OUR_SCRIPT = [
    "hello", "yes", "is it abuse if he takes my money", "what is coercive control",
    "i'm worried about my friend", "my ex keeps following me", "can i talk to a person",
    "he's outside with a knife", "thank you", "bye",
]
DEFAULT_SCRIPT = [
    "hello", "I am great", "bye", "hi", "I am sad", "yes", "good morning", "no", "are you a bot?",
    "goodbye",
]
BASELINE_DIR = settings.data_dir() / "bench-default-bot"


@dataclass
class Figures:
    startup_s: float
    turns_per_s: float
    p50_ms: float
    p95_ms: float
    peak_rss_mb: float = 0.0
    # our local stack (`make run`): each process's peak RSS in MB, after the load
    stack_rss_mb: dict[str, float] = field(default_factory=dict)


async def _talk(session: aiohttp.ClientSession, url: str, sender: str, texts: list[str],
                latencies: list[float]) -> None:
    for text in texts:
        start = time.perf_counter()
        async with session.post(url, json={"sender": sender, "message": text}) as reply:
            reply.raise_for_status()
            await reply.read()
        latencies.append(time.perf_counter() - start)


async def load_run(session: aiohttp.ClientSession, base_url: str, prefix: str,
                   conversations: list[list[str]]) -> tuple[float, list[float]]:
    """All conversations at once over the REST channel, each sending its texts in turn.

    Returns turns/s and the latency of every turn. Also used by bench_cluster.py.
    """
    url = f"{base_url}/webhooks/rest/webhook"
    latencies: list[float] = []
    start = time.perf_counter()
    await asyncio.gather(*(_talk(session, url, f"{prefix}-{i}", texts, latencies)
                           for i, texts in enumerate(conversations)))
    return len(latencies) / (time.perf_counter() - start), latencies


async def _drive(base_url: str, script: list[str]) -> tuple[list[float], list[float]]:
    """Throughput of each load run, and the latencies of every turn of all runs."""
    latencies: list[float] = []
    throughputs: list[float] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        # Warm up with one whole load run, not counted, for both bots. With two warm-up turns
        # the first counted run was the slowest of the three for our bot in every run on
        # 2026-12-01 (29.6, 28.7, 32.3 turns/s against medians of 35.6, 34.4 and 38.1). With
        # the whole run it still was (28.6 against 31.5): what warms up is not yet known.
        await load_run(session, base_url, "warm-up", [script * ROUNDS] * CONVERSATIONS)
        for run in range(REPEATS):
            throughput, run_latencies = await load_run(
                session, base_url, f"bench-{run}", [script * ROUNDS] * CONVERSATIONS)
            throughputs.append(throughput)
            latencies += run_latencies
    return throughputs, latencies


def _first_turn(base_url: str, started: float, process: subprocess.Popen) -> float:
    """Seconds from process start until the REST channel answers a message."""
    import requests

    while time.monotonic() - started < 600:
        if process.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            reply = requests.post(f"{base_url}/webhooks/rest/webhook",
                                  json={"sender": "startup", "message": "hello"}, timeout=5)
            if reply.status_code == 200:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError("the server was not ready in 600 s")


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _figures(base_url: str, startup: float, script: list[str], pid: int) -> Figures:
    throughputs, latencies = asyncio.run(_drive(base_url, script))
    print("turns/s of each run:", ", ".join(f"{value:.1f}" for value in throughputs))
    quantiles = statistics.quantiles(latencies, n=100)
    return Figures(startup, statistics.median(throughputs), quantiles[49] * 1000,
                   quantiles[94] * 1000, peak_rss_mb(pid))


def measure_ours(workdir: Path) -> Figures:
    stack = Stack(rasa_port=free_port(), action_port=free_port(),
                  tracker_url=f"sqlite:///{workdir / 'tracker.db'}", log_dir=workdir)
    try:
        processes = {"action server": stack.start_actions()}
        started = time.monotonic()
        processes["Rasa server"] = stack.start_rasa()
        startup = _first_turn(stack.rasa_url, started, processes["Rasa server"])
        processes["web chat"] = stack.start_webchat(free_port())
        processes["advisor console"] = stack.start_console(free_port())
        figures = _figures(stack.rasa_url, startup, OUR_SCRIPT, processes["Rasa server"].pid)
        figures.stack_rss_mb = {name: peak_rss_mb(p.pid) for name, p in processes.items()}
        return figures
    finally:
        stack.stop()


def _env() -> dict:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}


def prepare_default_bot() -> Path:
    """`rasa init` once; its trained model is kept in var/ for later runs."""
    if not list((BASELINE_DIR / "models").glob("*.tar.gz")):
        BASELINE_DIR.mkdir(parents=True, exist_ok=True)
        print("Creating and training rasa init's default bot (a few minutes, once)...")
        subprocess.run([str(BIN / "rasa"), "init", "--no-prompt", "--init-dir",
                        str(BASELINE_DIR)], check=True, env=_env(), stdout=subprocess.DEVNULL)
    return BASELINE_DIR


def measure_default(workdir: Path) -> Figures:
    project = prepare_default_bot()
    port = free_port()
    log = open(workdir / "default-bot.log", "wb")
    started = time.monotonic()
    process = subprocess.Popen(
        [str(BIN / "rasa"), "run", "--enable-api", "--model", "models", "--interface",
         "127.0.0.1", "--port", str(port)],
        cwd=project, env=_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        startup = _first_turn(base_url, started, process)
        return _figures(base_url, startup, DEFAULT_SCRIPT, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def report(ours: Figures, default: Figures) -> str:
    rows = [
        ("start-up to first answered turn", f"{ours.startup_s:.1f} s",
         f"{default.startup_s:.1f} s", f"{ours.startup_s / default.startup_s:.2f}x"),
        ("throughput", f"{ours.turns_per_s:.1f} turns/s", f"{default.turns_per_s:.1f} turns/s",
         f"{ours.turns_per_s / default.turns_per_s:.2f}x"),
        ("p50 turn latency", f"{ours.p50_ms:.0f} ms", f"{default.p50_ms:.0f} ms",
         f"{ours.p50_ms / default.p50_ms:.2f}x"),
        ("p95 turn latency", f"{ours.p95_ms:.0f} ms", f"{default.p95_ms:.0f} ms",
         f"{ours.p95_ms / default.p95_ms:.2f}x"),
        ("Rasa server peak memory (RSS)", f"{ours.peak_rss_mb:.0f} MB",
         f"{default.peak_rss_mb:.0f} MB", f"{ours.peak_rss_mb / default.peak_rss_mb:.2f}x"),
    ]
    lines = [
        "## Conversation",
        "",
        f"Measured {datetime.date.today().isoformat()} by `make bench` (scripts/benchmark.py) "
        f"on this {os.cpu_count()}-core machine: {CONVERSATIONS} concurrent conversations, "
        f"{ROUNDS * len(OUR_SCRIPT)} scripted turns each, over the REST channel; the load is "
        f"run {REPEATS} times per bot (new conversations each time) and the median "
        "throughput is shown, latencies are over all runs. The baseline "
        "is `rasa init`'s default bot (DIET, TED, in-memory tracker store), measured the same "
        "way in the same run. Ours uses its SQLite tracker store and action server.",
        "",
        "| figure | this bot | default bot | ratio |",
        "| --- | --- | --- | --- |",
        *[f"| {name} | {a} | {b} | {r} |" for name, a, b, r in rows],
        "",
        "Targets: throughput at least 3x the default bot's; start-up 30 s or less; a Rasa "
        "server of 1 GB RSS or less.",
        "",
        "Peak memory (RSS) of each process of the local stack (`make run`), after the same "
        "load:",
        "",
        "| process | peak RSS |",
        "| --- | --- |",
        *[f"| {name} | {mb:.0f} MB |" for name, mb in ours.stack_rss_mb.items()],
        f"| **all** | **{sum(ours.stack_rss_mb.values()):.0f} MB** |",
        "",
        "Target: the whole local stack at 1.2 GB RSS or less.",
        "",
    ]
    return "\n".join(lines)


def write_section(section: str) -> None:
    path = settings.ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    pattern = re.compile(r"^## Conversation\n.*?(?=^## |\Z)", re.M | re.S)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) \
        else text.rstrip() + "\n\n" + section
    path.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true", help="only print the figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ours = measure_ours(Path(tmp))
        default = measure_default(Path(tmp))
    section = report(ours, default)
    print(section)
    if not args.no_write:
        write_section(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
