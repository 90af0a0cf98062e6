"""Helpers the tests share: a free port, polling until something is true, waiting for a
server's HTTP 200, and how headless Chromium is launched (the fixtures are in conftest.py)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's (.ci/run installs it)
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], T], timeout: float = 10, interval: float = 0.05) -> T:
    """Call check() until it returns something truthy, and return that; fail the test if it
    has not within ``timeout`` seconds (the message shows the last value)."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, f"not true in {timeout} s (last: {value!r})"
        time.sleep(interval)
    return value


def wait_http(url: str, processes: list[subprocess.Popen], timeout: float,
              logs: Path | str) -> None:
    """Wait until ``url`` answers 200; fail at once if one of ``processes`` exits."""
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
            time.sleep(0.2)
    raise TimeoutError(f"{url} not ready in {timeout} s; see {logs}")

