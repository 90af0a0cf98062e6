"""Without credentials each channel is disabled with one clear log line."""
from __future__ import annotations

import logging

import pytest

from bot.channels.sms import TwilioSmsInput
from bot.channels.telegram import TelegramInput


@pytest.fixture(autouse=True)
def no_channel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER",
                "TWILIO_MESSAGING_SERVICE_SID", "TELEGRAM_BOT_TOKEN",
                "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_POLLING"):
        monkeypatch.delenv(key, raising=False)


@pytest.mark.parametrize("channel, word", [(TwilioSmsInput, "SMS"), (TelegramInput, "Telegram")])
def test_disabled_without_credentials(channel: type, word: str,
                                      caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        made = channel.from_credentials(None)
    assert not made.enabled and made.get_output_channel() is None
    lines = [r.getMessage() for r in caplog.records if "disabled" in r.getMessage()]
    assert len(lines) == 1 and lines[0].startswith(f"{word} channel disabled")


def test_enabled_from_environment(monkeypatch: pytest.MonkeyPatch,
                                  caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC1")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", "MG1")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    monkeypatch.setenv("TELEGRAM_POLLING", "1")
    with caplog.at_level(logging.INFO):
        assert TwilioSmsInput.from_credentials(None).enabled
        assert TelegramInput.from_credentials({}).enabled
    assert not [r for r in caplog.records if "disabled" in r.getMessage()]


def test_telegram_webhook_needs_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    assert not TelegramInput.from_credentials(None).enabled
