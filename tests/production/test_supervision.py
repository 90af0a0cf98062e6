"""`python -m helpline.run` supervises its children: kill -9 one, it comes back, alone.

The runner runs as a real subprocess (its own ports, SQLite in a temporary data dir). The
tests run in file order on that one runner: kill -9 the action server (then again, and again
seconds after its restart: that restart waits twice as long), then the web chat, then the
console, and finally SIGTERM stops everything. The runner is paused (SIGSTOP) for each kill -9 and a few rounds of messages, so
they certainly meet the process down however fast it would come back; then it goes on and the
messages continue until the process is back. Danger messages go in on the REST channel and
through the web chat's HTTP API (where it is up), with ordinary ones beside them: every one
must get a reply, and every danger reply must start with 999. `DOWN` counts the danger
messages answered while a process was down (its health check still failing after the reply).

SMS and Telegram are not exercised here: they share the Rasa server and the channel layer
(bot/channels/common.py) with the REST channel, and driving them needs the fake Twilio and
Telegram APIs of tests/channels.
"""
from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import requests

from tests import figures
from tests.conftest import ensure_model, free_port

DANGER = "he's got a knife and says he'll kill me tonight"
ORDINARY = "I'm in Tamworth and need help"
FIRST_DANGER_REPLY = "If you are in danger now, call 999."
SIGNPOST = "Pathway Project"  # the local service for Tamworth, from the action server
NO_ACTIONS = "can't look up local services"  # the channels' reply when an action failed
HEALTH = {"rasa": "/webhooks/rest/", "actions": "/health", "webchat": "/healthz",
          "console": "/login"}
TIMEOUT = 600  # a Rasa process can take minutes to start on a loaded 2-core machine
ROUNDS_DOWN = 3  # rounds of messages while the runner is paused and the process is down
_senders = itertools.count()


@dataclass
class DangerTally:
    """Danger messages answered while a process was down, and how many began with 999."""

    sent: int = 0
    first_999: int = 0

    def add(self, texts: list[str]) -> None:
        self.sent += 1
        self.first_999 += bool(texts) and texts[0] == FIRST_DANGER_REPLY


DOWN: dict[str, DangerTally] = {}  # by the name of the process that was down


@dataclass
class Runner:
    process: subprocess.Popen
    data_dir: Path
    ports: dict[str, int]
    log: Path

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def healthy(self, name: str) -> bool:
        try:
            return requests.get(self.url(name) + HEALTH[name], timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def wait_healthy(self, names: list[str]) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not all(self.healthy(name) for name in names):
            assert self.process.poll() is None, f"the runner exited; see {self.data_dir}"
            assert time.monotonic() < deadline, f"{names} not healthy; see {self.data_dir}"
            time.sleep(0.5)

    def children(self) -> dict[str, int]:
        """The runner's live child processes by name, from /proc."""
        found = {}
        for entry in Path("/proc").iterdir():
            try:
                stat = (entry / "stat").read_text()
                args = (entry / "cmdline").read_bytes().decode().split("\0")
            except (OSError, ValueError):
                continue  # not a process, or gone
            if int(stat.rsplit(")", 1)[1].split()[1]) != self.process.pid or args == [""]:
                continue  # not ours, or a zombie
            name = ("actions" if "bot.action_server" in args else "webchat" if "helpline.webchat" in args
                    else "console" if "helpline.console" in args else "rasa")
            assert name not in found, f"two {name} processes"
            found[name] = int(entry.name)
        return found

    def restarts(self, name: str) -> list[str]:
        return [line for line in self.log.read_text().splitlines()
                if f" {name} exited with code" in line]


def _sender() -> str:
    return f"supervised-{next(_senders)}"


def rest(runner: Runner, message: str) -> list[str]:
    reply = requests.post(f"{runner.url('rasa')}/webhooks/rest/webhook",
                          json={"sender": _sender(), "message": message}, timeout=120)
    assert reply.status_code == 200, reply.status_code
    return [m.get("text", "") for m in reply.json()]


def webchat(runner: Runner, message: str) -> list[str]:
    reply = requests.post(f"{runner.url('webchat')}/api/message",
                          json={"sender": _sender(), "message": message}, timeout=120)
    assert reply.status_code == 200, reply.status_code
    return [m.get("text", "") for m in reply.json()["messages"]]


def check_danger(texts: list[str]) -> None:
    assert texts and texts[0] == FIRST_DANGER_REPLY, texts[:1]
    assert "press 55" in texts[1]


def check_ordinary(texts: list[str]) -> None:
    text = " ".join(texts)
    assert SIGNPOST in text or (NO_ACTIONS in text and "999" in text), "no useful reply"


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    ensure_model()
    data_dir = tmp_path_factory.mktemp("runner")
    ports = {name: free_port() for name in HEALTH}
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("HELPLINE_", "TWILIO_", "TELEGRAM_"))}
    env.update({
        "HELPLINE_RASA_PORT": str(ports["rasa"]),
        "HELPLINE_ACTION_PORT": str(ports["actions"]),
        "HELPLINE_WEBCHAT_PORT": str(ports["webchat"]),
        "HELPLINE_CONSOLE_PORT": str(ports["console"]),
        "HELPLINE_DATA_DIR": str(data_dir),
        "HELPLINE_DB_URL": f"sqlite:///{data_dir / 'helpline.db'}",
        "HELPLINE_TRACKER_DB_URL": f"sqlite:///{data_dir / 'tracker.db'}",
    })
    log = data_dir / "runner.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "helpline.run"], env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    runner = Runner(process, data_dir, ports, log)
    try:
        runner.wait_healthy(list(HEALTH))
        assert set(runner.children()) == set(HEALTH)
        assert " exited with code " not in log.read_text(), "a process failed to start"
        yield runner
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=60)


def kill(runner: Runner, name: str) -> tuple[int, dict[str, int]]:
    """kill -9 one child; return its pid and the others' pids."""
    pids = runner.children()
    assert set(pids) == set(HEALTH), pids
    os.kill(pids[name], signal.SIGKILL)
    return pids[name], {other: pid for other, pid in pids.items() if other != name}


def talk(runner: Runner, name: str, down: bool) -> None:
    """One round of danger and ordinary messages on each channel that is up; a danger
    message counts in DOWN if ``name`` still fails its health check after the reply."""
    tally = DOWN.setdefault(name, DangerTally())
    for send in [rest] if name == "webchat" else [rest, webchat]:
        texts = send(runner, DANGER)
        check_danger(texts)
        if not runner.healthy(name):
            tally.add(texts)
        texts = send(runner, ORDINARY)
        if down and name == "actions":
            assert NO_ACTIONS in " ".join(texts), "not the reply for a failed action"
        check_ordinary(texts)


def kill_and_talk(runner: Runner, name: str) -> tuple[int, dict[str, int]]:
    """kill -9 ``name`` with the runner paused (SIGSTOP), so that messages certainly meet
    it down; then let the runner go on and talk until ``name`` is back."""
    runner.process.send_signal(signal.SIGSTOP)
    try:
        old_pid, others = kill(runner, name)
        deadline = time.monotonic() + TIMEOUT
        while runner.healthy(name):  # until its socket is gone
            assert time.monotonic() < deadline
        for _ in range(ROUNDS_DOWN):
            talk(runner, name, down=True)
    finally:
        runner.process.send_signal(signal.SIGCONT)
    while not runner.healthy(name):  # the supervisor restarts it meanwhile
        talk(runner, name, down=False)
        assert time.monotonic() < deadline, f"{name} did not come back; see {runner.data_dir}"
    return old_pid, others


def check_back(runner: Runner, name: str, old_pid: int, others: dict[str, int]) -> None:
    runner.wait_healthy([name])
    pids = runner.children()
    assert pids[name] != old_pid
    assert {n: p for n, p in pids.items() if n != name} == others, "another process restarted"


def test_kill_9_action_server_danger_still_999_then_it_comes_back(runner: Runner) -> None:
    old_pid, others = kill_and_talk(runner, "actions")
    check_back(runner, "actions", old_pid, others)
    assert SIGNPOST in " ".join(rest(runner, ORDINARY))
    assert SIGNPOST in " ".join(webchat(runner, ORDINARY))
    [line] = runner.restarts("actions")
    assert line.endswith("actions exited with code -9; restarting it in 1 s")


def test_an_action_server_that_fails_again_soon_waits_twice_as_long(runner: Runner) -> None:
    old_pid, others = kill(runner, "actions")
    deadline = time.monotonic() + TIMEOUT
    while runner.children().get("actions", old_pid) == old_pid:  # not restarted yet
        assert time.monotonic() < deadline
        time.sleep(0.1)
    second_pid, _ = kill(runner, "actions")  # seconds after it started
    check_back(runner, "actions", second_pid, others)
    delays = [int(re.search(r"in (\d+) s$", line).group(1))
              for line in runner.restarts("actions")]
    assert len(delays) == 3 and delays[2] == 2 * delays[1], delays


def test_kill_9_web_chat_rest_still_999_then_the_web_chat_comes_back(runner: Runner) -> None:
    old_pid, others = kill_and_talk(runner, "webchat")
    check_back(runner, "webchat", old_pid, others)
    check_danger(webchat(runner, DANGER))
    assert SIGNPOST in " ".join(webchat(runner, ORDINARY))
    assert len(runner.restarts("webchat")) == 1


def test_kill_9_console_the_chat_goes_on_then_the_console_comes_back(runner: Runner) -> None:
    old_pid, others = kill_and_talk(runner, "console")
    check_back(runner, "console", old_pid, others)
    assert len(runner.restarts("console")) == 1


def test_every_danger_message_sent_while_a_process_was_down_got_999_first() -> None:
    sent = sum(t.sent for t in DOWN.values())
    first_999 = sum(t.first_999 for t in DOWN.values())
    print(f"\ndanger messages while a process was down: {sent}, 999 first: {first_999}; "
          + ", ".join(f"{name} {t.first_999}/{t.sent}" for name, t in DOWN.items()))
    figures.record(figures.DANGER, sent - first_999, sent)
    assert sent > 0 and first_999 == sent


def test_sigterm_stops_every_process(runner: Runner) -> None:
    pids = runner.children()
    assert set(pids) == set(HEALTH)
    runner.process.send_signal(signal.SIGTERM)
    assert runner.process.wait(timeout=120) == 0
    for pid in pids.values():
        assert not Path(f"/proc/{pid}").exists(), "a child outlived the runner"
