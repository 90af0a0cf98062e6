"""Headless Chromium: login, a live queue that changes only what changed (rows added in
place, focus kept), alerts for urgent entries, and a conversation page that follows its entry.
A <script> transcript line staying inert is in test_handoff_browser.py."""
from __future__ import annotations

from helpline import advisor_queue

from .conftest import logged_in, wait_until

# Count every change under the queue's table body from now on.
OBSERVE = """() => {
  const body = document.querySelector('#queue tbody');
  window.__changes = [];
  new MutationObserver((records) => records.forEach((r) => {
    const cell = (r.target.nodeType === 1 ? r.target : r.target.parentElement).closest('td');
    window.__changes.push({type: r.type, target: r.target.nodeName,
      col: cell ? cell.dataset.col : null,
      added: Array.from(r.addedNodes).map((n) => n.nodeName),
      removed: Array.from(r.removedNodes).map((n) => n.nodeName)});
  })).observe(body, {childList: true, subtree: true, characterData: true, attributes: true});
  Array.from(body.rows).forEach((row) => { row.__old = true; });
}"""


def rows(tab) -> list[str]:
    return tab.eval_on_selector_all("#queue tbody tr", "rows => rows.map(r => r.dataset.entry)")


def test_queue_adds_rows_in_place_keeps_focus_and_alerts(browser, console) -> None:
    for entry in advisor_queue.waiting(db_url=console.db_url):  # start from an empty queue
        advisor_queue.close(entry.id, None, "no_further_action", db_url=console.db_url)
    tab = logged_in(browser, console)
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.click("#alerts")  # the advisor's gesture: sound on, desktop alerts allowed
    tab.wait_for_selector("#alerts-status:has-text('Desktop alerts: on')", timeout=10000)
    first = [advisor_queue.enqueue(f"stable-{i}", "rest", ["stalking"], db_url=console.db_url)
             for i in range(2)]
    wait_until(tab, "document.querySelectorAll('#queue tbody tr').length === 2")
    assert rows(tab) == [str(e.id) for e in first]
    row = tab.locator(f"#queue tr[data-entry='{first[1].id}']")
    # One entry number everywhere, plain-English labels and channel names.
    assert row.locator("td[data-col=id]").inner_text() == str(first[1].id)
    assert row.locator("td[data-col=priority]").inner_text() == "High"
    assert row.locator("td[data-col=signals]").inner_text() == "Stalking"
    assert row.locator("td[data-col=channel]").inner_text() == "Web chat"
    assert row.locator("td[data-col=waiting]").inner_text() == "under 1 min"

    tab.evaluate(OBSERVE)
    link = row.locator("a")
    link.focus()
    tab.evaluate("window.__focused = document.activeElement")
    beeps = tab.evaluate("window.__beeps")
    urgent = advisor_queue.enqueue("stable-urgent", "sms", ["weapons"], db_url=console.db_url)
    later = [advisor_queue.enqueue(f"stable-late-{i}", "telegram", [], db_url=console.db_url)
             for i in range(2)]
    wait_until(tab, "document.querySelectorAll('#queue tbody tr').length === 5")
    assert rows(tab) == [str(urgent.id)] + [str(e.id) for e in first + later]

    changes = tab.evaluate("window.__changes")
    assert [c["removed"] for c in changes if c["removed"]] == []  # nothing rewritten
    assert sorted(n for c in changes for n in c["added"] if c["target"] == "TBODY") == ["TR"] * 3
    inside_old_rows = [c for c in changes if c["target"] != "TBODY"]
    assert all(c["col"] == "waiting" for c in inside_old_rows), inside_old_rows  # minutes only
    assert tab.evaluate("Array.from(document.querySelectorAll('#queue tbody tr'))"
                        ".filter((r) => r.__old).length") == 2  # the same row elements
    assert tab.evaluate("document.activeElement === window.__focused")  # focus kept

    # The urgent entry: a beep, a desktop notification, and the count in the tab title.
    assert tab.evaluate("window.__beeps") == beeps + 1
    assert tab.evaluate("window.__notes") == [f"Urgent: entry {urgent.id}"]
    assert tab.title().startswith("(1 urgent) Advisor queue")
    urgent_row = tab.locator(f"#queue tr[data-entry='{urgent.id}']")
    assert urgent_row.locator("td[data-col=priority]").inner_text() == "Urgent"
    assert urgent_row.locator("td[data-col=signals]").inner_text() == "Weapon mentioned"
    assert urgent_row.locator("td[data-col=channel]").inner_text() == "SMS"

    # Enter on the kept focus opens the conversation it was aimed at.
    tab.keyboard.press("Enter")
    tab.wait_for_url(f"{console.url}/c/{first[1].id}")
    assert tab.locator("h1").inner_text() == f"Entry {first[1].id}"
    assert dialogs == []
    tab.context.close()


def test_conversation_page_follows_its_entry(browser, console) -> None:
    entry = advisor_queue.enqueue("follow-me", "telegram", ["past_danger_now", "pregnancy"],
                          db_url=console.db_url)
    tab = logged_in(browser, console)
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(f"{console.url}/c/{entry.id}")
    assert tab.locator("#status").inner_text() == "Waiting"
    assert tab.locator("#priority").inner_text() == "High"
    assert tab.locator("#signals li").all_inner_texts() == [
        "In danger now (earlier)", "Pregnant or a new baby"]
    assert tab.is_enabled("#claim") and tab.is_disabled("#reply button")

    # Rasa is not running here: the claim fails with a sentence, never "HTTP 502".
    tab.click("#claim")
    tab.wait_for_selector("#message:has-text('Couldn')", timeout=10000)
    assert "HTTP" not in tab.locator("#message").inner_text()
    assert advisor_queue.get(entry.id, console.db_url).status == advisor_queue.WAITING

    # Changes made elsewhere reach the page: held by this advisor, then closed.
    advisor_queue.claim(entry.id, "ann", db_url=console.db_url)
    tab.wait_for_selector("#status:text('With you')", timeout=10000)
    assert tab.is_disabled("#claim") and tab.is_enabled("#reply button")
    assert tab.is_enabled("#handback") and tab.is_enabled("#release")
    advisor_queue.close(entry.id, "ann", "signposted", db_url=console.db_url)
    tab.wait_for_selector("#status:text('Closed: Signposted')", timeout=10000)
    for control in ("#claim", "#release", "#handback", "#reply textarea", "#reply button",
                    "#close button"):
        assert tab.is_disabled(control), control

    # The person ends another conversation while it is open: the page says so, then the
    # ended conversation reloads as a page, not bare text.
    gone = advisor_queue.enqueue("follow-gone", "rest", [], db_url=console.db_url)
    tab.goto(f"{console.url}/c/{gone.id}")
    advisor_queue.leave("follow-gone", db_url=console.db_url)
    tab.wait_for_selector("#message:has-text('The person ended this conversation')",
                          timeout=10000)
    assert tab.is_disabled("#claim") and tab.is_disabled("#close button")
    tab.reload()
    assert tab.locator("h1").inner_text() == "Conversation ended"
    assert "The person ended this conversation" in tab.locator("main").inner_text()
    assert errors == []
    tab.context.close()
