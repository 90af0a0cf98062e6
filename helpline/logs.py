"""No message text in any log, from any library, at the default level: `install()`.

What leaked, measured on a real Rasa server (3.6.21, default LOG_LEVEL=INFO): a user message
that starts with "/" is parsed as Rasa's intent syntax, and Rasa reports what it could not
parse with the message in the report, through two routes:

- Python warnings (`rasa.shared.utils.io.raise_warning`): "UserWarning: Failed to parse
  arguments in line '/help my husband ... hits me'", for an unknown intent, unknown entity
  names or trailing words. Rasa's start-up adds `filterwarnings("once", UserWarning)` ahead of
  any PYTHONWARNINGS=ignore, so each distinct message was printed (339 lines in one run).
- structlog events: `{"user_text": "/@...", "event": "message.parsing.failed"}` at WARNING
  when the "/" text does not match the syntax at all.

Our channels strip the leading slashes of any text that is not one of our button payloads
(bot.channels.common.as_person_text), so REST, web chat, SMS and Telegram (messages and
button presses) no longer reach either route. Rasa's own HTTP API still does:
POST /model/parse and /conversations/<id>/messages take text as it is (8 "/" texts sent to
each wrote 16 lines holding the text; in production that API is internal and needs a token).
This module is the layer under all of that:

- Python warnings go through logging (`logging.captureWarnings`), and a filter on the
  ``py.warnings`` logger rewrites every record to its category and location:
  "UserWarning at .../rasa/shared/utils/io.py:100 (text withheld)". A filter on the logger,
  not on handlers: Rasa and Sanic (re)configure handlers at start-up (`dictConfig` closes the
  ones it replaces), while neither names ``py.warnings``, so the logger and its filter stay.
- Rasa's structlog events keep their event name (and `event_info`, a fixed sentence); every
  other key is dropped and listed under ``withheld``. Not at DEBUG: LOG_LEVEL=DEBUG is a
  developer's explicit choice, and there Rasa's processor logs each message's text anyway
  (`processor.message.parse`). The processor is put first in the chain Rasa configured, in
  place, so loggers Rasa already used (structlog caches them) get it too; this relies on
  structlog 23.3 keeping that list, and must run after Rasa configures structlog.

Where it is installed, and why not on `import helpline`: `rasa train` imports our NLU
components (helpline.nlu), and there warnings are about the training data ("The utterance
'utter_x' is not used in any story or rule") and their text is what a developer needs.
So each process we run installs it at its entry point:

- the Rasa server: when it imports our channels (bot/channels/__init__.py) from
  credentials.yml, in `serve_application`, after `rasa.__main__` has configured logging,
  warnings and structlog and before the server takes a message;
- the action server: bot/actions/__init__.py (`python -m bot.action_server`);
- the web chat and the console: their `main()`.

Not in `rasa shell` (`make chat`): its terminal channel is Rasa's, and it writes to the
developer's own terminal.

tests/test_logs_no_text.py sends "/" texts, danger and ordinary texts on every channel and
through Rasa's HTTP API, and finds none of them in any log file, before and after erasure.
Without install() its API texts left 9 lines with text; with it the same texts leave 5
"UserWarning at ... (text withheld)" lines and 4 `message.parsing.failed` events. Each
distinct text still makes one such line (Rasa's "once" filter keys on the text).
PYTHONWARNINGS=ignore (helpline.run) never stopped these: Rasa's filter comes first.

Other sources, checked: Sanic's access log is at ERROR in the Rasa server (Rasa sets
LOG_LEVEL_LIBRARIES, default ERROR) and off in the web chat and console; message text travels
in request bodies, never in URLs; Rasa's processor logs text only at DEBUG; Python
tracebacks show no local values (no request bodies). Left as is: Rasa's HTTP API logs its
own error answers at ERROR, which can quote a request field (a wrong "sender" on
/conversations/<id>/messages: a request our code never sends), and Sanic logs the URL of a
request that fails with an unhandled error (the REST outbox's URL holds the raw sender id;
its handler catches its own errors).
"""
from __future__ import annotations

import logging
import re
from typing import Any

import structlog

# `warnings.formatwarning`'s "path:line: Category: text", maybe in Rasa's colour codes.
_FORMATTED = re.compile(r"(?:\x1b\[[0-9;]*m)*(?P<where>.+?:\d+): (?P<category>\w+): ")
# structlog keys that never hold data: Rasa's event names and its fixed explanations.
_KEPT_KEYS = frozenset({"event", "event_info", "exc_info"})


class WithholdWarningText(logging.Filter):
    """Rewrites a ``py.warnings`` record to the warning's category and location."""

    def filter(self, record: logging.LogRecord) -> bool:
        match = _FORMATTED.match(record.getMessage())
        record.msg = (f"{match['category']} at {match['where']} (text withheld)" if match
                      else "A Python warning (text withheld)")
        record.args = ()
        return True


_WITHHOLD = WithholdWarningText()


def withhold_event_data(_logger: Any, method_name: str, event_dict: dict[str, Any]
                        ) -> dict[str, Any]:
    """structlog processor: above DEBUG, keep only the event's name."""
    if method_name == "debug":
        return event_dict
    withheld = sorted(key for key in event_dict if key not in _KEPT_KEYS)
    kept = {key: value for key, value in event_dict.items() if key in _KEPT_KEYS}
    return {**kept, "withheld": withheld} if withheld else kept


def install() -> None:
    """Route warnings through logging without their text, and withhold structlog data.

    Idempotent. Call it after anything that configures structlog (Rasa does, at start-up).
    """
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").addFilter(_WITHHOLD)  # a no-op when already there
    processors = structlog.get_config()["processors"]
    if withhold_event_data not in processors:
        processors.insert(0, withhold_event_data)
