"""SMS: the person is told by text when an advisor joins and hands back.

The real Rasa server with the SMS channel, pointed at the recording fake Twilio of
tests/channels (start_channel_stack), and a real console process on the same database.
"""
from __future__ import annotations

import random
from typing import Iterator

import pytest

from helpline import advisor_queue, privacy
from helpline.console import auth, notices
from tests.channels.conftest import ID_SECRET, ChannelStack, start_channel_stack
from tests.helpers import wait_for

from .conftest import PASSWORD, Console, login


@pytest.fixture(scope="module")
def sms_console(tmp_path_factory) -> Iterator[tuple[ChannelStack, Console]]:
    base = tmp_path_factory.mktemp("sms-notices")
    db_url = f"sqlite:///{base / 'helpline.db'}"
    for channels in start_channel_stack(base, f"sqlite:///{base / 'tracker.db'}", db_url):
        auth.create_user("ann", PASSWORD, "advisor", db_url)
        console = Console(db_url, channels.rasa_url, base / "console.log")
        try:
            console.wait()
            yield channels, console
        finally:
            console.stop()


def test_sms_person_is_told_when_an_advisor_joins_and_hands_back(
        sms_console, monkeypatch: pytest.MonkeyPatch) -> None:
    channels, console = sms_console
    number = f"+4477009{random.randint(10000, 99999)}"
    monkeypatch.setenv("HELPLINE_ID_SECRET", ID_SECRET)
    cid = privacy.pseudonymise("sms", number)
    assert channels.sms(number, "hello").status_code == 200
    before = len(channels.api.sms_to(number))
    assert before >= 1
    entry = advisor_queue.enqueue(cid, "sms", [], db_url=console.db_url)
    session, token = login(console.url, "ann", PASSWORD)
    h = {"X-CSRF-Token": token}

    claimed = session.post(f"{console.url}/api/c/{entry.id}/claim", headers=h, timeout=30)
    assert claimed.json() == {"status": "held", "told": True}
    bodies = wait_for(lambda: channels.api.sms_to(number)[before:])
    assert bodies == [notices.text(notices.JOINED)]

    back = session.post(f"{console.url}/api/c/{entry.id}/handback", headers=h, timeout=30)
    assert back.json() == {"status": "with_bot", "told": True}
    bodies = wait_for(lambda: channels.api.sms_to(number)[before + 1:])
    assert bodies == [notices.text(notices.HANDED_BACK)]
