"""Replayed Twilio webhooks: a captured request, shifted so its signature still holds, is
refused, and never brings an erased conversation back (issue 12, item 4).

Signatures come from the real twilio RequestValidator; the requests go to the real Rasa
server with the SMS channel (conftest.channel_stack).
"""
from __future__ import annotations

import uuid
from collections import Counter

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests import figures

from .conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    NEUTRAL_REPLY,
    PUBLIC_URL,
    SERVICE_NUMBER,
    ChannelStack,
)
from .replays import shifted_replays
from .test_sms_e2e import cid, phone

URL = f"{PUBLIC_URL}/webhooks/sms/webhook"
SECRET = "zq4417"


def incoming(number: str, body: str) -> dict[str, str]:
    """The parameters Twilio sends for an incoming SMS to a UK number."""
    sid = "SM" + uuid.uuid4().hex
    return {"ToCountry": "GB", "ToState": "", "SmsMessageSid": sid, "NumMedia": "0",
            "ToCity": "", "FromZip": "", "SmsSid": sid, "FromState": "",
            "SmsStatus": "received", "FromCity": "", "Body": body, "FromCountry": "GB",
            "To": SERVICE_NUMBER, "ToZip": "", "NumSegments": "1", "MessageSid": sid,
            "AccountSid": ACCOUNT_SID, "From": number, "ApiVersion": "2010-04-01"}


def post(stack: ChannelStack, params: dict[str, str], signature: str) -> requests.Response:
    return requests.post(stack.sms_url, data=params, timeout=120,
                         headers={"X-Twilio-Signature": signature})


def sms_sent(stack: ChannelStack) -> int:
    return sum(1 for c in list(stack.api.calls) if c.path.endswith("/Messages.json"))


@pytest.mark.parametrize("words", ["my partner Dave reads my phone",
                                   "he took my bank card and my keys again last night"])
def test_shifted_replays_are_refused_and_bring_nothing_back(
        channel_stack: ChannelStack, monkeypatch: pytest.MonkeyPatch, words: str) -> None:
    number = phone()
    conversation = cid(number, monkeypatch)
    original = incoming(number, f"{words} {SECRET}")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(URL, original)
    assert post(channel_stack, original, signature).status_code == 200
    assert len(channel_stack.api.sms_to(number)) == 1
    assert channel_stack.tracker_rows(conversation)

    exit_word = incoming(number, "exit")
    assert post(channel_stack, exit_word, RequestValidator(AUTH_TOKEN).compute_signature(
        URL, exit_word)).status_code == 200
    assert channel_stack.api.sms_to(number)[-1] == NEUTRAL_REPLY
    assert not channel_stack.tracker_rows(conversation)
    sent = sms_sent(channel_stack)

    replays = shifted_replays(original)
    moved_sid = {**{k: v for k, v in original.items() if k != "NumMedia"},
                 "MessageSid": original["MessageSid"] + "NumMedia0"}
    assert moved_sid in replays, "the shift of the incident"
    assert any(r.get("Body", "").startswith(words[:5]) and r["Body"] != original["Body"]
               for r in replays), "a shift that rewrites Body"
    assert all(RequestValidator(AUTH_TOKEN).validate(URL, replay, signature)
               for replay in replays)
    statuses = Counter(post(channel_stack, replay, signature).status_code
                       for replay in replays)
    figures.record(figures.FORGED, sum(n for status, n in statuses.items() if status < 400),
                   len(replays))
    assert set(statuses) <= {400, 403}, statuses
    print(f"{len(replays)} shifted replays: {dict(statuses)}")

    assert sms_sent(channel_stack) == sent, "nobody was texted"
    assert not channel_stack.tracker_rows(conversation)
    assert not channel_stack.our_rows("channel_contacts", conversation)
    assert SECRET.encode() not in channel_stack.db_bytes()

    # Twilio's own retry of the original (identical): acknowledged, not handled again.
    assert post(channel_stack, original, signature).status_code == 200
    assert sms_sent(channel_stack) == sent
    assert not channel_stack.tracker_rows(conversation)


def test_a_retry_is_acknowledged_once_and_a_shift_under_its_signature_refused(
        channel_stack: ChannelStack, monkeypatch: pytest.MonkeyPatch) -> None:
    number = phone()
    original = incoming(number, "hello")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(URL, original)
    assert post(channel_stack, original, signature).status_code == 200
    first = channel_stack.api.sms_to(number)
    assert post(channel_stack, original, signature).status_code == 200  # Twilio's retry
    assert channel_stack.api.sms_to(number) == first
    # The same MessageSid, one optional parameter swallowed by its neighbour.
    shifted = {k: v for k, v in original.items() if k != "ToZip"}
    shifted["ToState"] = "ToZip"
    assert RequestValidator(AUTH_TOKEN).validate(URL, shifted, signature)
    assert post(channel_stack, shifted, signature).status_code == 403
    users = [r for r in channel_stack.tracker_rows(cid(number, monkeypatch)) if r[0] == "user"]
    assert len(users) == 1


@pytest.mark.parametrize("change, status", [
    ({"MessageSid": "SM" + "0" * 31}, 400),
    ({"MessageSid": "SM" + "0" * 32 + "NumMedia0"}, 400),
    ({"MessageSid": "XX" + "0" * 32}, 400),
    ({"MessageSid": "SM" + "G" * 32}, 400),
    ({"AccountSid": "AC" + "1" * 32}, 403),
    ({"From": "+447700900123FromCity"}, 400),
    ({"From": "Mum"}, 400),
    ({"NumMedia": "0NumSegments1"}, 400),
    ({"NumSegments": "one"}, 400),
    ({"To": None}, 400),
    ({"Body": None}, 400),
    ({"AccountSid": None}, 400),
])
def test_requests_that_are_not_an_incoming_message_are_refused(
        channel_stack: ChannelStack, change: dict[str, str | None], status: int) -> None:
    number = phone()
    params = {k: v for k, v in {**incoming(number, "hello"), **change}.items() if v is not None}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(URL, params)
    reply = post(channel_stack, params, signature)
    figures.record(figures.FORGED, int(reply.status_code < 400), 1)
    assert reply.status_code == status, reply.text
    assert "Traceback" not in reply.text
    assert not channel_stack.api.sms_to(number)
    assert not channel_stack.api.sms_to(params["From"])


def test_unknown_optional_parameters_are_accepted(channel_stack: ChannelStack) -> None:
    """Twilio adds parameters without notice: a new one must not silence the helpline."""
    number = phone()
    params = {**incoming(number, "hello"), "MessagingServiceSid": "MG" + "0" * 32,
              "SomethingTwilioAddsNextYear": "x"}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(URL, params)
    assert post(channel_stack, params, signature).status_code == 200
    assert channel_stack.api.sms_to(number)
