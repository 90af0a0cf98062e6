"""Canned responses (supervisors edit, advisors use), handover notes for the next shift, and
the keyboard shortcuts in headless Chromium (helpline/console/canned.py, console.js)."""
from __future__ import annotations

import re
import time

import pytest

from helpline import advisor_queue
from helpline.console import canned

from .conftest import PASSWORD, Console, logged_in, login, wait_until

HOSTILE = "<script>alert('x')</script> & \"quotes\""


def form_token(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_supervisor_edits_advisor_is_refused_and_text_is_escaped(console: Console) -> None:
    sue, sue_token = login(console.url, "sue", PASSWORD)
    ann, ann_token = login(console.url, "ann", PASSWORD)
    added = sue.post(console.url + "/canned", data={"csrf": sue_token, "title": "Hello",
                                                    "text": HOSTILE}, timeout=10)
    assert added.ok and added.url.endswith("/canned")
    [made] = [r for r in canned.responses(console.db_url) if r.title == "Hello"]
    assert made.text == HOSTILE and made.updated_by == "sue"
    page = sue.get(console.url + "/canned", timeout=10).text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quotes&#34;" in page
    assert "<script>alert" not in page

    # Advisors read them (for the reply box) but can't change them.
    listed = ann.get(console.url + "/api/canned", timeout=10).json()["responses"]
    assert {"id": made.id, "title": "Hello", "text": HOSTILE} in listed
    for method, path, data in (("GET", "/canned", None),
                               ("POST", "/canned", {"title": "x", "text": "y"}),
                               ("POST", f"/canned/{made.id}", {"title": "x", "text": "y"}),
                               ("POST", f"/canned/{made.id}/delete", {})):
        reply = ann.request(method, console.url + path, timeout=10, allow_redirects=False,
                            data={**(data or {}), "csrf": ann_token})
        assert reply.status_code == 403, path
    assert canned.responses(console.db_url)[0].text == HOSTILE

    # Edit and delete; bad input is a clear 400 on the page, never a 5xx.
    edit = f"{console.url}/canned/{made.id}"
    assert sue.post(edit, data={"csrf": sue_token, "title": "Hello", "text": "Hi there."},
                    timeout=10).ok
    assert [r.text for r in canned.responses(console.db_url)] == ["Hi there."]
    for bad in ({"title": "", "text": "x"}, {"title": "x", "text": "y" * 2001}, {}):
        reply = sue.post(edit, data={"csrf": sue_token, **bad}, timeout=10)
        assert reply.status_code == 400 and 'role="alert"' in reply.text, bad
    assert sue.post(console.url + "/canned/999999", data={"csrf": sue_token, "title": "a",
                                                          "text": "b"},
                    timeout=10).status_code == 404
    assert sue.post(f"{edit}/delete", data={"csrf": sue_token}, timeout=10).ok
    assert canned.responses(console.db_url) == []
    actions = [a.action for a in advisor_queue.audit_log(50, console.db_url) if a.actor == "sue"]
    assert {"canned_add", "canned_edit", "canned_delete"} <= set(actions)


def test_handover_notes_reach_the_next_shift(console: Console) -> None:
    ann, ann_token = login(console.url, "ann", PASSWORD)
    sent = ann.post(console.url + "/handover", timeout=10, data={
        "csrf": ann_token, "text": "Refuge line down until 6pm.\n<b>Rota</b> changes Friday."})
    assert sent.ok and sent.url.endswith("/#handover")
    refused = ann.post(console.url + "/handover", timeout=10, data={
        "csrf": ann_token, "text": "Ring her back on 07700 900123"})
    assert refused.status_code == 400 and "phone numbers" in refused.text
    assert "Back to the queue" in refused.text
    assert ann.post(console.url + "/handover", data={"text": "no token"},
                    timeout=10).status_code == 403
    # The next shift: another advisor, a new session.
    bob, _ = login(console.url, "bob", PASSWORD)
    page = bob.get(console.url + "/", timeout=10).text
    assert "ann: <span class=\"note-text\">Refuge line down until 6pm.\n&lt;b&gt;Rota&lt;/b&gt;" \
        in page
    assert "07700 900123" not in page and "no token" not in page


def test_handover_notes_are_kept_14_days(db_url: str) -> None:
    now = time.time()
    canned.add_note("ann", "Old news.", now=now - 15 * 86400, db_url=db_url)
    canned.add_note("bob", "Still true.", now=now - 13 * 86400, db_url=db_url)
    assert [n.text for n in canned.notes(now=now, db_url=db_url)] == ["Still true."]
    with pytest.raises(ValueError, match="at most 1000"):
        canned.add_note("ann", "x" * 1001, db_url=db_url)
    with pytest.raises(ValueError, match="Write the note"):
        canned.add_note("ann", "   ", db_url=db_url)


def test_shortcuts_and_canned_insert_in_chromium(browser, console) -> None:
    db_url = console.db_url
    for entry in advisor_queue.waiting(db_url=db_url):
        advisor_queue.close(entry.id, None, "no_further_action", db_url=db_url)
    canned.save_response("Greeting", HOSTILE, "sue", db_url=db_url)
    entry = advisor_queue.enqueue("shortcut-chat", "rest", [], db_url=db_url)
    tab = logged_in(browser, console)
    wait_until(tab, f"!!document.querySelector('#queue tr[data-entry=\"{entry.id}\"]')")
    assert tab.locator("#shortcuts summary").inner_text() == "Keyboard shortcuts"

    # "n" while typing in a field stays a letter; outside a field it opens the next entry.
    tab.click("#handover-text")
    tab.keyboard.type("n")
    assert tab.input_value("#handover-text") == "n" and tab.url == console.url + "/"
    tab.locator("#handover-text").blur()
    tab.keyboard.press("?")
    wait_until(tab, "document.getElementById('shortcuts').open")
    tab.keyboard.press("n")
    tab.wait_for_url(f"{console.url}/c/{entry.id}")

    # On the conversation page: "r" and "d" move focus; letters typed in the reply stay.
    advisor_queue.claim(entry.id, "ann", db_url=db_url)
    tab.reload()
    wait_until(tab, "!document.getElementById('reply-text').disabled")
    tab.keyboard.press("d")
    wait_until(tab, "document.activeElement.name === 'q'")
    tab.keyboard.type("nr")
    assert tab.input_value("#dir-search input[name=q]") == "nr"
    tab.locator("#dir-search input[name=q]").blur()
    tab.keyboard.press("r")
    wait_until(tab, "document.activeElement.id === 'reply-text'")
    tab.keyboard.type("Hi. ")
    assert tab.input_value("#reply-text") == "Hi. " and "/c/" in tab.url

    # The canned response goes into the reply box as text, at the cursor, not sent.
    wait_until(tab, "!document.getElementById('canned').hidden")
    tab.select_option("#canned-choice", label="Greeting")
    tab.click("#canned-insert")
    assert tab.input_value("#reply-text") == "Hi. " + HOSTILE
    assert tab.evaluate("document.querySelectorAll('#conversation script').length") == 0
    tab.context.close()
