"""Reading untrusted input: request-size limits, the one JSON body parser, and text cleaned for
Rasa (issue 12).

Request-size limits. Every body is refused with a 413 before it is parsed when it is larger
than the largest body its sender legitimately sends, with room to spare (`refuse_if_larger`,
which the JSON parser, the SMS form parser and the web chat call). The senders differ by 16
times, so there are three sizes, all here:

- `PAGE_BODY_BYTES`, 16 KB: our own pages. The web chat's box takes 4,000 characters
  (webchat_static/index.html, maxlength), at most 12,000 bytes once JSON.stringify has
  written them as UTF-8, plus the sender id; the console's longest field is a reply of 2,000
  characters (helpline.console.app MAX_REPLY). Larger bodies come from something else: the
  web chat refuses 100 KB, and a 16 KB padding field, with a 413
  (tests/safety/test_safety_rest_e2e.py, tests/fuzz_inputs.py).
- `SERVICE_BODY_BYTES`, 64 KB: the Twilio and Telegram webhooks. An SMS Body is at most 1,600
  characters, under 15 KB even form-encoded as %XX%XX%XX a character, beside about 20 other
  fields; a Telegram message is at most 4,096 characters (24 KB even if every one came as a
  \\uXXXX escape), and an update can also carry the message it replies to and their
  entities. The fuzz test's SMS of 70,000 characters gets a 413.
- `max_body_bytes()`, 256 KB by default (setting HELPLINE_MAX_BODY_BYTES): the REST channel,
  whose callers are other software with no limit of their own on a message's length. Long
  messages are answered, not refused: the danger check reads the whole text (a 1 MB message
  in 2.5 s, helpline.danger), while NLU's first component caps what the model sees
  (helpline.nlu.components.SafetyGate). A 100 KB message with the danger at its end gets the
  999 reply (tests/test_conversation_rest.py); 300 KB gets a 413.

A message the channels accept is therefore always read whole by the danger check: no path
cuts a body short, it is taken or refused.

JSON bodies. The REST and Telegram channels (through bot.channels.common) and the web chat
read request bodies with `parse_json_object`. It raises `BadInput` (a ValueError with an
HTTP status; the one "bad request" of every channel) for a body that is too large (413),
empty, not UTF-8 (a leading BOM is allowed, as json.loads allowed it; UTF-16 and UTF-32,
which json.loads also guessed, are not), not JSON, not an object, or nested deeper than
`MAX_DEPTH` (400). It lives here, not in bot/channels/common.py where the channels reach it,
because the web chat is a separate light process: importing bot.channels.common (Rasa) costs
it about 100 MB of memory and 0.8 s at start (measured: 42 -> 143 MB max RSS, 0.36 -> 1.18 s).

Depth: json.loads raises RecursionError, not ValueError, once arrays or objects nest about
1,000 deep (994 at the top of a Python process, less inside a server's stack); that was a
5xx on REST, Telegram and the web chat. A body nested just under that would still trip code
that walks it later, so anything deeper than `MAX_DEPTH` (20; a Telegram update is about 7
deep) is refused too.

Lone surrogates ("\\ud800"): JSON may escape any UTF-16 code unit, so valid JSON can carry
strings that are not valid Unicode. They can't be encoded as UTF-8, and crashed our keyed
hashes and Rasa (which hashes and debug-logs message text as UTF-8). The parser keeps them,
because the right answer depends on the field:

- text a person wrote: `clean_text` replaces each with U+FFFD. A JavaScript client that cuts
  a message between the two halves of an emoji sends exactly this, so refusing would lose a
  real message. bot.channels.common.converse cleans every channel's text before the safety
  screen and Rasa;
- ids: refused with a 400 (`has_lone_surrogate`). Ids come from software, not people, and
  replacing would merge different ids ("a\\ud800", "a\\udc00") into one conversation.

`json_dumps` writes JSON with "<", ">" and "&" escaped (as \\u003c ...), so that an id
echoed in a JSON answer (REST's recipient_id) is never markup, even to a browser that sniffs.
"""
from __future__ import annotations

import json
import re
from typing import Any, Optional

from helpline import settings

PAGE_BODY_BYTES = 16 * 1024
SERVICE_BODY_BYTES = 64 * 1024
MAX_DEPTH = 20
_SURROGATE = re.compile("[\ud800-\udfff]")
_HTML = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


class BadInput(ValueError):
    """Input we refuse with a 4xx (``status``) and a plain explanation (``message``)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def max_body_bytes() -> int:
    """The REST channel's limit (settings: HELPLINE_MAX_BODY_BYTES; see the docstring)."""
    return settings.get().max_body_bytes


def refuse_if_larger(size: Optional[int], limit: int) -> None:
    """BadInput (413) when a body of ``size`` bytes is over ``limit``."""
    if size is not None and size > limit:
        # Said to a person on the web chat too: danger in a message too long to read still
        # gets the emergency route.
        raise BadInput(f"The message is too long (over {limit // 1024} KB): please send a "
                       "shorter one. If you are in danger now, call 999.", 413)


def has_lone_surrogate(text: str) -> bool:
    return bool(_SURROGATE.search(text))


def clean_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (other text is unchanged)."""
    return _SURROGATE.sub("\ufffd", text)


def _too_deep(data: Any) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            if depth > MAX_DEPTH:
                return True
            stack.extend((item, depth + 1) for item in value)
    return False


def parse_json_object(body: Optional[bytes], max_bytes: int, hint: str = "") -> dict[str, Any]:
    """The JSON object in a request body, or BadInput; ``hint`` ends each explanation."""
    body = body or b""
    refuse_if_larger(len(body), max_bytes)
    if not body.strip():
        raise BadInput(f"The body is empty.{hint}")
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BadInput(f"The body is not UTF-8 text.{hint}") from None
    except (ValueError, RecursionError):
        raise BadInput(f"The body is not valid JSON.{hint}") from None
    if not isinstance(data, dict):
        raise BadInput(f"The body must be an object.{hint}")
    if _too_deep(data):
        raise BadInput(f"The body is nested too deeply.{hint}")
    return data


def json_dumps(value: Any) -> str:
    """JSON that can't be read as markup: "<", ">" and "&" are written as \\u escapes."""
    return json.dumps(value).translate(_HTML)
