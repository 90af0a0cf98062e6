"""How the Rasa server calls the action server: a bounded wait, and a cheaper check.

The wait: Rasa 3.6 waits up to 5 minutes for the action server, holding the conversation
meanwhile. `install()` makes it give up after HELPLINE_ACTION_TIMEOUT seconds (default 10);
the turn then goes on without the action's messages, and the channels answer with the
emergency route and the helpline (bot.channels.common.NO_REPLY).

The check: Rasa 3.6 checks every response from the action server with `jsonschema.validate`, which
first re-checks Rasa's response schema against the JSON Schema 2020-12 meta-schema. With
jsonschema 4.17 that costs about 19 ms per custom action call on this machine, against
0.3 ms for the check itself: about a tenth of the Rasa server's CPU time under load.

`install()` also replaces `RemoteAction._validate_action_result` with a check by a validator
built once from the same schema. A response that fails is handed to Rasa's own method, so
invalid responses are refused exactly as before, with Rasa's error message.

The request: every action call sends the whole conversation, and the standard library's
`json.dumps` of it was 7% of the Rasa server's time under `make bench` (py-spy,
2026-11-30). The endpoint's HTTP session writes it with ujson (a Rasa dependency) instead:
the same JSON values, several times faster.

The connection: Rasa opens a new HTTP session, and so a new TCP connection, for every call and
closes it after. The endpoint keeps one session per event loop instead, whose connections
stay open for KEEPALIVE seconds of idleness: less than the action server's own 5 s (Sanic's
KEEP_ALIVE_TIMEOUT), so this side always closes an idle connection first and never sends on
one the server is closing. An action server that restarts closes its connections, which the
pool then drops (tests/test_action_calls.py). Measured under the benchmark's load (three runs
each, per-thread CPU from /proc, 2026-12-01): the Rasa server's main thread went from
25.5-27.0 to 18.5-20.0 ms of CPU per turn and throughput from 29.8-34.7 to 43.7-45.2 turns/s;
the action server's CPU per turn roughly halved too (3.3-3.5 -> 2.3 ms after warm-up).
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, Text

import aiohttp
import rasa.core.actions.action
import rasa.utils.endpoints
import ujson
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from helpline import settings

_original = RemoteAction._validate_action_result


def _compiled_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


_VALIDATOR = _compiled_validator()


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    if _VALIDATOR.is_valid(result):
        return True
    return _original(self, result)  # raises Rasa's ValidationError


KEEPALIVE = 2.0  # seconds an idle connection to the action server is kept (module docstring)


class _Kept:
    """`async with` over a session that stays open when the block ends."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc: Any) -> None:
        return None


def _session(self: EndpointConfig) -> _Kept:
    """Rasa's `EndpointConfig.session`: one kept session per endpoint and event loop, with
    JSON written by ujson."""
    loop = asyncio.get_running_loop()
    kept = self.__dict__.get("_helpline_session")
    if kept is None or kept[0] is not loop or kept[1].closed:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) \
            if self.basic_auth else None
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE),
            headers=self.headers, auth=auth, json_serialize=ujson.dumps,
            timeout=aiohttp.ClientTimeout(total=rasa.utils.endpoints.DEFAULT_REQUEST_TIMEOUT))
        kept = self._helpline_session = (loop, session, _Kept(session))
    return kept[2]


def install() -> None:
    """Bound the wait, use the compiled validator and write requests with ujson in this
    process (idempotent)."""
    rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT = settings.get().action_timeout
    RemoteAction._validate_action_result = _validate_action_result
    EndpointConfig.session = _session
