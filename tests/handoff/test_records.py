"""Contact records at close (issue 16, part 5): the DASH checklist and its score, the form's
checks, the CSV export, records for entries the person ended, erasure leaving nothing of the
conversation in a record; the close form with its confirmation step in headless Chromium."""
from __future__ import annotations

import csv
import io
import json
import time

import pytest
import requests
from sqlalchemy import inspect, text

from helpline import advisor_queue, privacy
from helpline.console import records
from tests.helpers import wait_for

from .conftest import PASSWORD, Console, logged_in, login

YES14 = ["yes"] * 14 + ["no"] * 5 + ["not_known"] * 5


def form(**changes) -> records.Form:
    return records.parse_form({"outcome": "referral_made", "notes": "Talked through refuge.",
                               "tags": "refuge", "dash": YES14, **changes})


# ----------------------------------------------------------------------------- the form

def test_dash_has_24_distinct_questions_in_our_words() -> None:
    assert len(records.DASH_QUESTIONS) == 24
    assert len(set(records.DASH_QUESTIONS)) == 24
    assert all(q.endswith("?") for q in records.DASH_QUESTIONS)
    assert "14 or more" in records.MARAC_STATEMENT and "professional judgement" in \
        records.MARAC_STATEMENT


@pytest.mark.parametrize("yes, meets", [(0, False), (13, False), (14, True), (24, True)])
def test_score_is_the_count_of_yes_and_14_meets_the_threshold(yes: int, meets: bool) -> None:
    answers = ["yes"] * yes + ["not_known"] * (24 - yes)
    answers[-1:] = ["no"] if yes < 24 else ["yes"]
    checked = form(dash=answers)
    assert (checked.score, checked.meets_threshold, checked.marac_referral) == (yes, meets,
                                                                                 meets)
    judged = form(dash=answers, marac_judgement=True)
    assert judged.meets_threshold == meets and judged.marac_referral is True


def test_no_dash_answers_means_not_known() -> None:
    checked = records.parse_form({"outcome": "signposted", "note": "one line, as before"})
    assert checked.dash == "?" * 24 and checked.score == 0
    assert checked.notes == "one line, as before" and checked.tags == ()
    assert checked.summary()["dash_answered"] == 0


def test_notes_keep_lines_and_tags_are_cleaned() -> None:
    checked = form(notes="  First line \r\nSecond line\n\n", tags=" Refuge ,housing,, refuge ,"
                   " police  report")
    assert checked.notes == "First line\nSecond line"
    assert checked.tags == ("Refuge", "housing", "police report")


@pytest.mark.parametrize("changes, said", [
    ({"outcome": "made_up"}, "Choose an outcome"),
    ({"outcome": None}, "Choose an outcome"),
    ({"notes": 5}, "notes must be text"),
    ({"notes": "x" * 4001}, "at most 4000"),
    ({"tags": "=HYPERLINK(1)"}, "Each tag"),
    ({"tags": "<script>"}, "Each tag"),
    ({"tags": "x" * 31}, "Each tag"),
    ({"tags": ",".join(f"t{i}" for i in range(11))}, "at most 10 tags"),
    ({"tags": ["a"]}, "Tags must be text"),
    ({"dash": ["yes"] * 23}, "24 answers"),
    ({"dash": ["maybe"] * 24}, "24 answers"),
    ({"dash": "yes"}, "24 answers"),
    ({"safeguarding": "yes"}, "true or false"),
    ({"marac_judgement": 1}, "true or false"),
])
def test_bad_forms_get_a_sentence(changes: dict, said: str) -> None:
    with pytest.raises(records.FormError, match=said):
        form(**changes)


# -------------------------------------------------------------------------------- CSV

def test_csv_has_a_bom_and_no_formulas(sqlite_url: str) -> None:
    entry = advisor_queue.enqueue("csv-conv", "rest", ["stalking"], db_url=sqlite_url)
    notes = "=HYPERLINK(\"http://evil.example\")\nsecond line, with a comma"
    assert records.record_close(entry, form(notes=notes, tags="housing, refuge"), "ann",
                                "Web chat", db_url=sqlite_url)
    for n, bad in enumerate(("+1", "-2", "@SUM(A1)")):
        records._add(records.ContactRecord(entry_id=1000 + n, ended_at=1.0,
                                           ended_how=records.CLOSED, outcome="signposted",
                                           notes=bad, advisor="@ann"), sqlite_url)
    body = records.to_csv(records.listing(db_url=sqlite_url))
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 4 and list(rows[0]) == records.CSV_HEADER
    mine = next(r for r in rows if r["entry"] == str(entry.id))
    assert mine["notes"] == "'" + notes  # multi-line kept, made text
    assert (mine["DASH score"], mine["MARAC threshold met"], mine["refer to MARAC"]) == (
        "14", "yes", "yes")
    assert (mine["DASH 1"], mine["DASH 15"], mine["DASH 24"]) == ("Yes", "No", "Not known")
    assert mine["channel"] == "Web chat" and mine["tags"] == "housing, refuge"
    assert sorted(r["notes"] for r in rows if r is not mine) == ["'+1", "'-2", "'@SUM(A1)"]
    assert {r["advisor"] for r in rows if r is not mine} == {"'@ann"}
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values()), row


# ------------------------------------------------------------------ what a record keeps

COLUMNS = {"id", "entry_id", "kind", "channel", "priority", "asked_at", "claimed_at",
           "ended_at", "advisor", "ended_how", "outcome", "notes", "tags", "dash",
           "dash_score", "marac_judgement", "marac_referral", "safeguarding", "dealt_with_by",
           "dealt_with_at"}


def test_erasure_leaves_no_conversation_id_or_text_in_records(db_url: str,
                                                               tmp_path) -> None:
    """A record has no column for a conversation id or the person's words (a new column
    fails here), and erasing the conversation leaves the record with nothing of it."""
    conversation = "conv-7f3a9e-secret-id"
    entry = advisor_queue.enqueue(conversation, "telegram", ["weapons"], db_url=db_url)
    advisor_queue.claim(entry.id, "ann", db_url=db_url)
    advisor_queue.close(entry.id, "ann", "safeguarding_concern", db_url=db_url)
    records.record_close(entry, form(outcome="safeguarding_concern", safeguarding=True),
                         "ann", "Telegram", db_url=db_url)
    ended = advisor_queue.enqueue(conversation + "-2", "rest", [], db_url=db_url)
    known = {"id": ended.id, "kind": "chat", "channel": "Web chat", "priority": "normal",
             "created_at": ended.created_at, "claimed_by": None, "claimed_at": None}
    privacy.erase(conversation, tracker_url=f"sqlite:///{tmp_path / 't.db'}", db_url=db_url)
    privacy.erase(conversation + "-2", tracker_url=f"sqlite:///{tmp_path / 't.db'}",
                  db_url=db_url)
    assert advisor_queue.get(entry.id, db_url) is None and advisor_queue.get(ended.id, db_url) is None
    assert records.note_ended([{"id": ended.id, "ended_at": time.time()}],
                              {ended.id: known}, db_url) == 1

    engine = records.engine(db_url)
    assert {c["name"] for c in inspect(engine).get_columns("contact_records")} == COLUMNS
    with engine.connect() as connection:
        rows = [dict(r._mapping) for r in connection.execute(
            text("SELECT * FROM contact_records ORDER BY entry_id"))]
    assert [r["entry_id"] for r in rows] == [entry.id, ended.id]
    dumped = json.dumps(rows, default=str)
    assert "conv-7f3a9e" not in dumped and "secret" not in dumped
    assert rows[0]["notes"] == "Talked through refuge." and rows[0]["safeguarding"]
    assert (rows[1]["outcome"], rows[1]["channel"], rows[1]["asked_at"]) == (
        "ended_by_person", "Web chat", ended.created_at)
    # Kept on purpose: erasure must not delete the record, only find nothing of the person.
    assert "contact_records" not in {t.table for t in privacy.CONVERSATION_TABLES}


def test_one_record_per_entry_and_escalations(sqlite_url: str) -> None:
    entry = advisor_queue.enqueue("once", "sms", [], db_url=sqlite_url)
    assert records.record_close(entry, form(safeguarding=True), "ann", "SMS",
                                db_url=sqlite_url)
    # The same entry ended by the person later (erased after close): the first record stays.
    assert not records.record_ended(entry.id, time.time(), None, sqlite_url)
    assert not records.record_close(entry, form(), "bob", "SMS", db_url=sqlite_url)
    kept = records.for_entry(entry.id, sqlite_url)
    assert (kept.advisor, kept.outcome, kept.safeguarding) == ("ann", "referral_made", True)
    assert [r.id for r in records.escalations(sqlite_url)] == [kept.id]
    assert records.mark_dealt_with(kept.id, "sue", sqlite_url)
    assert not records.mark_dealt_with(kept.id, "sue", sqlite_url)  # once
    assert records.escalations(sqlite_url) == []
    assert records.get(kept.id, sqlite_url).dealt_with_by == "sue"


def test_listing_by_london_days(sqlite_url: str) -> None:
    from datetime import date, datetime

    from helpline.directory.hours import LONDON

    for n, day in enumerate((date(2026, 6, 30), date(2026, 7, 1), date(2026, 7, 2))):
        at = datetime(day.year, day.month, day.day, 0, 30, tzinfo=LONDON).timestamp()
        records.record_ended(900 + n, at, None, sqlite_url)
    found = records.listing(date(2026, 7, 1), date(2026, 7, 1), db_url=sqlite_url)
    assert [r.entry_id for r in found] == [901]
    assert [r.entry_id for r in records.listing(db_url=sqlite_url)] == [902, 901, 900]
    with pytest.raises(records.FormError, match="a date like"):
        records.parse_day("1 July", "from")


# ----------------------------------------------------------- the console (Rasa is down)

def test_close_needs_the_confirm_step_and_writes_the_record(console: Console) -> None:
    entry = advisor_queue.enqueue("api-close", "rest", ["stalking"], db_url=console.db_url)
    advisor_queue.claim(entry.id, "ann", db_url=console.db_url)
    ann, token = login(console.url, "ann", PASSWORD)
    h = {"X-CSRF-Token": token}
    url = f"{console.url}/api/c/{entry.id}/close"
    body = {"outcome": "referral_made", "notes": "Line one\nLine two", "tags": "refuge",
            "dash": YES14, "safeguarding": True}
    review = ann.post(url, json={**body, "step": "review"}, headers=h, timeout=10)
    assert review.status_code == 200 and review.json()["status"] == "review"
    summary = review.json()["summary"]
    assert (summary["dash_score"], summary["meets_threshold"], summary["marac_referral"],
            summary["safeguarding"]) == (14, True, True, True)
    assert advisor_queue.get(entry.id, console.db_url).status == advisor_queue.HELD  # nothing closed yet
    assert records.for_entry(entry.id, console.db_url) is None
    bad = ann.post(url, json={**body, "tags": "<b>"}, headers=h, timeout=10)
    assert bad.status_code == 400 and "Each tag" in bad.json()["error"]
    assert ann.post(url, json={**body, "step": "now"}, headers=h,
                    timeout=10).status_code == 400
    done = ann.post(url, json={**body, "step": "confirm"}, headers=h, timeout=10)
    assert done.status_code == 200 and done.json()["status"] == "closed"
    record = records.for_entry(entry.id, console.db_url)
    assert (record.outcome, record.notes, record.dash_score, record.advisor) == (
        "referral_made", "Line one\nLine two", 14, "ann")
    assert advisor_queue.get(entry.id, console.db_url).note is None  # notes live in the record
    again = ann.post(url, json={**body, "step": "review"}, headers=h, timeout=10)
    assert again.status_code == 409
    assert ann.get(f"{console.url}/c/{entry.id}/close", timeout=10).status_code == 409


def test_closing_a_chat_the_person_left_says_so(console: Console) -> None:
    """An abandoned chat (silent past Settings.abandoned_minutes, 10 by default) gets a
    record that says the person had left."""
    entry = advisor_queue.enqueue("left-close", "rest", [], now=time.time() - 3600,
                          db_url=console.db_url)
    advisor_queue.claim(entry.id, "ann", db_url=console.db_url)
    ann, token = login(console.url, "ann", PASSWORD)
    assert 'id="person-left"' in ann.get(f"{console.url}/c/{entry.id}/close", timeout=10).text
    done = ann.post(f"{console.url}/api/c/{entry.id}/close", json={"outcome": "signposted"},
                    headers={"X-CSRF-Token": token}, timeout=10)
    assert done.status_code == 200
    record = records.for_entry(entry.id, console.db_url)
    assert (record.ended_how, record.ended_label, record.outcome) == (
        "person_left", "Closed after the person left", "signposted")


def test_close_form_is_for_the_holder_or_a_supervisor(console: Console) -> None:
    entry = advisor_queue.enqueue("form-holder", "rest", [], db_url=console.db_url)
    advisor_queue.claim(entry.id, "ann", db_url=console.db_url)
    bob, _ = login(console.url, "bob", PASSWORD)
    refused = bob.get(f"{console.url}/c/{entry.id}/close", timeout=10)
    assert refused.status_code == 409 and "claim it first" in refused.text
    ann, _ = login(console.url, "ann", PASSWORD)
    page = ann.get(f"{console.url}/c/{entry.id}/close", timeout=10)
    assert page.status_code == 200 and page.text.count('class="dash-question"') == 24
    assert "14 or more" in page.text
    sue, _ = login(console.url, "sue", PASSWORD)
    assert sue.get(f"{console.url}/c/{entry.id}/close", timeout=10).status_code == 200


def test_records_and_csv_are_for_supervisors_only(console: Console) -> None:
    entry = advisor_queue.enqueue("records-role", "sms", [], db_url=console.db_url)
    records.record_close(entry, form(notes="<script>alert(1)</script>\n=1+1",
                                     safeguarding=True), "ann", "SMS", db_url=console.db_url)
    record = records.for_entry(entry.id, console.db_url)
    ann, ann_token = login(console.url, "ann", PASSWORD)
    for path in ("/records", "/records.csv", "/records.csv?from=2026-01-01"):
        assert ann.get(console.url + path, timeout=10).status_code == 403, path
    refused = ann.post(f"{console.url}/records/{record.id}/dealt-with",
                       data={"csrf": ann_token}, timeout=10, allow_redirects=False)
    assert refused.status_code == 403
    sue, sue_token = login(console.url, "sue", PASSWORD)
    page = sue.get(console.url + "/records", timeout=10)
    assert page.status_code == 200 and f'data-record="{record.id}"' in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>=1+1" in page.text  # escaped
    assert "<script>alert" not in page.text
    supervisor = sue.get(console.url + "/supervisor", timeout=10).text
    assert f'action="/records/{record.id}/dealt-with"' in supervisor
    assert 'href="/records"' in supervisor
    assert sue.get(console.url + "/records?from=yesterday",
                   timeout=10).status_code == 400

    export = sue.get(console.url + "/records.csv", timeout=10)
    assert export.status_code == 200
    assert export.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in export.headers["Content-Disposition"]
    assert export.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    mine = next(r for r in rows if r["record"] == str(record.id))
    assert mine["notes"] == "<script>alert(1)</script>\n=1+1"
    assert ("sue", "export_records") in [(a.actor, a.action)
                                         for a in advisor_queue.audit_log(db_url=console.db_url)]

    # Dealing with the escalation needs the CSRF token, then takes it off the page.
    url = f"{console.url}/records/{record.id}/dealt-with"
    assert sue.post(url, timeout=10, allow_redirects=False).status_code == 403
    done = sue.post(url, data={"csrf": sue_token}, timeout=10, allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"] == "/supervisor"
    assert records.get(record.id, console.db_url).dealt_with_by == "sue"
    assert f'action="/records/{record.id}/dealt-with"' not in sue.get(
        console.url + "/supervisor", timeout=10).text
    assert sue.post(f"{console.url}/records/99999/dealt-with", data={"csrf": sue_token},
                    timeout=10, allow_redirects=False).status_code == 404


def _queue_event_with(console: Console, session: requests.Session, entry_id: int) -> None:
    """Wait for the console's poller to push a snapshot holding this entry (so it knows
    the entry before it vanishes)."""
    with session.get(console.url + "/events/queue", stream=True, timeout=30) as stream:
        for line in stream.iter_lines(decode_unicode=True):
            if line.startswith("data:") and any(
                    e["id"] == entry_id for e in json.loads(line[5:])["entries"]):
                return


def test_an_entry_the_person_ended_gets_a_record(console: Console) -> None:
    entry = advisor_queue.enqueue("ended-record", "rest", ["pregnancy"], db_url=console.db_url)
    ann, _ = login(console.url, "ann", PASSWORD)
    _queue_event_with(console, ann, entry.id)
    advisor_queue.leave("ended-record", db_url=console.db_url)  # as the safety word's erasure does
    record = wait_for(lambda: records.for_entry(entry.id, console.db_url))
    assert (record.ended_how, record.outcome, record.outcome_label) == (
        "ended_by_person", "ended_by_person", "Ended by the person")
    assert (record.channel, record.priority, record.asked_at, record.kind) == (
        "Web chat", "high", entry.created_at, "chat")
    assert record.notes == "" and record.dash == "?" * 24
    sue, _ = login(console.url, "sue", PASSWORD)
    assert "Ended by the person" in sue.get(console.url + "/records", timeout=10).text


# ------------------------------------------------------------------ headless Chromium

def test_close_with_dash_in_the_browser(browser, console) -> None:
    entry = advisor_queue.enqueue("dash-browser", "rest", ["stalking"], db_url=console.db_url)
    advisor_queue.claim(entry.id, "ann", db_url=console.db_url)
    tab = logged_in(browser, console)
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(f"{console.url}/c/{entry.id}")
    tab.click("#close button")
    tab.wait_for_url(f"**/c/{entry.id}/close?")  # a GET form with no fields
    assert tab.locator(".dash-question").count() == 24

    tab.click("#review")  # no outcome yet: told so, nothing sent
    tab.wait_for_selector("#message:has-text('Choose an outcome')")
    tab.select_option("select[name=outcome]", "referral_made")
    tab.fill("#notes", "Safety plan agreed.\nWill call refuge tomorrow.")
    tab.fill("input[name=tags]", "refuge, safety plan")
    for n in range(1, 14):
        tab.check(f"input[name=dash-{n}][value=yes]")
    tab.check("input[name=dash-20][value=no]")
    assert "13 \"yes\" answers of 24. Below the MARAC threshold" in tab.inner_text("#dash-score")
    tab.check("input[name=dash-14][value=yes]")
    assert "meets the MARAC referral threshold of 14" in tab.inner_text("#dash-score")
    tab.check("input[name=safeguarding]")

    # Review: a summary to confirm, and nothing closed yet.
    tab.click("#review")
    tab.wait_for_selector("#confirm:not([hidden])")
    summary = tab.locator("#confirm-summary li").all_inner_texts()
    assert "DASH: 14 \"yes\" of 24 (15 answered)" in summary
    assert "MARAC: refer (threshold of 14 met)" in summary
    assert "Safeguarding concern: escalated to the duty supervisor" in summary
    assert tab.is_disabled("select[name=outcome]")
    assert advisor_queue.get(entry.id, console.db_url).status == advisor_queue.HELD
    assert records.for_entry(entry.id, console.db_url) is None

    # Back to change an answer, review again, then confirm.
    tab.click("#confirm-back")
    assert tab.is_hidden("#confirm") and tab.is_enabled("select[name=outcome]")
    tab.check("input[name=dash-14][value=not_known]")
    tab.check("input[name=marac_judgement]")
    tab.click("#review")
    tab.wait_for_selector("#confirm:not([hidden])")
    assert "MARAC: refer (professional judgement)" in tab.locator(
        "#confirm-summary li").all_inner_texts()
    tab.click("#confirm-close")
    tab.wait_for_selector("#message:has-text('Closed, and the contact record is saved.')")
    assert advisor_queue.get(entry.id, console.db_url).status == advisor_queue.CLOSED
    record = records.for_entry(entry.id, console.db_url)
    assert (record.dash_score, record.meets_threshold, record.marac_judgement,
            record.marac_referral, record.safeguarding) == (13, False, True, True, True)
    assert record.dash == "y" * 13 + "?" * 6 + "n" + "?" * 4
    assert record.notes == "Safety plan agreed.\nWill call refuge tomorrow."
    assert record.tag_list == ["refuge", "safety plan"]
    assert errors == []

    # An advisor can't read the records.
    tab.goto(f"{console.url}/records")
    assert tab.locator("h1").inner_text() == "Not allowed"
    tab.context.close()

    # The supervisor sees the escalation, opens the records and downloads the CSV.
    boss = logged_in(browser, console, "sue")
    boss.goto(f"{console.url}/supervisor")
    assert f"Entry {entry.id}" in boss.inner_text("#escalations")
    boss.click("#records-link")
    boss.wait_for_url(f"{console.url}/records")
    row = boss.locator(f"#records tr[data-record='{record.id}']")
    assert "Safety plan agreed." in row.inner_text()
    assert "Refer (professional judgement)" in row.inner_text()
    with boss.expect_download() as download:
        boss.click("#records-csv")
    saved = download.value.path().read_bytes()
    assert saved.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(saved.decode("utf-8-sig"))))
    mine = next(r for r in rows if r["entry"] == str(entry.id))
    assert (mine["DASH score"], mine["refer to MARAC"], mine["safeguarding escalation"]) == (
        "13", "yes", "yes")
    boss.context.close()
