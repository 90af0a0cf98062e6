"""Console login against a real console process: the rate limit under parallel attempts, and
the login form's CSRF protection without a database row per anonymous visitor."""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Iterator

import pytest
import requests
from sqlalchemy import create_engine, text

from helpline.console import auth
from helpline.console.app import LIMITER, make_app
from tests import figures

from .conftest import PASSWORD, Console, login, serve_console

WAIT = 120  # seconds; generous, the machine is shared


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[Console]:
    url = f"sqlite:///{tmp_path_factory.mktemp('login') / 'helpline.db'}"
    for name in ("ann", "dora"):
        auth.create_user(name, PASSWORD, "advisor", url)
    yield from serve_console(url, tmp_path_factory)


def login_form(url: str) -> tuple[str, requests.cookies.RequestsCookieJar]:
    page = requests.get(url + "/login", timeout=WAIT)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1), page.cookies


def session_rows(db_url: str) -> int:
    engine = create_engine(db_url, future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM console_sessions")).scalar()
    finally:
        engine.dispose()


def test_parallel_wrong_passwords_stop_at_the_limit(console: Console) -> None:
    limit = make_app("http://127.0.0.1:1", "sqlite://")[LIMITER].limit
    csrf, cookies = login_form(console.url)
    together = threading.Barrier(24)

    def attempt(password: str, wait: bool = True) -> requests.Response:
        if wait:
            together.wait(WAIT)
        return requests.post(console.url + "/login", cookies=cookies, timeout=WAIT,
                             allow_redirects=False,
                             data={"csrf": csrf, "username": "dora", "password": password})

    with ThreadPoolExecutor(24) as pool:
        wrong = [pool.submit(attempt, f"wrong guess {i}") for i in range(24)]
        # The right password goes as soon as one attempt is refused, while the rest may
        # still be checking; if none is refused, after all of them.
        for done in as_completed(wrong):
            if done.result().status_code == 429:
                break
        right = attempt(PASSWORD, wait=False)
        codes = [f.result().status_code for f in wrong]
    past = max(0, codes.count(401) - limit) + int(right.status_code != 429)
    figures.record(figures.LOGINS, past, len(codes) + 1)
    assert set(codes) <= {401, 429}
    assert codes.count(401) <= limit, f"{codes.count(401)} wrong passwords were checked"
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    assert "helpline_console" not in right.cookies


def test_login_page_writes_no_session_and_refuses_forged_logins(console: Console) -> None:
    before = session_rows(console.db_url)
    for _ in range(200):
        assert requests.get(console.url + "/login", timeout=WAIT).status_code == 200
    assert session_rows(console.db_url) == before

    csrf, cookies = login_form(console.url)
    other_csrf, _ = login_form(console.url)
    cookie_value = next(iter(cookies.values()))
    forged = [({}, cookies),  # no token
              ({"csrf": csrf}, None),  # a token, but not this browser's cookie (cross-site)
              ({"csrf": other_csrf}, cookies),  # another browser's token
              ({"csrf": cookie_value}, cookies)]  # the cookie's own value
    for fields, jar in forged:
        reply = requests.post(console.url + "/login", cookies=jar, timeout=WAIT,
                              allow_redirects=False,
                              data={**fields, "username": "ann", "password": PASSWORD})
        assert reply.status_code == 403 and "CSRF" in reply.json()["error"]
        assert "helpline_console" not in reply.cookies
    assert session_rows(console.db_url) == before

    session, _ = login(console.url, "ann", PASSWORD)  # the real form still works
    assert session.get(console.url + "/", timeout=WAIT).status_code == 200
    assert session_rows(console.db_url) == before + 1
