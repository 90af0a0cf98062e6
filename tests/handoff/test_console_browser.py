"""Headless Chromium: login, the live queue, and a <script> transcript line stays inert."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

from helpline import queue

from .conftest import PASSWORD, Console, free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def page(console_db: str, tmp_path_factory) -> Iterator[tuple]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    server = Console(console_db, f"http://127.0.0.1:{free_port()}",
                     tmp_path_factory.mktemp("blog") / "console.log")
    try:
        server.wait()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser.new_page(), server
            browser.close()
    finally:
        server.stop()


def test_login_and_live_queue(page) -> None:
    tab, server = page
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.goto(server.url + "/")
    assert tab.url.endswith("/login")
    tab.fill("input[name=username]", "ann")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(server.url + "/")
    tab.wait_for_selector("#live-status:text('Live')", timeout=5000)
    entry = queue.enqueue("browser-conv", "rest", ["stalking"], db_url=server.db_url)
    # No reload: the row appears through server-sent events.
    tab.wait_for_selector(f"#queue tr[data-entry='{entry.id}']", timeout=2000)
    assert "high" in tab.inner_text(f"#queue tr[data-entry='{entry.id}']")
    assert dialogs == []
