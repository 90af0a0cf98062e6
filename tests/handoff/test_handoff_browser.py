"""Headless Chromium, the whole handoff through the real servers (no stand-ins):

a person uses the web chat (on a phone-sized screen) and asks for a real person (the trained
model runs action_handoff_escalate); the numbers in the bot's answer are tap-to-call links;
an advisor logged in to the console sees the queue update live, claims, and the person is
told an advisor has joined; each sees the other typing; the reply reaches the person's web
chat page over the REST channel's outbox, scrolled into view; the bot says nothing
meanwhile; a ``<script>`` the person sends stays inert text in the console; and handing back
tells the person too.
"""
from __future__ import annotations

import time

import requests

from bot.channels import outbox
from helpline import advisor_queue, privacy
from helpline.run import Stack
from tests.helpers import wait_for

from .conftest import PASSWORD

SCRIPT_LINE = "<script>window.__pwned = 1</script><img src=x onerror='window.__pwned=2'> hello?"
ADVISOR_REPLY = "Hi, I'm Ann, an advisor. Are you safe to talk right now?"


def chat(page, text: str) -> None:
    page.fill("#message", text)
    page.press("#message", "Enter")


def wait_more(page, selector: str, than: int, timeout: float) -> None:
    """Wait until more than ``than`` elements match (the pages' CSP forbids eval'd waits)."""
    wait_for(lambda: page.locator(selector).count() > than, timeout)


def bot_messages(page) -> list[str]:
    return page.locator(".msg-bot:not(.msg-advisor) p").all_inner_texts()


def test_web_chat_person_reaches_an_advisor_and_back(handoff_stack: Stack, browser) -> None:
    stack, console = handoff_stack, handoff_stack.console
    advisor = browser.new_context().new_page()
    person = browser.new_context(viewport={"width": 375, "height": 667}).new_page()
    errors: list[str] = []
    advisor.on("pageerror", lambda e: errors.append(str(e)))

    # 1. The advisor logs in and the queue view goes live.
    advisor.goto(console.url + "/")
    assert advisor.url.endswith("/login")
    advisor.fill("input[name=username]", "ann")
    advisor.fill("input[name=password]", PASSWORD)
    advisor.click("button[type=submit]")
    advisor.wait_for_url(console.url + "/")
    advisor.wait_for_selector("#live-status:text('Live')", timeout=5000)

    # 2. A person on the web chat talks to the bot, then asks for a real person.
    person.goto(stack.webchat_url + "/")
    chat(person, "hello")
    person.wait_for_selector(".msg-bot", timeout=30000)
    sender = person.evaluate("JSON.parse(sessionStorage.getItem('chat')).sender")
    cid = privacy.pseudonymise("rest", sender)
    before = len(bot_messages(person))
    chat(person, "can I talk to a real person")
    wait_more(person, ".msg-bot", before, 30)
    person.wait_for_selector(".msg-bot p:has-text('in the queue')", timeout=10000)
    entry = advisor_queue.active_for(cid, db_url=stack.db_url)
    assert entry is not None and entry.channel == "rest"
    # Every number in the bot's replies can be tapped to call, 999 included.
    person.locator(".msg-bot a[href='tel:999']").first.wait_for(timeout=5000)
    helpline = person.locator(".msg-bot a[href='tel:+448082000247']").first
    assert helpline.inner_text() == "0808 2000 247"
    person.evaluate("document.querySelector('#log > .msg').__first = true")

    # The queue row appears without a reload (server-sent events).
    row = advisor.locator(f"#queue tr[data-entry='{entry.id}']")
    row.wait_for(timeout=2000)
    assert row.locator("td[data-col=channel]").inner_text() == "Web chat"

    # 3. The advisor opens the conversation and claims it.
    row.locator("a").click()
    advisor.wait_for_url(f"{console.url}/c/{entry.id}")
    advisor.click("#claim")
    advisor.wait_for_selector("#message:has-text('You have this conversation')", timeout=10000)
    assert advisor_queue.get(entry.id, stack.db_url).claimed_by == "ann"
    # The person is told, as a status line, and the console shows what they were told.
    joined = person.locator(".msg-notice", has_text="An advisor has joined this chat.")
    joined.wait_for(timeout=5000)
    advisor.locator("#transcript li.notice", has_text="An advisor has joined").wait_for(
        timeout=3000)
    advisor.wait_for_selector("#claim[disabled]", timeout=5000)
    assert advisor.is_enabled("#reply button")
    silent_from = len(bot_messages(person))

    # Typing, both ways.
    person.type("#message", "hel")
    advisor.wait_for_selector("#typing:text('The person is typing...')", timeout=5000)
    person.fill("#message", "")
    advisor.type("#reply textarea", "Hi")
    person.wait_for_selector("#typing:text('The advisor is typing...')", timeout=8000)
    advisor.fill("#reply textarea", "")

    # The person writes a <script>: it reaches the console as inert text.
    chat(person, SCRIPT_LINE)
    line = advisor.locator("#transcript li.person span.text", has_text="window.__pwned = 1")
    line.wait_for(timeout=3000)
    assert line.inner_text() == SCRIPT_LINE
    assert advisor.locator("#transcript script, #transcript img").count() == 0
    assert advisor.evaluate("window.__pwned === undefined")

    # 4. The advisor replies; the person's web chat page shows it, marked as the advisor.
    advisor.fill("#reply textarea", ADVISOR_REPLY)
    sent = time.monotonic()
    advisor.click("#reply button[type=submit]")
    shown = person.locator(".msg-advisor p", has_text="Hi, I'm Ann")
    shown.wait_for(timeout=5000)
    assert time.monotonic() - sent < 3.0  # polled about every second
    assert shown.inner_text() == ADVISOR_REPLY
    assert person.locator(".msg-advisor .who").first.inner_text() == "Advisor:"
    # On the phone-sized screen the reply is scrolled into view, the log was added to (not
    # redrawn: the first message is the same element), and it is a live region.
    box = person.evaluate("(() => { const r = document.querySelector('.msg-advisor')"
                          ".getBoundingClientRect(); return [r.top, r.bottom, innerHeight]; })()")
    assert 0 <= box[0] and box[1] <= box[2], box
    assert person.evaluate("document.querySelector('#log > .msg').__first === true")
    assert person.get_attribute("#log", "aria-live") == "polite"
    assert person.get_attribute("#log", "role") == "log"
    assert person.inner_text("#typing") == ""  # the reply ends the advisor's typing
    # The console shows when each line was said.
    stamp = advisor.locator("#transcript li.advisor time").last.inner_text()
    assert len(stamp) == 8 and stamp[2] == ":" and stamp[5] == ":"

    # The page acknowledged it, so it is no longer stored.
    wait_for(lambda: outbox.fetch(cid, 0, db_url=stack.db_url) == [], 5)

    # 5. The bot stayed silent while the advisor held the conversation.
    chat(person, "yes I can talk")
    advisor.locator("#transcript li.person", has_text="yes I can talk").wait_for(timeout=3000)
    time.sleep(1.5)  # a bot reply, if there were one, would have arrived by now
    assert len(bot_messages(person)) == silent_from
    events = requests.get(f"{stack.rasa_url}/conversations/{cid}/tracker",
                          timeout=10).json()["events"]
    paused_at = max(i for i, e in enumerate(events) if e["event"] == "pause")
    said = [e for e in events[paused_at:] if e["event"] == "bot"]
    assert [e["text"] for e in said][1:] == [ADVISOR_REPLY]
    assert said[0]["metadata"].get("notice") == "joined"
    assert said[1]["metadata"].get("advisor") is True

    # Handing back: the person is told, and the bot answers the web chat again.
    advisor.click("#handback")
    advisor.wait_for_selector("#message:has-text('Handed back')", timeout=10000)
    person.locator(".msg-notice", has_text="handed you back").wait_for(timeout=5000)
    advisor.wait_for_selector("#reply button[disabled]", timeout=5000)  # live state
    assert advisor.is_enabled("#claim")
    chat(person, "hello")
    wait_more(person, ".msg-bot:not(.msg-advisor)", silent_from, 30)
    assert errors == []
