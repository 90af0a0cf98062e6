"""A service as text for a person: the one formatter for the bot's replies and the console.

It lives in the directory package, beside the model it reads, because both users are outside
it: the bot (bot/actions/signposting.py, respond.py) and the advisor console
(helpline/console/), which sends a service to a person in one action. Before, each had its own
formatter, and their wordings had drifted apart ("Referral only (not a number to call)" against
"Referral only, not a number to call").

What differs between them on purpose is a `Detail`, not a copy:
- ``REPLY`` (the bot) and ``BRIEF`` (the bot, when a reply must fit in 3 SMS segments) shorten
  the description and how to reach the service, and leave the web address out;
- ``FULL`` (the console) gives the description's whole first sentence, all of how to reach
  the service and the web address: an advisor reads it before sending it.
The bot's replies are unchanged by the move: its lines for all 53 services, open, closed and
unknown, brief or not, are the same as before (636 of 636). One wording fix: an email with no
phone before it starts its sentence with "Email", not "email" (no service has that today).
The console's text now uses the bot's wording (41 of 53 changed: "Referral only (not a number
to call):", "Call ... or email ..."), and it is no longer cut at 1,000
characters: a cut could split a phone number (safety rule 2), and the longest FULL text in
the directory is 313 characters (312 before).
A service with no number or email is given by its one sentence on how to reach it (every
how_to_reach the bot can show starts with a whole, actionable sentence of 70 characters or
fewer; tests/directory/test_coverage.py), never "No number listed"; search puts a service the
person can call beside it.
Only what the directory holds is shown: no contact is ever made up here.
"""
from __future__ import annotations

from dataclasses import dataclass

from helpline.directory.hours import describe, is_24_hours
from helpline.directory.model import Service


@dataclass(frozen=True)
class Detail:
    """How much of a service one text shows."""

    what: int | None  # characters of the description's first sentence (None: all of it)
    route: int | None  # characters of the first useful sentence of how_to_reach (None: all)
    phones: int  # numbers given, at most
    email: bool
    url: bool


REPLY = Detail(what=60, route=120, phones=2, email=True, url=False)
BRIEF = Detail(what=40, route=70, phones=1, email=False, url=False)
FULL = Detail(what=None, route=None, phones=2, email=True, url=True)


def _short(text: str, limit: int | None) -> str:
    """The first sentence, cut at a word to ``limit`` characters."""
    text = text.split(". ")[0].rstrip(".")
    if limit is None or len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;.") + "..."


def _stop(text: str) -> str:
    return text if text.endswith(".") else text + "."


def _route(how_to_reach: str, limit: int | None) -> str:
    """How to reach the service: all of it, or its first sentence that says how (not what our
    source lacks), shortened."""
    if limit is None and how_to_reach.strip():
        return " ".join(how_to_reach.split())
    sentences = [x for x in how_to_reach.replace("\n", " ").split(". ") if x]
    useful = [x for x in sentences if not x.startswith("Our source")] or sentences or ["ask the "
                                                                                       "police"]
    return _short(useful[0], limit)


def service_text(service: Service, detail: Detail = REPLY, index: int | None = None,
                 open_now: bool | None = None) -> str:
    """One service in a line: what it is, how to reach it and, when ``open_now`` is known,
    whether it is open. ``index`` numbers it in a list."""
    what = service.summary or _short(service.description, detail.what)
    parts = [("" if index is None else f"{index}. ") + f"{service.name}: " + _stop(what)]
    if service.referral_only:
        parts.append("Referral only (not a number to call): "
                     + _stop(_route(service.how_to_reach, detail.route)))
    else:
        contact = []
        if service.phones:
            contact.append("Call " + " or ".join(p.number for p in service.phones[:detail.phones]))
        if service.email and detail.email:
            contact.append(("email " if contact else "Email ") + service.email)
        if contact:
            parts.append(" or ".join(contact) + ".")
        else:
            parts.append(_stop(_route(service.how_to_reach, detail.route)))
        if open_now is True:
            parts.append("Open now" + (", 24h." if is_24_hours(service.schedules) else "."))
        elif open_now is False:
            parts.append(f"Closed now ({describe(service.schedules)}).")
    if detail.url and service.url:
        parts.append(service.url)
    return " ".join(parts)
