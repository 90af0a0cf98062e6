"""No message text, phone number or chat id in any log, on any path, before and after erasure.

A real stack with every channel (REST, web chat, SMS and Telegram against the fake API,
tests/channels/fake_api.py) and Rasa's own HTTP API, which takes text without our channels'
"/" handling (bot.channels.common.as_person_text): only helpline.logs keeps that text out
of the logs. Every text carries a token starting "zqx"; no log file may hold one.
"""
from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

import pytest
import requests

from helpline import privacy
from helpline.run import Stack
from tests import figures
from tests.channels.conftest import BOT_TOKEN, ID_SECRET, ChannelStack, start_channel_stack
from tests.helpers import free_port, wait_http

_ids = itertools.count(random.randint(10**6, 10**7))


def texts(path: str) -> list[str]:
    """Messages that start with "/" (Rasa's intent syntax, broken in each way it reports),
    a button payload with an unknown place, danger and ordinary text; tokens name the path."""
    token = f"zqx{path}"
    return [f"/help my husband {token}1 hits me", f"/greet {token}2",
            '/find_service{"place": "%s3"}' % token, f"/restart {token}4", f"/@{token}5",
            "/{%s6}" % token, '/greet{"%s7": "x"}' % token, f"/find_service{{{token}8",
            f"he's outside with a knife {token}9", f"my partner checks my phone {token}10"]


@dataclass
class LogStack:
    channels: ChannelStack
    webchat_url: str

    def logs(self) -> str:
        return self.channels.logs()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LogStack]:
    base = tmp_path_factory.mktemp("logs-stack")
    with contextmanager(start_channel_stack)(base, f"sqlite:///{base / 'tracker.db'}",
                                             f"sqlite:///{base / 'helpline.db'}") as channels:
        web = Stack(rasa_port=int(channels.rasa_url.rsplit(":", 1)[1]), action_port=0,
                    tracker_url=f"sqlite:///{base / 'tracker.db'}",
                    db_url=f"sqlite:///{base / 'helpline.db'}", log_dir=base, isolated=True,
                    extra_env=channels.env)
        port = free_port()
        try:
            web.start_webchat(port)
            wait_http(f"http://127.0.0.1:{port}/healthz", web.processes, 120, base)
            yield LogStack(channels, f"http://127.0.0.1:{port}")
        finally:
            web.stop()


def telegram_update(chat: int, text: str, button: bool = False) -> dict[str, Any]:
    """A private-chat message, or (button) a callback query carrying `text` as its data."""
    person = {"id": chat, "is_bot": False, "first_name": "A"}
    message = {"message_id": next(_ids), "date": int(time.time()),
               "chat": {"id": chat, "type": "private", "first_name": "A"}, "from": person}
    if button:
        return {"update_id": next(_ids), "callback_query": {
            "id": str(next(_ids)), "chat_instance": "1", "data": text, "from": person,
            "message": {**message, "text": "x"}}}
    return {"update_id": next(_ids), "message": {**message, "text": text}}


def assert_no_text(logs: str, secrets: list[str]) -> None:
    assert logs, "the servers wrote logs"
    lines = logs.splitlines()
    leaks = [line[:200] for line in lines if "zqx" in line.lower()]
    figures.record(figures.LOG_LINES, len(leaks), len(lines))
    assert not leaks, f"{len(leaks)} log lines hold message text, e.g. {leaks[:3]}"
    lowered = logs.lower()
    assert "traceback" not in lowered
    for secret in secrets:
        assert secret.lower() not in lowered, secret


def test_no_message_text_ids_or_token_in_any_log(stack: LogStack,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    channels, rasa = stack.channels, stack.channels.rasa_url
    rest_sender, web_sender = f"logs-rest-{next(_ids)}", f"logs-web-{next(_ids)}"
    number, chat = f"+4477009{random.randint(10**4, 10**5 - 1)}", random.randint(10**9, 9 * 10**9)
    button_chat = chat + 1

    def post(url: str, body: dict[str, Any]) -> None:
        assert requests.post(url, json=body, timeout=120).status_code == 200, url

    for text in texts("rest"):
        post(f"{rasa}/webhooks/rest/webhook", {"sender": rest_sender, "message": text})
    for text in texts("web"):
        post(f"{stack.webchat_url}/api/message", {"sender": web_sender, "message": text})
    for text in texts("sms"):
        assert channels.sms(number, text).status_code == 200
    for text in texts("tg"):
        assert channels.telegram(telegram_update(chat, text)).status_code == 200
    for text in texts("cb"):
        assert channels.telegram(telegram_update(button_chat, text, button=True)
                                 ).status_code == 200
    # Rasa's own HTTP API (no token in the test stack): text reaches Rasa as it is.
    for number_in_path, text in enumerate(texts("api")):
        post(f"{rasa}/model/parse", {"text": text})
        post(f"{rasa}/conversations/logs-api-{number_in_path}/messages",
             {"text": text, "sender": "user"})
    # An advisor's reply, as the console sends it, then fetched by the web chat page.
    monkeypatch.setenv("HELPLINE_ID_SECRET", ID_SECRET)
    reply = requests.post(
        f"{rasa}/conversations/{privacy.pseudonymise('rest', web_sender)}/tracker/events",
        params={"output_channel": "latest", "execute_side_effects": "true"},
        json=[{"event": "bot", "text": "advisor zqxadvisor1", "metadata": {"advisor": True}}],
        timeout=120)
    assert reply.status_code == 200
    outbox = requests.get(f"{stack.webchat_url}/api/outbox",
                          params={"sender": web_sender, "after": "0"}, timeout=120)
    assert "zqxadvisor1" in outbox.text
    # A safety word set in one message (the channel layer keeps it from Rasa).
    post(f"{rasa}/webhooks/rest/webhook",
         {"sender": rest_sender, "message": "my safety word is zqxsafeword"})

    secrets = [rest_sender, web_sender, number, number.lstrip("+"), str(chat),
               str(button_chat), BOT_TOKEN]
    logs = stack.logs()
    assert_no_text(logs, secrets)
    # The reports were made, without their text: the check above saw the routes that leaked.
    assert "UserWarning at " in logs and "(text withheld)" in logs
    assert '"event": "message.parsing.failed"' in logs and '"withheld": ["user_text"]' in logs

    # Erase every conversation: safety word, exit word, quick exit, STOP, /exit.
    post(f"{rasa}/webhooks/rest/webhook", {"sender": rest_sender, "message": "zqxsafeword"})
    post(f"{stack.webchat_url}/api/message", {"sender": web_sender, "message": "exit"})
    post(f"{stack.webchat_url}/api/erase", {"sender": web_sender})
    assert channels.sms(number, "STOP").status_code == 200
    for chat_id in (chat, button_chat):
        assert channels.telegram(telegram_update(chat_id, "/exit")).status_code == 200
    assert_no_text(stack.logs(), secrets)


CHILD = """
import logging.config, sys, warnings
import structlog
from rasa.shared.utils.io import raise_warning
from rasa.utils.common import configure_logging_and_warnings
from rasa.utils.log_utils import configure_structlog
from sanic.log import LOGGING_CONFIG_DEFAULTS

configure_logging_and_warnings()  # as rasa.__main__ does, then the command imports our code
configure_structlog()
if sys.argv[1] == "install":
    from helpline import logs
    logs.install()
logging.config.dictConfig(LOGGING_CONFIG_DEFAULTS)  # as Sanic does for Rasa's app, later
raise_warning("Failed to parse arguments in line '/help my husband zqxunit1 hits me'.")
warnings.warn("zqxunit2 in a plain warning")
structlog.get_logger().warning("message.parsing.failed", user_text="/@zqxunit3")
"""


@pytest.mark.parametrize("install", [True, False])
def test_warnings_and_rasa_events_lose_their_text(install: bool) -> None:
    """After install(), a warning logs its category and place, a Rasa event its name."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONWARNINGS"}
    result = subprocess.run([sys.executable, "-c", CHILD, "install" if install else "-"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    output = result.stdout + result.stderr
    tokens = [token for token in ("zqxunit1", "zqxunit2", "zqxunit3") if token in output]
    if not install:  # the control: without install() the check sees all three
        assert tokens == ["zqxunit1", "zqxunit2", "zqxunit3"], output
        return
    assert not tokens, output
    assert "UserWarning at " in output and "(text withheld)" in output, output
    assert '"event": "message.parsing.failed"' in output, output
    assert '"withheld": ["user_text"]' in output, output
