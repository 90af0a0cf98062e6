"""Replays of a captured Twilio webhook that keep its X-Twilio-Signature valid.

Twilio signs the URL followed by every name+value pair, names sorted, all concatenated
(twilio.request_validator.RequestValidator.compute_signature). Any other parameter set with
the same concatenation has the same signature. `shifted_replays` makes such sets by moving
text between names and values, three ways:

- merge: a parameter swallows the next one, ``MessageSid=<sid>NumMedia0`` with NumMedia gone;
- split: a value gives its tail to a new parameter, ``Body=call `` plus ``Carol=`` (valid
  when the new name sorts between its neighbours);
- boundary: a name takes the start of its value or gives its end to it,
  ``MessageSid`` = x becomes ``MessageSidS`` = ...

Only sets whose concatenation equals the original's are kept, so each is a valid signature.
Used by tests/channels/test_sms_replay.py; reusable for a figures script.
"""
from __future__ import annotations

Params = dict[str, str]


def concatenation(params: Params) -> str:
    """What Twilio signs after the URL (single-valued parameters)."""
    return "".join(name + params[name] for name in sorted(params))


def _candidates(params: Params) -> list[Params]:
    names = sorted(params)
    found: list[Params] = []
    for index, name in enumerate(names):
        value = params[name]
        rest = {n: params[n] for n in names if n != name}
        if index + 1 < len(names):  # merge the next parameter into this value
            following = names[index + 1]
            merged = {n: v for n, v in rest.items() if n != following}
            found.append({**merged, name: value + following + params[following]})
        for cut in range(len(value)):  # split: value[:cut] stays, the tail makes a parameter
            tail = value[cut:]
            for width in range(1, len(tail) + 1):
                found.append({**rest, name: value[:cut], tail[:width]: tail[width:]})
        for cut in range(1, len(value) + 1):  # the name takes the start of its value
            found.append({**rest, name + value[:cut]: value[cut:]})
        for cut in range(1, len(name)):  # the name gives its end to its value
            found.append({**rest, name[:cut]: name[cut:] + value})
    return found


def shifted_replays(params: Params) -> list[Params]:
    """Every distinct parameter set the three shifts make with the same signature as
    `params` (the original itself excluded)."""
    target = concatenation(params)
    replays: list[Params] = []
    seen = {tuple(sorted(params.items()))}
    for candidate in _candidates(params):
        key = tuple(sorted(candidate.items()))
        if "" in candidate or key in seen or concatenation(candidate) != target:
            continue
        seen.add(key)
        replays.append(candidate)
    return replays
