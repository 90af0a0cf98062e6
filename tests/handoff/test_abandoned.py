"""Abandoned chats: a last-seen time per queue entry, "left" after the timeout in the queue
and on the conversation page (headless Chromium), and claiming asks to confirm."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Iterator

import pytest

from helpline import queue

from .conftest import Console, login
from .test_console_browser import ARGS, CHROMIUM, logged_in, wait_until
from .test_shifts import ALL_DAY, FakeRasa


def test_last_seen_and_left(db_url: str, monkeypatch) -> None:
    monkeypatch.setenv("HELPLINE_ABANDONED_MINUTES", "10")
    entry = queue.enqueue("quiet", "rest", [], now=1000, db_url=db_url)
    assert entry.last_seen_at == 1000
    assert not queue.gone(entry, now=1000 + 599) and queue.gone(entry, now=1000 + 600)
    queue.seen("quiet", now=1500, db_url=db_url)  # the person wrote
    assert not queue.gone(queue.get(entry.id, db_url), now=1500 + 599)
    queue.set_typing("quiet", queue.PERSON, now=2000, db_url=db_url)  # or typed
    assert queue.get(entry.id, db_url).last_seen_at == 2000
    queue.set_typing("quiet", queue.ADVISOR, now=3000, db_url=db_url)  # not the person
    assert queue.get(entry.id, db_url).last_seen_at == 2000
    queue.seen("someone-else", now=4000, db_url=db_url)
    assert queue.get(entry.id, db_url).last_seen_at == 2000
    queue.close(entry.id, None, "no_further_action", db_url=db_url)
    assert not queue.gone(queue.get(entry.id, db_url), now=99999)  # closed: not "left"
    monkeypatch.setenv("HELPLINE_ABANDONED_MINUTES", "1")
    again = queue.enqueue("quiet", "rest", [], now=5000, db_url=db_url)
    assert queue.gone(again, now=5060)


def test_claiming_someone_who_left_needs_confirmation(console_db: str, tmp_path) -> None:
    rasa = FakeRasa()
    server = Console(console_db, rasa.url, tmp_path / "console.log")
    try:
        server.wait()
        ann, csrf = login(server.url, "ann", "correct horse battery staple")
        gone = queue.enqueue("api-gone", "rest", [], now=time.time() - 3600,
                             db_url=console_db)
        url, headers = f"{server.url}/api/c/{gone.id}/claim", {"X-CSRF-Token": csrf}
        reply = ann.post(url, json={}, headers=headers, timeout=10)
        assert reply.status_code == 409 and reply.json()["confirm"] is True
        assert "seems to have left" in reply.json()["error"]
        assert queue.get(gone.id, console_db).status == queue.WAITING
        assert ann.post(url, json={"confirm": True}, headers=headers,
                        timeout=10).status_code == 200
        assert queue.get(gone.id, console_db).claimed_by == "ann"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser_server(console_db: str, tmp_path_factory) -> Iterator[tuple]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    rasa = FakeRasa()
    saved = os.environ.get("HELPLINE_ADVISOR_HOURS")
    os.environ["HELPLINE_ADVISOR_HOURS"] = ALL_DAY  # the console process inherits it
    server = Console(console_db, rasa.url, tmp_path_factory.mktemp("alog") / "console.log")
    try:
        server.wait()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser, server
            browser.close()
    finally:
        server.stop()
        if saved is None:
            os.environ.pop("HELPLINE_ADVISOR_HOURS", None)
        else:
            os.environ["HELPLINE_ADVISOR_HOURS"] = saved


def test_left_is_shown_and_claim_asks_first(browser_server) -> None:
    browser, server = browser_server
    gone = queue.enqueue("browser-gone", "rest", [], now=time.time() - 3600,
                         db_url=server.db_url)
    here = queue.enqueue("browser-here", "rest", [], db_url=server.db_url)
    tab = logged_in(browser, server)
    wait_until(tab, f"!!document.querySelector(\"#queue tr[data-entry='{gone.id}']\")")
    person = tab.locator(f"#queue tr[data-entry='{gone.id}'] td[data-col=person]")
    assert person.inner_text() == "Left"
    assert tab.locator(f"#queue tr[data-entry='{here.id}'] td[data-col=person]"
                       ).inner_text() == ""
    # Nobody is signed on: the closed banner says so, with the missed count.
    banner = tab.locator("#line-banner")
    assert banner.is_visible() and "Closed" in banner.inner_text()
    assert "Missed since the last shift ended" in banner.inner_text()

    tab.goto(f"{server.url}/c/{gone.id}")
    assert "seems to have left" in tab.locator("#status").inner_text()
    tab.click("#claim")
    tab.wait_for_selector("#claim:text('Claim anyway')", timeout=10000)
    assert "seems to have left" in tab.locator("#message").inner_text()
    assert queue.get(gone.id, server.db_url).status == queue.WAITING  # not claimed yet
    tab.click("#claim")
    wait_until(tab, "document.getElementById('status').textContent.startsWith('With you')",
               timeout=10)
    assert queue.get(gone.id, server.db_url).claimed_by == "ann"


def test_sign_on_button_clears_the_banner(browser_server) -> None:
    browser, server = browser_server
    tab = logged_in(browser, server, "bob")
    tab.wait_for_selector("#shift:text('Sign on')", timeout=10000)
    assert tab.locator("#line-banner").is_visible()
    assert "No advisor is signed on" in tab.locator("#line-banner").inner_text()
    tab.click("#shift")
    tab.wait_for_selector("#shift:text('Sign off')", timeout=10000)
    assert "bob" in queue.signed_on(server.db_url)
    wait_until(tab, "document.getElementById('line-banner').hidden")
    tab.click("#shift")
    tab.wait_for_selector("#shift:text('Sign on')", timeout=10000)
    wait_until(tab, "!document.getElementById('line-banner').hidden")
    assert "bob" not in queue.signed_on(server.db_url)
