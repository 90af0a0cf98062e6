"""Abandoned chats: a last-seen time per queue entry, "left" after the timeout in the queue
and on the conversation page (headless Chromium), and claiming asks to confirm."""
from __future__ import annotations

import time

from helpline import advisor_queue

from .conftest import PASSWORD, Console, logged_in, login, wait_until


def test_last_seen_and_left(db_url: str, monkeypatch) -> None:
    monkeypatch.setenv("HELPLINE_ABANDONED_MINUTES", "10")
    entry = advisor_queue.enqueue("quiet", "rest", [], now=1000, db_url=db_url)
    assert entry.last_seen_at == 1000
    assert not advisor_queue.gone(entry, now=1000 + 599) and advisor_queue.gone(entry, now=1000 + 600)
    advisor_queue.seen("quiet", now=1500, db_url=db_url)  # the person wrote
    assert not advisor_queue.gone(advisor_queue.get(entry.id, db_url), now=1500 + 599)
    advisor_queue.set_typing("quiet", advisor_queue.PERSON, now=2000, db_url=db_url)  # or typed
    assert advisor_queue.get(entry.id, db_url).last_seen_at == 2000
    advisor_queue.set_typing("quiet", advisor_queue.ADVISOR, now=3000, db_url=db_url)  # not the person
    assert advisor_queue.get(entry.id, db_url).last_seen_at == 2000
    advisor_queue.seen("someone-else", now=4000, db_url=db_url)
    assert advisor_queue.get(entry.id, db_url).last_seen_at == 2000
    advisor_queue.close(entry.id, None, "no_further_action", db_url=db_url)
    assert not advisor_queue.gone(advisor_queue.get(entry.id, db_url), now=99999)  # closed: not "left"
    monkeypatch.setenv("HELPLINE_ABANDONED_MINUTES", "1")
    again = advisor_queue.enqueue("quiet", "rest", [], now=5000, db_url=db_url)
    assert advisor_queue.gone(again, now=5060)


def test_claiming_someone_who_left_needs_confirmation(open_console: Console) -> None:
    ann, csrf = login(open_console.url, "ann", PASSWORD)
    gone = advisor_queue.enqueue("api-gone", "rest", [], now=time.time() - 3600,
                         db_url=open_console.db_url)
    url, headers = f"{open_console.url}/api/c/{gone.id}/claim", {"X-CSRF-Token": csrf}
    reply = ann.post(url, json={}, headers=headers, timeout=10)
    assert reply.status_code == 409 and reply.json()["confirm"] is True
    assert "seems to have left" in reply.json()["error"]
    assert advisor_queue.get(gone.id, open_console.db_url).status == advisor_queue.WAITING
    assert ann.post(url, json={"confirm": True}, headers=headers, timeout=10).status_code == 200
    assert advisor_queue.get(gone.id, open_console.db_url).claimed_by == "ann"


def test_left_is_shown_and_claim_asks_first(browser, open_console: Console) -> None:
    gone = advisor_queue.enqueue("browser-gone", "rest", [], now=time.time() - 3600,
                         db_url=open_console.db_url)
    here = advisor_queue.enqueue("browser-here", "rest", [], db_url=open_console.db_url)
    tab = logged_in(browser, open_console)
    wait_until(tab, f"!!document.querySelector(\"#queue tr[data-entry='{gone.id}']\")")
    person = tab.locator(f"#queue tr[data-entry='{gone.id}'] td[data-col=person]")
    assert person.inner_text() == "Left"
    assert tab.locator(f"#queue tr[data-entry='{here.id}'] td[data-col=person]"
                       ).inner_text() == ""
    # Nobody is signed on: the closed banner says so, with the missed count.
    banner = tab.locator("#line-banner")
    assert banner.is_visible() and "Closed" in banner.inner_text()
    assert "Missed since the last shift ended" in banner.inner_text()

    tab.goto(f"{open_console.url}/c/{gone.id}")
    assert "seems to have left" in tab.locator("#status").inner_text()
    tab.click("#claim")
    tab.wait_for_selector("#claim:text('Claim anyway')", timeout=10000)
    assert "seems to have left" in tab.locator("#message").inner_text()
    assert advisor_queue.get(gone.id, open_console.db_url).status == advisor_queue.WAITING  # not claimed yet
    tab.click("#claim")
    wait_until(tab, "document.getElementById('status').textContent.startsWith('With you')",
               timeout=10)
    assert advisor_queue.get(gone.id, open_console.db_url).claimed_by == "ann"


def test_sign_on_button_clears_the_banner(browser, open_console: Console) -> None:
    tab = logged_in(browser, open_console, "bob")
    tab.wait_for_selector("#shift:text('Sign on')", timeout=10000)
    assert tab.locator("#line-banner").is_visible()
    assert "No advisor is signed on" in tab.locator("#line-banner").inner_text()
    tab.click("#shift")
    tab.wait_for_selector("#shift:text('Sign off')", timeout=10000)
    assert "bob" in advisor_queue.signed_on(open_console.db_url)
    wait_until(tab, "document.getElementById('line-banner').hidden")
    tab.click("#shift")
    tab.wait_for_selector("#shift:text('Sign on')", timeout=10000)
    wait_until(tab, "!document.getElementById('line-banner').hidden")
    assert "bob" not in advisor_queue.signed_on(open_console.db_url)
