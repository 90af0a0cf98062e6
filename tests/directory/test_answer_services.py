"""The check refuses a directory that lost a national service the assistant's answers name by id
(issue 14): renamed or deleted in national.yml, or left without a number."""
from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest

from helpline.cli import main
from helpline.directory.validate import answer_services, load_directory
from tests.directory.conftest import DIRECTORY

NEEDED = sorted(answer_services())


def check(folder: Path, capsys) -> tuple[int, str]:
    code = main(["directory", "validate", str(folder)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out


def missing(folder: Path, service_id: str) -> str:
    return (f"{folder / 'national.yml'}: the assistant's answers need a service with id "
            f"{service_id} and a phone number, for the sentence \"")


def entry_of(text: str, service_id: str) -> str:
    """One service's entry in national.yml, from its '- id:' line to the next entry."""
    services = text.index("\nservices:\n")
    match = re.compile(rf"^  - id: {service_id}\n.*?(?=^  - id: |\Z)", re.M | re.S).search(
        text, services)
    assert match, service_id
    return match[0]


def test_the_list_is_the_one_the_bot_uses():
    from bot.actions import respond
    from helpline.answers import PARTS
    from helpline.directory.search import FALLBACK_ID

    assert respond.PARTS is PARTS
    used = {name for text in PARTS.values() for _, name, _, _ in Formatter().parse(text)
            if name}
    assert set(NEEDED) == used and FALLBACK_ID in used
    assert answer_services()["galop-helpline"] == \
        "Galop, the National LGBT+ Domestic Abuse Helpline: [its number]."


def test_the_real_files_pass():
    result = load_directory(DIRECTORY)
    assert result.directory is not None, [str(p) for p in result.errors]
    assert not [p for p in result.problems if "assistant's answers" in p.message]


@pytest.mark.parametrize("service_id", NEEDED)
def test_deleting_a_service_the_answers_name_is_refused(folder, capsys, service_id):
    national = folder / "national.yml"
    text = national.read_text()
    national.write_text(text.replace(entry_of(text, service_id), ""))
    code, out = check(folder, capsys)
    assert code == 1
    assert missing(folder, service_id) in out, out
    assert "it is missing (renamed or deleted?). Put the entry back with " \
        f"'id: {service_id}'" in out


def test_renaming_one_is_refused(folder, capsys):
    national = folder / "national.yml"
    national.write_text(national.read_text().replace("  - id: galop-helpline\n",
                                                     "  - id: galop-lgbt-helpline\n"))
    code, out = check(folder, capsys)
    assert code == 1
    assert (missing(folder, "galop-helpline") + "Galop, the National LGBT+ Domestic Abuse "
            "Helpline: [its number].\"; it is missing (renamed or deleted?).") in out, out
    assert "Not OK: 1 problem to fix" in out


def test_one_without_a_number_is_refused_at_its_line(folder, capsys):
    national = folder / "national.yml"
    text = national.read_text()
    entry = entry_of(text, "childline")
    phones = '    phones:\n      - number: "0800 1111"\n        type: voice\n'
    assert phones in entry
    national.write_text(text.replace(entry, entry.replace(phones, "    url: "
                                                          "https://www.childline.org.uk\n")))
    line = text[:text.index(entry)].count("\n") + 1
    code, out = check(folder, capsys)
    assert code == 1
    assert (f"{national}:{line}: the assistant's answers need a service with id childline and "
            "a phone number, for the sentence \"Childline is there for them, free: [its "
            "number].\"; this entry has no phone number.") in out, out


def test_one_not_active_is_a_warning(folder, capsys):
    national = folder / "national.yml"
    text = national.read_text()
    entry = entry_of(text, "karma-nirvana-helpline")
    national.write_text(text.replace(entry, entry.replace("status: active",
                                                          "status: temporarily closed")))
    code, out = check(folder, capsys)
    assert code == 0, out
    assert "warning: karma-nirvana-helpline is temporarily closed, but the assistant's answers " \
        "still give its number" in out, out
