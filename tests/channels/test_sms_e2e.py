"""SMS end to end: signed Twilio webhooks into the real Rasa server, replies to a fake Twilio."""
from __future__ import annotations

import random

import pytest
import requests

from bot.channels import sms_text
from helpline import privacy

from .conftest import ACCOUNT_SID, ID_SECRET, NEUTRAL_REPLY, SERVICE_NUMBER, USED_IDS, ChannelStack

DANGER = "he's outside with a knife"


def phone() -> str:
    number = f"+4477009{random.randint(10000, 99999)}"
    USED_IDS.append(number)
    return number


def cid(number: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HELPLINE_ID_SECRET", ID_SECRET)
    return privacy.pseudonymise("sms", number)


def assert_sms_shape(body: str) -> None:
    assert sms_text.is_gsm7(body), body
    assert sms_text.segments(body) <= 3, body


def test_signed_message_gets_a_reply(channel_stack: ChannelStack,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    number = phone()
    reply = channel_stack.sms(number, "hello")
    assert reply.status_code == 200
    assert "<Response>" in reply.text
    bodies = channel_stack.api.sms_to(number)
    assert len(bodies) == 1 and bodies[0]
    assert_sms_shape(bodies[0])
    call = [c for c in channel_stack.api.calls if c.fields.get("To") == number][0]
    assert call.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert call.fields["From"] == SERVICE_NUMBER
    conversation = cid(number, monkeypatch)
    assert channel_stack.tracker_rows(conversation), "stored under the pseudonymous id"
    with __import__("sqlite3").connect(channel_stack.tracker_db) as connection:
        assert not connection.execute("SELECT 1 FROM events WHERE sender_id = ? OR data LIKE ?",
                                      (number, f"%{number}%")).fetchall()


def test_danger_phrase_gives_999_and_55(channel_stack: ChannelStack) -> None:
    number = phone()
    assert channel_stack.sms(number, DANGER).status_code == 200
    bodies = channel_stack.api.sms_to(number)
    assert bodies and bodies[0].startswith("If you are in danger now, call 999.")
    assert "press 55" in bodies[0]
    assert "0808 2000 247" in " ".join(bodies)
    for body in bodies:
        assert_sms_shape(body)


@pytest.mark.parametrize("case", ["forged", "tampered", "missing", "other-url"])
def test_bad_signatures_are_refused(channel_stack: ChannelStack, case: str) -> None:
    number = phone()
    fields = {"MessageSid": f"SM{random.randint(10**20, 10**21)}", "AccountSid": ACCOUNT_SID,
              "From": number, "To": SERVICE_NUMBER, "Body": "hello"}
    headers = {"X-Twilio-Signature": channel_stack.sign(fields)}
    if case == "forged":
        headers["X-Twilio-Signature"] = channel_stack.sign(fields, token="not-the-token")
    elif case == "tampered":
        fields = {**fields, "Body": DANGER}
    elif case == "missing":
        headers = {}
    else:
        from twilio.request_validator import RequestValidator
        headers["X-Twilio-Signature"] = RequestValidator(
            "test-twilio-auth-token-0123456789ab").compute_signature(
            "https://evil.example.org/webhooks/sms/webhook", fields)
    reply = requests.post(channel_stack.sms_url, data=fields, headers=headers, timeout=30)
    assert reply.status_code == 403
    assert not channel_stack.api.sms_to(number)


def test_replayed_message_sid_is_processed_once(channel_stack: ChannelStack,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    number = phone()
    sid = f"SM{random.randint(10**31, 10**32 - 1)}"
    assert channel_stack.sms(number, "hello", sid=sid).status_code == 200
    assert channel_stack.sms(number, "hello", sid=sid).status_code == 200
    assert len(channel_stack.api.sms_to(number)) == 1
    user_turns = [r for r in channel_stack.tracker_rows(cid(number, monkeypatch))
                  if r[0] == "user"]
    assert len(user_turns) == 1


def test_numbered_options_select_buttons(channel_stack: ChannelStack,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    number = phone()
    channel_stack.sms(number, "hello")
    first = " ".join(channel_stack.api.sms_to(number))
    if sms_text.OPTIONS_INTRO not in first:
        channel_stack.sms(number, "MORE")
        first = " ".join(channel_stack.api.sms_to(number))
    assert "1 " in first and "2 " in first, first
    channel_stack.sms(number, "1")
    users = [r[1] for r in channel_stack.tracker_rows(cid(number, monkeypatch))
             if r[0] == "user"]
    assert '"text": "/' in users[-1] or '"text":"/' in users[-1], "1 sent the first payload"


def test_long_reply_is_cut_with_more(channel_stack: ChannelStack,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    number = phone()
    channel_stack.sms(number, "hello")
    channel_stack.send_as_advisor(cid(number, monkeypatch))
    # Rasa's turn had buttons; now the advisor-style message plus a long remainder.
    long_text = " ".join(["Refuge runs a helpline on 0808 2000 247 all day and night."] * 12)
    with __import__("sqlite3").connect(channel_stack.our_db) as connection:
        connection.execute("UPDATE channel_contacts SET more_text = ? WHERE conversation_id = ?",
                           (long_text, cid(number, monkeypatch)))
    before = len(channel_stack.api.sms_to(number))
    channel_stack.sms(number, "more")
    after = channel_stack.api.sms_to(number)
    assert len(after) == before + 1
    assert_sms_shape(after[-1])
    assert after[-1].endswith(sms_text.MORE_NOTE)
    assert "0808 2000 247" in after[-1] and after[-1].startswith("Refuge")
    channel_stack.sms(number, "MORE")
    rest = channel_stack.api.sms_to(number)[-1]
    assert rest.startswith("Refuge") and sms_text.MORE_NOTE not in rest


def test_safety_word_erases_the_conversation(channel_stack: ChannelStack,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    number = phone()
    conversation = cid(number, monkeypatch)
    channel_stack.sms(number, "hello")
    channel_stack.sms(number, "set a safety word")
    assert "safety word" in channel_stack.api.sms_to(number)[-1].lower()
    channel_stack.sms(number, "Bluebell Tango")
    assert channel_stack.api.sms_to(number)[-1].startswith("Your safety word is set")
    channel_stack.sms(number, "my partner reads my messages zq4417")
    assert channel_stack.tracker_rows(conversation)
    assert channel_stack.our_rows("channel_contacts", conversation)

    assert channel_stack.sms(number, "bluebell tango").status_code == 200
    assert channel_stack.api.sms_to(number)[-1] == NEUTRAL_REPLY
    assert not channel_stack.tracker_rows(conversation)
    assert not channel_stack.our_rows("channel_contacts", conversation)
    assert not channel_stack.our_rows("safety_words", conversation)
    data = channel_stack.db_bytes()
    assert b"zq4417" not in data and number.encode() not in data


def test_stop_ends_and_erases_without_a_reply(channel_stack: ChannelStack,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    number = phone()
    conversation = cid(number, monkeypatch)
    channel_stack.sms(number, "hello")
    sent = len(channel_stack.api.sms_to(number))
    assert channel_stack.tracker_rows(conversation)
    assert channel_stack.sms(number, "STOP").status_code == 200
    assert len(channel_stack.api.sms_to(number)) == sent
    assert not channel_stack.tracker_rows(conversation)
    assert not channel_stack.our_rows("channel_contacts", conversation)
    assert number.encode() not in channel_stack.db_bytes()


def test_advisor_message_reaches_the_phone(channel_stack: ChannelStack,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    number = phone()
    channel_stack.sms(number, "hello")
    before = len(channel_stack.api.sms_to(number))
    channel_stack.send_as_advisor(cid(number, monkeypatch))
    bodies = channel_stack.api.sms_to(number)
    assert len(bodies) == before + 1
    assert bodies[-1].startswith("If you are in danger now, call 999.")
    assert_sms_shape(bodies[-1])


def test_picture_message_gets_a_polite_reply(channel_stack: ChannelStack) -> None:
    number = phone()
    reply = channel_stack.sms(number, "", NumMedia="1",
                              MediaUrl0="https://api.twilio.com/media/x")
    assert reply.status_code == 200
    assert channel_stack.api.sms_to(number)[-1].startswith("Sorry, I can only read text")
