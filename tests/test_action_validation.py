"""Action server responses are still checked against Rasa's schema, with Rasa's error."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from helpline import action_validation


def test_valid_responses_pass_and_invalid_ones_get_rasas_error() -> None:
    action_validation.install()
    action = RemoteAction("action_signpost", EndpointConfig("http://127.0.0.1:9/webhook"))
    assert action._validate_action_result({
        "events": [{"event": "slot", "name": "place", "value": "Tamworth"}],
        "responses": [{"text": "Call 999 if you are in danger."}],
    })
    for bad in ({"events": "not a list"}, {"events": [{"no_event_key": 1}]},
                {"events": [{"event": "slot", "name": 5}]}, ["not", "an", "object"]):
        with pytest.raises(ValidationError, match="Failed to validate Action server"):
            action._validate_action_result(bad)
