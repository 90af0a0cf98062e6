"""The demand figures page against a real console process: who may see it, suppression as
shown, the CSV, bad queries, and axe in real Chromium."""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

import pytest
import requests

from helpline import stats
from helpline.console import auth
from helpline.directory.hours import LONDON

from .conftest import PASSWORD, Console, login, serve_console

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
