"""Handoff benchmark: 200 conversations waiting, 20 advisors connected by server-sent events.

Starts the real action server, Rasa server, web chat and console on loopback with a
throwaway SQLite database, then, for each of N people in turn:

1. the person writes "can I talk to a real person" in the web chat (the model runs
   action_handoff_escalate); we time until the new entry is in the queue stream of every one
   of the 20 consoles, from when the entry was stored and from when the person sent it;
2. an advisor claims it and replies; we time from the reply's POST until the person's web
   chat long poll (/api/outbox) returns it.

Meanwhile the 200 waiting people's web chats long-poll too.

Then, with the same 200 waiting and 20 advisors still connected and nobody new arriving, the
idle console: real headless Chromium (Debian's /usr/bin/chromium, as the browser tests use)
logs in as an advisor and sits for --idle-seconds on, in turn, nothing (Chromium open, no
page: the servers' own baseline), the queue page, and a conversation page the advisor holds.
For each window it reads the CPU time (/proc/<pid>/stat, user + system) of Chromium's
renderer processes, of all of Chromium, of the console server and of the Rasa server (the
conversation stream reads the tracker from it), as % of one core, and counts what the page
fetched (Playwright's request events: a poll shows up as repeated requests, an open
EventSource as none) and the server-sent events it received (CDP). One page at a time, so
every renderer's CPU is that page's (a spare renderer Chromium keeps ready counts too: an
upper bound). The target is "an idle console page uses under 2% of a core" (issue 16).
Measured 2026-11-30 (2 shared cores, 30 s windows, three runs): the renderer 0.13-0.23% for the
queue page (200 rows) and 0.10-0.13% for a held conversation, no request and no event in
either window; the console server 9% with no page open (its 0.25 s queue poller) and 1-2
points more with a conversation page (that page's streams poll every 0.3 and 0.5 s).

Prints the figures and writes them to the "## Handoff" section of docs/benchmarks.md.
Loopback only; stops by itself (--max-seconds for the escalations, then the idle windows).

    .venv/bin/python scripts/bench_handoff.py [--people 30] [--max-seconds 300] \
        [--idle-seconds 30]
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
from urllib.parse import urlsplit

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpline import advisor_queue, privacy  # noqa: E402
from helpline.console import auth  # noqa: E402
from helpline.run import Stack  # noqa: E402
from tests.helpers import free_port  # noqa: E402

WAITING = 200
ADVISORS = 20
PASSWORD = "bench password long enough"
BENCH_DOC = ROOT / "docs" / "benchmarks.md"
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
IDLE_TARGET = 2.0  # % of one core, for the page
SETTLE = 5.0  # seconds after a page is live before its idle window starts
TICKS = os.sysconf("SC_CLK_TCK")


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


# ---------------------------------------------------------------- the idle console

def cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU time of a process so far (None once it has gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # fields from the third on (state)
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def chromium_processes() -> dict[int, str]:
    """This benchmark's Chromium processes (under Playwright's driver), pid -> kind."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    ours, found = {os.getpid()}, True
    while found:
        found = False
        for pid, parent in parents.items():
            if parent in ours and pid not in ours:
                ours.add(pid)
                found = True
    kinds = {}
    for pid in ours:
        try:  # children rewrite their title: one string with spaces, not NUL-separated
            args = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
        except OSError:
            continue
        if not args or not args[0].endswith(b"/chromium"):
            continue
        kind = next((a[7:].decode() for a in args if a.startswith(b"--type=")), "browser")
        if b"--top-chrome-webui" in args:  # Chromium's own WebUI, not a web page
            kind = "webui"
        kinds[pid] = kind
    return kinds


async def open_console_page(browser: Any, console: str, path: str) -> Any:
    """A new browser context logged in as adv00, showing ``path``."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(console + "/login")
    await page.fill("input[name=username]", "adv00")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(console + "/")
    if path != "/":
        await page.goto(console + path)
    return page


async def idle_window(page: Any, seconds: float, servers: dict[str, int]) -> dict[str, Any]:
    """CPU as % of one core over ``seconds`` of idleness, and what the page fetched."""
    requests: list[str] = []
    sse_events: list[str] = []
    cdp = None
    if page is not None:
        cdp = await page.context.new_cdp_session(page)
        await cdp.send("Network.enable")
        await cdp.send("Performance.enable")
        cdp.on("Network.eventSourceMessageReceived",
               lambda event: sse_events.append(event.get("eventName", "message")))

        def on_request(request: Any) -> None:
            requests.append(f"{request.method} {urlsplit(request.url).path}")

        page.on("request", on_request)
        metrics = {m["name"]: m["value"] for m in
                   (await cdp.send("Performance.getMetrics"))["metrics"]}
    browser_before = {pid: (kind, cpu_seconds(pid)) for pid, kind in chromium_processes().items()}
    servers_before = {name: cpu_seconds(pid) for name, pid in servers.items()}
    started = time.monotonic()
    await asyncio.sleep(seconds)
    elapsed = time.monotonic() - started
    servers_after = {name: cpu_seconds(pid) for name, pid in servers.items()}
    used = {"renderer": 0.0, "chromium": 0.0}
    for pid, kind in chromium_processes().items():
        now = cpu_seconds(pid)
        if now is None:
            continue
        before = browser_before.get(pid, (kind, 0.0))[1] or 0.0  # new in the window: all of it
        used["chromium"] += now - before
        if kind == "renderer":
            used["renderer"] += now - before
    for name in servers:
        if servers_before[name] is not None and servers_after[name] is not None:
            used[name] = servers_after[name] - servers_before[name]
    result: dict[str, Any] = {name: 100 * value / elapsed for name, value in used.items()}
    result.update(seconds=elapsed, requests=requests, sse=sse_events)
    if page is not None:
        page.remove_listener("request", on_request)
        after = {m["name"]: m["value"] for m in
                 (await cdp.send("Performance.getMetrics"))["metrics"]}
        result["main_thread"] = 100 * (after["TaskDuration"] - metrics["TaskDuration"]) / elapsed
        await cdp.detach()
    return result


async def idle_console(seconds: float, console: str, advisor: Advisor, entry_id: int,
                       servers: dict[str, int]) -> dict[str, dict[str, Any]]:
    """The three idle windows: no page, the queue page, a held conversation's page."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing (Debian's chromium: scripts/machine.sh)")
    from playwright.async_api import async_playwright

    windows = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            await asyncio.sleep(SETTLE)
            windows["none"] = await idle_window(None, seconds, servers)
            page = await open_console_page(browser, console, "/")
            await page.wait_for_selector("#live-status:text('Live')", timeout=10000)
            rows = await page.eval_on_selector_all("#queue tbody tr", "rows => rows.length")
            await asyncio.sleep(SETTLE)
            windows["queue"] = await idle_window(page, seconds, servers)
            windows["queue"]["rows"] = rows
            await page.context.close()
            # adv00 holds one of the waiting conversations; its page shows "With you".
            if await advisor.post(f"/api/c/{entry_id}/claim", {"confirm": True}) != 200:
                raise RuntimeError(f"{advisor.name} could not claim entry {entry_id}")
            page = await open_console_page(browser, console, f"/c/{entry_id}")
            await page.wait_for_selector("#status:text('With you')", timeout=10000)
            await asyncio.sleep(SETTLE)
            windows["conversation"] = await idle_window(page, seconds, servers)
            await page.context.close()
        finally:
            await browser.close()
    return windows


async def run(people: int, max_seconds: float, stack: Stack, webchat: str, console: str,
              db_url: str, idle_seconds: float, servers: dict[str, int]) -> dict[str, Any]:
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
            entry = await asyncio.to_thread(advisor_queue.active_for, cid, advisor_queue.CHAT, db_url)
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
        if idle_seconds > 0:
            oldest = (await asyncio.to_thread(advisor_queue.waiting, db_url=db_url))[0]
            result["idle"] = await idle_console(idle_seconds, console, advisors[0], oldest.id,
                                                servers)
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


def idle_lines(idle: dict[str, dict[str, Any]]) -> list[str]:
    """The idle console's figures as a Markdown table and what the pages fetched."""
    pages = ("none", "queue", "conversation")

    def cells(key: str) -> str:
        return " | ".join(f"{idle[p][key]:.2f}%" if key in idle[p] else "-" for p in pages)

    def fetched(page: str) -> str:
        return ", ".join(idle[page]["requests"]) or "none"

    def events(page: str) -> str:
        names = idle[page]["sse"]
        return ", ".join(f"{names.count(n)} {n!r}" for n in sorted(set(names))) or "none"

    seconds = round(idle["queue"]["seconds"])
    return [
        "",
        f"The idle console (same run, afterwards): {WAITING} waiting and {ADVISORS} advisors "
        f"still connected, nobody new arriving; headless Chromium ({CHROMIUM}, "
        f"{' '.join(BROWSER_ARGS)}) logged in as one more console of adv00; {seconds} s "
        "per window, one page open at a time. CPU is user + system time from /proc as % of "
        "one core. The queue page showed "
        f"{idle['queue']['rows']} rows; the conversation page is the top waiting entry, "
        "claimed by adv00 (so 199 wait in that window).",
        "",
        "| Idle, % of one core | No page (baseline) | Queue page | Conversation page | Target |",
        "|---|---|---|---|---|",
        f"| Chromium renderer process(es) | {cells('renderer')} | < {IDLE_TARGET:.0f}% |",
        "| Page main thread, wall time of its tasks (CDP TaskDuration) | "
        f"{cells('main_thread')} | |",
        f"| All of Chromium (browser, GPU, network, renderers) | {cells('chromium')} | |",
        f"| Console server process | {cells('console')} | |",
        f"| Rasa server process | {cells('rasa')} | |",
        "",
        f"Requests the idle pages made in the window: queue page {fetched('queue')}; "
        f"conversation page {fetched('conversation')} (target: none, the pages listen "
        "by server-sent events and do not poll). Server-sent events received: queue page "
        f"{events('queue')}; conversation page {events('conversation')}.",
        "",
        "The servers poll, not the pages: the console reads the queue every 0.25 s for all "
        "its streams, page or no page (helpline/console/app.py POLL_QUEUE); a conversation "
        "page's two streams add a read every 0.3 s (app.py POLL_CONVERSATION: the entry, "
        "Rasa's tracker, the typing flag) and 0.5 s (supervision.py POLL_SECONDS). "
        "Rasa also serves the 200 web chats' long polls, each re-checking the outbox every "
        "3 s (bot/channels/outbox.py RECHECK).",
    ]


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
    parser.add_argument("--idle-seconds", type=float, default=30,
                        help="each idle console window (0: no browser part)")
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
        advisor_queue.enqueue(privacy.pseudonymise("rest", f"bench-wait-{i}"), "rest",
                      signals[i % len(signals)], db_url=db_url)

    stack = Stack(rasa_port=free_port(), action_port=free_port(), db_url=db_url,
                  tracker_url=f"sqlite:///{workdir / 'tracker.db'}", log_dir=workdir)
    webchat_port, console_port = free_port(), free_port()
    print(f"Starting the stack (logs in {workdir})...", flush=True)
    started = time.monotonic()
    try:
        stack.start_actions()
        servers = {"rasa": stack.start_rasa().pid}
        stack.start_webchat(webchat_port)
        servers["console"] = stack.start_console(console_port).pid
        result = asyncio.run(asyncio.wait_for(run(
            args.people, args.max_seconds, stack, f"http://127.0.0.1:{webchat_port}",
            f"http://127.0.0.1:{console_port}", db_url, args.idle_seconds, servers),
            args.max_seconds + 660 + 4 * args.idle_seconds))
    finally:
        stack.stop()
    stored, sent, reply = result["stored"], result["sent"], result["reply"]
    ok = bool(stored and reply) and p95(stored) <= 1.0 and p95(reply) <= 1.0
    idle = result.get("idle")
    if idle:
        ok = ok and all(idle[page]["renderer"] < IDLE_TARGET and not idle[page]["requests"]
                        for page in ("queue", "conversation"))
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
    ] + (idle_lines(idle) if idle else [])
    print("\n".join(lines))
    if not args.no_write:
        write_doc(lines)
        print(f"Wrote the Handoff section of {BENCH_DOC.relative_to(ROOT)}.")
    return 0 if ok and not result["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
