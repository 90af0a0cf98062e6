"""The one service formatter: the console's full text and the bot's shorter ones, on every
real service."""
from __future__ import annotations

from helpline.directory.format import BRIEF, FULL, REPLY, service_text


def test_the_console_text_gives_every_contact_and_the_web_address(loaded) -> None:
    for service in loaded.directory.services.values():
        text = service_text(service, FULL)
        assert text.startswith(f"{service.name}: "), service.id
        for phone in service.phones[:2]:
            assert phone.number in text, service.id
        if service.email and not service.referral_only:
            assert service.email in text, service.id
        if service.url:
            assert text.endswith(service.url), service.id
        if not service.phones and not service.email:
            assert " ".join(service.how_to_reach.split()) in text, service.id


def test_the_bot_texts_are_shorter_and_leave_the_web_address_out(loaded) -> None:
    for service in loaded.directory.services.values():
        reply, brief = service_text(service, REPLY), service_text(service, BRIEF)
        assert len(brief) <= len(reply) <= len(service_text(service, FULL)), service.id
        if service.url:
            assert service.url not in reply and service.url not in brief, service.id
        assert sum(p.number in brief for p in service.phones) <= 1, service.id


def test_open_now_and_a_number_in_a_list(loaded) -> None:
    service = next(s for s in loaded.directory.services.values() if s.phones)
    assert service_text(service, REPLY, index=2, open_now=True).startswith(
        f"2. {service.name}: ")
    assert "Open now" in service_text(service, REPLY, open_now=True)
    assert "Closed now (" in service_text(service, REPLY, open_now=False)
    assert "Open now" not in service_text(service, REPLY)
