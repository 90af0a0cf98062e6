"""Handoff benchmark: 200 conversations waiting, 20 advisors connected by server-sent events.

Starts the real action server, Rasa server, web chat and console on loopback with a
throwaway SQLite database, then, for each of N people in turn:

1. the person writes "can I talk to a real person" in the web chat (the model runs
   action_handoff_escalate); we time until the new entry is in the queue stream of every one
   of the 20 consoles, from when the entry was stored and from when the person sent it;
2. an advisor claims it and replies; we time from the reply's POST until the person's web
   chat long poll (/api/outbox) returns it.

Meanwhile the 200 waiting people's web chats long-poll too. Prints the figures and writes them
to the "## Handoff" section of docs/benchmarks.md. Loopback only; stops by itself
(--max-seconds).

    .venv/bin/python scripts/bench_handoff.py [--people 30] [--max-seconds 300]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpline import privacy, queue  # noqa: E402
from helpline.console import auth  # noqa: E402
from helpline.run import Stack  # noqa: E402

WAITING = 200
ADVISORS = 20
PASSWORD = "bench password long enough"
BENCH_DOC = ROOT / "docs" / "benchmarks.md"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


async def wait_http(session: aiohttp.ClientSession, url: str, stack: Stack,
                    timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if any(p.poll() is not None for p in stack.processes):
            raise RuntimeError(f"a process exited early; see {stack.log_dir}")
        try:
            async with session.get(url) as reply:
                if reply.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.3)
    raise TimeoutError(f"{url} not ready; see {stack.log_dir}")


class Advisor:
    """One logged-in console session with its queue stream."""

    def __init__(self, console_url: str, name: str) -> None:
        self.url, self.name = console_url, name
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                          timeout=aiohttp.ClientTimeout(total=None))
        self.csrf = ""
        self.seen: dict[int, float] = {}  # entry id -> wall time first seen in the stream
        self.connected = asyncio.Event()

    async def login(self) -> None:
        async with self.http.get(self.url + "/login") as page:
            token = re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)
        async with self.http.post(self.url + "/login", allow_redirects=False, data={
                "csrf": token, "username": self.name, "password": PASSWORD}) as reply:
            if reply.status != 303:
                raise RuntimeError(f"login failed for {self.name}: HTTP {reply.status}")
        async with self.http.get(self.url + "/") as home:
            self.csrf = re.search(r'name="csrf-token" content="([^"]+)"',
                                  await home.text()).group(1)

    async def stream(self) -> None:
        async with self.http.get(self.url + "/events/queue") as reply:
            buffer = b""
            async for chunk in reply.content.iter_any():
                buffer += chunk
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    now = time.time()
                    for line in block.split(b"\n"):
                        if line.startswith(b"data: "):
                            data = json.loads(line[6:])
                            for entry in data.get("entries", []):
                                self.seen.setdefault(entry["id"], now)
                            self.connected.set()

    async def post(self, path: str, body: Optional[dict] = None) -> int:
        async with self.http.post(self.url + path, json=body or {},
                                  headers={"X-CSRF-Token": self.csrf}) as reply:
            await reply.read()
            return reply.status


async def long_poll(http: aiohttp.ClientSession, webchat: str, sender: str,
                    inbox: list[tuple[float, dict]], stop: asyncio.Event) -> None:
    """A person's web chat page waiting for messages, as chat.js does."""
    after = 0
    while not stop.is_set():
        try:
            async with http.get(f"{webchat}/api/outbox", params={
                    "sender": sender, "after": str(after), "wait": "20"}) as reply:
                data = await reply.json(content_type=None)
            now = time.monotonic()
            for message in data.get("messages", []) if reply.status == 200 else []:
                after = max(after, message["id"])
                inbox.append((now, message))
            if reply.status != 200:
                await asyncio.sleep(1)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            await asyncio.sleep(1)


async def wait_until(predicate: Any, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        await asyncio.sleep(0.005)
    return False


async def run(people: int, max_seconds: float, stack: Stack, webchat: str, console: str,
              db_url: str) -> dict[str, Any]:
    deadline = time.monotonic() + max_seconds
    http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60),
                                 connector=aiohttp.TCPConnector(limit=0))
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []
    advisors = [Advisor(console, f"adv{i:02d}") for i in range(ADVISORS)]
    result: dict[str, Any] = {"stored": [], "sent": [], "reply": [], "failures": 0}
    try:
        await wait_http(http, f"{stack.rasa_url}/status", stack, 600)
        await wait_http(http, f"{webchat}/healthz", stack, 60)
        await wait_http(http, f"{console}/login", stack, 60)
        for advisor in advisors:
            await advisor.login()
            if await advisor.post("/api/shift", {"on": True}) != 200:  # queued only if on
                raise RuntimeError(f"{advisor.name} could not sign on")
            tasks.append(asyncio.create_task(advisor.stream()))
        await asyncio.wait_for(asyncio.gather(*(a.connected.wait() for a in advisors)), 30)
        for i in range(WAITING):
            tasks.append(asyncio.create_task(
                long_poll(http, webchat, f"bench-wait-{i}", [], stop)))
        await asyncio.sleep(2)  # let the 200 long polls settle
        for i in range(people):
            if time.monotonic() > deadline:
                break
            sender, inbox = f"bench-person-{i}", []
            cid = privacy.pseudonymise("rest", sender)
            tasks.append(asyncio.create_task(long_poll(http, webchat, sender, inbox, stop)))
            sent = time.time()
            async with http.post(f"{webchat}/api/message", json={
                    "sender": sender, "message": "can I talk to a real person"}) as reply:
                await reply.read()
            entry = await asyncio.to_thread(queue.active_for, cid, queue.CHAT, db_url)
            if entry is None:
                result["failures"] += 1
                continue
            if not await wait_until(lambda entry=entry: all(entry.id in a.seen for a in advisors), 5):
                result["failures"] += 1
                continue
            last = max(a.seen[entry.id] for a in advisors)
            result["stored"].append(last - entry.created_at)
            result["sent"].append(last - sent)

            advisor = advisors[i % ADVISORS]
            if await advisor.post(f"/api/c/{entry.id}/claim") != 200:
                result["failures"] += 1
                continue
            text = f"Hello, this is an advisor ({i})."
            started = time.monotonic()
            status = await advisor.post(f"/api/c/{entry.id}/reply", {"text": text})
            got = await wait_until(
                lambda text=text, inbox=inbox: any(m.get("text") == text for _, m in inbox), 5)
            if status != 200 or not got:
                result["failures"] += 1
                continue
            arrived = next(t for t, m in inbox if m.get("text") == text)
            result["reply"].append(arrived - started)
            await advisor.post(f"/api/c/{entry.id}/close",
                               {"outcome": "signposted", "note": "benchmark"})
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for advisor in advisors:
            await advisor.http.close()
        await http.close()
    return result


def summary(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (f"p50 {statistics.median(values) * 1000:.0f} ms, p95 {p95(values) * 1000:.0f} ms, "
            f"max {max(values) * 1000:.0f} ms (n={len(values)})")


def write_doc(lines: list[str]) -> None:
    text = BENCH_DOC.read_text(encoding="utf-8") if BENCH_DOC.exists() else "# Benchmarks\n"
    section = "## Handoff\n\n" + "\n".join(lines) + "\n"
    match = re.search(r"^## Handoff\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
    if match:
        text = text[:match.start()] + section + ("\n" if match.end() < len(text) else "") \
            + text[match.end():]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    BENCH_DOC.write_text(text, encoding="utf-8")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=30, help="escalations to time")
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--no-write", action="store_true", help="do not edit the docs")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="bench-handoff-"))
    db_url = f"sqlite:///{workdir / 'helpline.db'}"
    os.environ.update({"HELPLINE_DB_URL": db_url, "HELPLINE_DATA_DIR": str(workdir),
                       "HELPLINE_ADVISOR_HOURS": "mon-sun 00:00-24:00; hol 00:00-24:00"})
    for i in range(ADVISORS):
        auth.create_user(f"adv{i:02d}", PASSWORD, "advisor", db_url)
    signals = [[], ["stalking"], ["pregnancy"], ["threat_to_kill"], ["children"]]
    for i in range(WAITING):
        queue.enqueue(privacy.pseudonymise("rest", f"bench-wait-{i}"), "rest",
                      signals[i % len(signals)], db_url=db_url)

    stack = Stack(rasa_port=free_port(), action_port=free_port(), db_url=db_url,
                  tracker_url=f"sqlite:///{workdir / 'tracker.db'}", log_dir=workdir)
    webchat_port, console_port = free_port(), free_port()
    print(f"Starting the stack (logs in {workdir})...", flush=True)
    started = time.monotonic()
    try:
        stack.start_actions()
        stack.start_rasa()
        stack.start_webchat(webchat_port)
        stack.start_console(console_port)
        result = asyncio.run(asyncio.wait_for(run(
            args.people, args.max_seconds, stack, f"http://127.0.0.1:{webchat_port}",
            f"http://127.0.0.1:{console_port}", db_url), args.max_seconds + 660))
    finally:
        stack.stop()
    stored, sent, reply = result["stored"], result["sent"], result["reply"]
    ok = bool(stored and reply) and p95(stored) <= 1.0 and p95(reply) <= 1.0
    lines = [
        f"`scripts/bench_handoff.py` ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPU "
        f"cores shared, SQLite, everything on loopback): {WAITING} conversations waiting "
        f"(their web chats long-polling), {ADVISORS} advisors connected to the console's "
        f"queue stream (SSE), {len(stored)} people escalating one after another through "
        "the web chat (the real model runs action_handoff_escalate).",
        "",
        "| Measure | Figures | Target |",
        "|---|---|---|",
        f"| New escalation in all {ADVISORS} consoles, from the entry being stored | "
        f"{summary(stored)} | p95 <= 1 s |",
        f"| New escalation in all {ADVISORS} consoles, from the person's message | "
        f"{summary(sent)} | (includes NLU and the action) |",
        "| Advisor reply (console POST) to the person's web chat (long poll) | "
        f"{summary(reply)} | p95 <= 1 s |",
        "",
        f"Failures (missing entry, not seen in 5 s, reply not delivered in 5 s): "
        f"{result['failures']}. Targets {'met' if ok else 'NOT met'}. Run time "
        f"{time.monotonic() - started:.0f} s.",
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_doc(lines)
        print(f"Wrote the Handoff section of {BENCH_DOC.relative_to(ROOT)}.")
    return 0 if ok and not result["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
