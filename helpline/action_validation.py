"""Check action server responses with a validator built once, not once per call.

Rasa 3.6 checks every response from the action server with `jsonschema.validate`, which
first re-checks Rasa's response schema against the JSON Schema 2020-12 meta-schema. With
jsonschema 4.17 that costs about 19 ms per custom action call on this machine, against
0.3 ms for the check itself: about a tenth of the Rasa server's CPU time under load.

`install()` replaces `RemoteAction._validate_action_result` with a check by a validator
built once from the same schema. A response that fails is handed to Rasa's own method, so
invalid responses are refused exactly as before, with Rasa's error message.
"""
from __future__ import annotations

from typing import Any, Dict, Text

from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

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


def install() -> None:
    """Use the compiled validator in this process (safe to call more than once)."""
    RemoteAction._validate_action_result = _validate_action_result
