"""The demand figures page against a real console process: who may see it, suppression as
shown, the CSV, bad queries, axe and printing in real Chromium, and requests for a person
worked in the console counted once each (the escalation funnel and callbacks)."""
from __future__ import annotations

import re
import time
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

import pytest
import requests
import sqlalchemy

from helpline import advisor_queue, privacy, stats
from helpline.console import auth, records
from helpline.directory.hours import LONDON
from tests.helpers import wait_for

from .conftest import PASSWORD, Console, login, serve_console
from .test_handoff_e2e import Stream

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TODAY = date.today()
NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=LONDON)


@pytest.fixture(scope="module")
def figures_console(tmp_path_factory) -> Iterator[Console]:
    url = f"sqlite:///{tmp_path_factory.mktemp('stats') / 'helpline.db'}"
    auth.create_user("sue", PASSWORD, "supervisor", url)
    auth.create_user("ann", PASSWORD, "advisor", url)
    auth.create_user("cat", PASSWORD, "commissioner", url)
    for _ in range(12):
        stats.count([("who", "victim"), ("channel", "web_chat"), ("hours", "out"),
                     ("circumstance", "money")], "halton", now=NOW, db_url=url)
    for _ in range(3):
        stats.count([("who", "young_person"), ("channel", "sms"), ("hours", "in"),
                     ("place_outside", "Glasgow")], stats.OUTSIDE, now=NOW, db_url=url)
    stats.flush()  # counts are written in batches; the console reads the database
    yield from serve_console(url, tmp_path_factory)


def test_a_supervisor_sees_the_quarter_with_small_numbers_hidden(figures_console) -> None:
    session, _ = login(figures_console.url, "sue", PASSWORD)
    page = session.get(figures_console.url + "/stats", timeout=10)
    assert page.status_code == 200
    assert "Demand figures" in page.text and "Halton" in page.text
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', page.text))
    # 3 young people are hidden, and so is the 12 beside them, or 15 - 12 would give the 3.
    assert rows["A young person"] == "&lt;5" and rows["The person harmed"] == "&lt;5"
    assert rows["Answers given"] == "15"
    assert 'aria-label="Circumstances people described: Money 12"' in page.text
    assert 'aria-label="Places asked for outside our areas: Glasgow &lt;5"' in page.text
    one_area = session.get(figures_console.url + "/stats?area=halton", timeout=10)
    assert "A young person" in one_area.text and "Glasgow" not in one_area.text


def test_the_csv_opens_in_a_spreadsheet_and_keeps_suppression(figures_console) -> None:
    session, _ = login(figures_console.url, "sue", PASSWORD)
    reply = session.get(figures_console.url + "/stats.csv", timeout=10)
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/csv")
    assert reply.content.startswith(b"\xef\xbb\xbf")
    lines = reply.content.decode("utf-8-sig").splitlines()
    assert "Who was writing,halton,outside,total" in lines
    assert "young_person,0,<5,<5" in lines


def test_advisors_may_not_and_commissioners_see_only_the_figures(figures_console) -> None:
    advisor, _ = login(figures_console.url, "ann", PASSWORD)
    assert advisor.get(figures_console.url + "/stats", timeout=10).status_code == 403
    assert advisor.get(figures_console.url + "/stats.csv", timeout=10).status_code == 403
    commissioner = requests.Session()
    page = commissioner.get(figures_console.url + "/login", timeout=10)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    reply = commissioner.post(figures_console.url + "/login", allow_redirects=False, timeout=10,
                              data={"csrf": csrf, "username": "cat", "password": PASSWORD})
    assert reply.headers["Location"] == "/stats"
    home = commissioner.get(figures_console.url + "/", allow_redirects=False, timeout=10)
    assert home.status_code == 303 and home.headers["Location"] == "/stats"
    for path in ("/api/queue", "/c/1", "/supervisor", "/events/queue", "/api/directory?q=x"):
        assert commissioner.get(figures_console.url + path, timeout=10,
                                allow_redirects=False).status_code == 403, path
    assert commissioner.get(figures_console.url + "/stats", timeout=10).status_code == 200


@pytest.mark.parametrize("query", ["quarter=yesterday", "area=nowhere", "area=%3Cb%3E"])
def test_a_bad_query_gets_a_sentence(figures_console, query: str) -> None:
    session, _ = login(figures_console.url, "sue", PASSWORD)
    reply = session.get(f"{figures_console.url}/stats?{query}", timeout=10)
    assert reply.status_code == 400
    assert "<b>" not in reply.text and ("date like" in reply.text or "no such area" in reply.text)


def test_the_page_passes_axe_in_chromium(browser, figures_console) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` in the repository root")
    tab = browser.new_context(bypass_csp=True).new_page()  # only so axe can be injected
    tab.goto(figures_console.url + "/login")
    tab.fill("input[name=username]", "cat")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(figures_console.url + "/stats")
    assert tab.locator("svg[role=img]").count() >= 4
    tab.add_script_tag(path=str(AXE))
    violations = tab.evaluate("""async () => (await axe.run(document)).violations.map(
        v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))""")
    assert violations == []


# ------------------------------------------ requests for a person: funnel and callbacks

def _new_counts(db_url: str) -> dict[tuple[str, str], int]:
    found = stats.figures(date(2000, 1, 1), date(2100, 1, 1), db_url=db_url).counts
    return {(measure, value): sum(by_area.values()) for measure, values in found.items()
            if measure in ("wait", "handoff", "outcome", "callback_end")
            for value, by_area in values.items()}


FUNNEL = {("wait", "1_to_5"): 6, ("wait", "15_to_60"): 1, ("wait", "5_to_15"): 1,
          ("wait", "over_60"): 1, ("handoff", "claimed"): 7, ("handoff", "abandoned"): 2,
          ("outcome", "signposted"): 7, ("outcome", "referral_made"): 2,
          ("outcome", "no_further_action"): 1, ("outcome", "ended_by_person"): 3,
          ("callback_end", "done"): 1, ("callback_end", "late"): 1,
          ("callback_end", "missed"): 1, ("callback_end", "withdrawn"): 1}


def test_scripted_requests_give_exactly_the_funnel_and_survive_erasure(
        figures_console, tmp_path) -> None:
    """Chats and callbacks worked in the real console (the contact records it writes count
    them), then every conversation erased: each request counted once, nothing double."""
    url, db = figures_console.url, figures_console.db_url
    for _ in range(9):  # what the bot counts as each chat is queued, and each callback asked
        stats.count([("escalation", "queued")], db_url=db)
    for _ in range(4):
        stats.count([("callback", "requested")], db_url=db)
    stats.flush()
    now = time.time()
    ann, ann_token = login(url, "ann", PASSWORD)
    sue, sue_token = login(url, "sue", PASSWORD)
    queue_stream = Stream(sue, url + "/events/queue")

    def close(session, token, entry_id: int, outcome: str) -> None:
        done = session.post(f"{url}/api/c/{entry_id}/close", json={"outcome": outcome},
                            headers={"X-CSRF-Token": token}, timeout=10)
        assert done.status_code == 200, done.text

    people = []
    for n, (asked, claimed_after, outcome) in enumerate(
            [(now - 600, 90, "signposted")] * 6 + [(now - 1500, 1200, "referral_made")]):
        entry = advisor_queue.enqueue(f"funnel-chat-{n}", "rest", [], now=asked, db_url=db)
        assert advisor_queue.claim(entry.id, "ann", now=asked + claimed_after, db_url=db)
        close(ann, ann_token, entry.id, outcome)
        people.append(entry.conversation_id)
    quiet = advisor_queue.enqueue("funnel-quiet", "sms", [], now=now - 7200, db_url=db)
    close(sue, sue_token, quiet.id, "no_further_action")  # gone quiet, never claimed
    left = advisor_queue.enqueue("funnel-left", "rest", [], now=now - 600, db_url=db)

    def callback(name: str, asked: float) -> advisor_queue.QueueEntry:
        return advisor_queue.enqueue(name, "sms", [], kind=advisor_queue.CALLBACK, callback_method="call",
                             now=asked, db_url=db)

    for name, asked, outcome in [("funnel-cb-done", now, "signposted"),
                                 ("funnel-cb-late", now - 30 * 86400, "referral_made")]:
        entry = callback(name, asked)
        page = f"{url}/callbacks/{entry.id}"
        assert ann.post(page + "/take", data={"csrf": ann_token}, timeout=10).ok
        assert ann.post(page + "/done", data={"csrf": ann_token, "outcome": outcome},
                        timeout=10).ok
        people.append(name)
    missed, withdrawn = callback("funnel-cb-missed", now - 30 * 86400), \
        callback("funnel-cb-withdrawn", now)
    # The console writes an "ended by the person" record from what its poller last saw.
    ending = {left.id, missed.id, withdrawn.id}
    queue_stream.wait_for(lambda name, data: ending <= {e["id"] for e in data["entries"]}, 30)
    queue_stream.close()
    people += [quiet.conversation_id, "funnel-left", "funnel-cb-missed", "funnel-cb-withdrawn"]
    privacy.erase_many(people, tracker_url=f"sqlite:///{tmp_path / 'tracker.db'}", db_url=db)
    wait_for(lambda: all(records.for_entry(i, db) for i in ending), timeout=30)
    # Each console process writes its counts every few seconds (stats.FLUSH_SECONDS).
    assert wait_for(lambda: _new_counts(db) == FUNNEL or None, timeout=30)
    assert advisor_queue.get(left.id, db) is None and advisor_queue.get(quiet.id, db) is None
    with records.engine(db).connect() as connection:
        dump = " ".join(str(v) for row in connection.execute(
            sqlalchemy.text("SELECT * FROM demand_counts")) for v in row)
    assert "funnel" not in dump and str(int(now)) not in dump

    # Shown suppressed: 2 left is hidden, and the 7 claimed beside it (their total shows 9).
    page = sue.get(url + "/stats", timeout=10).text
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', page))
    assert rows["Claimed by an advisor"] == rows["Left before an advisor claimed"] == "&lt;5"
    assert rows["Callbacks done by the end of the day due"] == "&lt;5"
    assert rows["Callbacks never done"] == "&lt;5"
    assert ("Asked for a person and queued 9, Waited 1 to 5 minutes 6, Waited 5 to 15 minutes "
            "&lt;5, Waited 15 to 60 minutes &lt;5, Waited over an hour &lt;5, Claimed by an "
            "advisor &lt;5, Left before an advisor claimed &lt;5, Outcome: signposted 7, "
            "Outcome: referral made &lt;5, Outcome: no further action &lt;5, Outcome: ended "
            "by the person &lt;5\"") in page
    assert ('aria-label="Callbacks: Callbacks requested &lt;5, Done on the day due &lt;5, '
            'Done later &lt;5, Missed (never done) &lt;5, Withdrawn by the person &lt;5"') in page
    lines = sue.get(url + "/stats.csv", timeout=10).content.decode("utf-8-sig").splitlines()
    at = lines.index("Claimed or left,not_given,total")
    assert lines[at + 1:at + 4] == ["claimed,<5,<5", "abandoned,<5,<5", "total,9,9"]
    at = lines.index("How callbacks ended,not_given,total")
    assert lines[at + 1:at + 6] == ["done,<5,<5", "late,<5,<5", "missed,<5,<5",
                                    "withdrawn,<5,<5", "total,<5,<5"]
    assert "1_to_5,6,6" in lines and "signposted,7,7" in lines


def test_the_quarterly_report_prints_as_one_black_and_white_page(browser,
                                                                 figures_console) -> None:
    tab = browser.new_context().new_page()
    tab.goto(figures_console.url + "/login")
    tab.fill("input[name=username]", "sue")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.goto(figures_console.url + "/stats")
    assert tab.locator("header nav").is_visible() and tab.locator("form.filters").is_visible()
    tab.emulate_media(media="print")
    for hidden in ("header nav", "form.filters", "button"):
        assert not tab.locator(hidden).first.is_visible(), hidden
    colours = tab.evaluate("""() => [getComputedStyle(document.body).color,
        getComputedStyle(document.querySelector('header')).backgroundColor,
        getComputedStyle(document.querySelector('header')).color]""")
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    pdf = tab.pdf(format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
