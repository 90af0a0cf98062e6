"""Bad files give plain-English file:line problems and a non-zero exit, never a traceback."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from helpline.cli import main
from helpline.directory import hours
from helpline.directory.validate import is_uk_phone, load_directory
from tests.directory.conftest import problems_for

GOOD_SERVICE = """\
organizations:
  - id: test-org
    name: Test organisation
    description: For tests.
services:
  - id: test-service
    organization: test-org
    name: Test service
    description: A test.
    needs: [helpline]
    status: active
    phones:
      - number: "01782 205500"
        type: voice
    service_areas: [tamworth]
    source: 001_589c176e9c6d0884.txt
    last_reviewed: 2026-11-01
"""


def write(folder: Path, text: str, name: str = "extra.yml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def run_validate(folder: Path, capsys) -> tuple[int, str]:
    code = main(["directory", "validate", "--dir", str(folder)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out


def test_a_good_extra_file_passes(folder, capsys):
    write(folder, GOOD_SERVICE)
    code, out = run_validate(folder, capsys)
    assert code == 0 and "OK:" in out


@pytest.mark.parametrize("old,new,line,words", [
    ("    name: Test service\n", "", 6, "missing the required field 'name'"),
    ('"01782 205500"', '"01782 2055"', 13, "not a valid UK phone number"),
    ('"01782 205500"', '"call us"', 13, "not a valid UK phone number"),
    ("    status: active\n", "    status: active\n    email: help@nowhere\n", 12,
     "not a valid email address"),
    ("[tamworth]", "[tamwerth]", 15, "area 'tamwerth' is not in areas.yml (did you mean "
     "'tamworth'?)"),
    ("[helpline]", "[helpine]", 10, "need 'helpine' is not in needs.yml"),
    ("    status: active\n", "    status: open\n", 11, "status 'open' should be one of"),
    ("    status: active\n", "    status: active\n    referral_only: maybe\n", 12,
     "referral_only should be true or false"),
    ("    phones:\n", "    phone:\n", 12, "unknown field 'phone' (did you mean 'phones'?)"),
    ("last_reviewed: 2026-11-01", "last_reviewed: last week", 17,
     "last_reviewed should be a date"),
    ("    status: active\n", "    status: active\n    eligibility:\n      min_age: sixteen\n", 13,
     "min_age should be a whole number"),
])
def test_bad_fields_are_reported_with_file_and_line(folder, capsys, old, new, line, words):
    assert old in GOOD_SERVICE
    path = write(folder, GOOD_SERVICE.replace(old, new))
    code, out = run_validate(folder, capsys)
    assert code == 1
    assert f"{path}:{line}: " in out and words in out, out


@pytest.mark.parametrize("schedule,words", [
    ('freq: WEEKLY\n        byday: MO,TU\n        opens_at: "9am"\n        closes_at: "17:00"',
     'opens_at "9am" should be a time on the 24-hour clock like "09:00" or "17:30" ("24:00" '
     'is midnight at the end of the day) (did you mean "09:00"?)'),
    ('freq: WEEKLY\n        byday: MON\n        opens_at: "09:00"\n        closes_at: "17:00"',
     "byday should list days"),
    ('freq: DAILY\n        byday: MO\n        opens_at: "09:00"\n        closes_at: "17:00"',
     "freq 'DAILY' is not supported"),
    ('freq: WEEKLY\n        byday: MO\n        opens_at: "09:00"\n        closes_at: "09:00"',
     "empty opening time"),
    ('freq: WEEKLY\n        byday: MO\n        opens_at: "24:00"\n        closes_at: "24:00"',
     "empty opening time"),
])
def test_invalid_schedules_are_errors(folder, capsys, schedule, words):
    path = write(folder, with_schedules(schedule))
    code, out = run_validate(folder, capsys)
    assert code == 1 and str(path) in out and words in out, out


def with_schedules(*schedules: str) -> str:
    blocks = "".join(f"      - {schedule}\n" for schedule in schedules)
    return GOOD_SERVICE.replace("    service_areas:", f"    schedules:\n{blocks}    service_areas:")


def test_closing_before_opening_is_an_error_that_says_how_to_fix_it(folder, capsys):
    path = write(folder, with_schedules(
        'freq: WEEKLY\n        byday: MO,TU\n        opens_at: "17:00"\n        closes_at: "09:00"'))
    code, out = run_validate(folder, capsys)
    assert code == 1
    assert (f"{path}:19: opening time 17:00-09:00: it closes at 09:00, before it opens at 17:00. "
            "Hours end on the day they start: for hours past midnight, write two blocks, one "
            "until 24:00 and one from 00:00 the next day") in out, out


def test_all_day_and_past_midnight_as_two_blocks_are_valid(folder):
    write(folder, with_schedules(
        'byday: MO,TU,WE,TH,FR,SA,SU\n        opens_at: "00:00"\n        closes_at: "24:00"'))
    write(folder, with_schedules(
        'byday: FR\n        opens_at: "18:00"\n        closes_at: "24:00"',
        'byday: SA\n        opens_at: "00:00"\n        closes_at: "02:00"',
    ).replace("test-service", "night-service").replace("test-org", "night-org"), "night.yml")
    result = load_directory(folder)
    assert result.directory is not None, [str(p) for p in result.errors]
    services = result.directory.services
    assert hours.is_24_hours(services["test-service"].schedules)
    night = services["night-service"].schedules
    assert hours.is_open(night, datetime(2026, 5, 8, 23, 30, tzinfo=hours.LONDON))  # Friday
    assert hours.is_open(night, datetime(2026, 5, 9, 1, 30, tzinfo=hours.LONDON))
    assert not hours.is_open(night, datetime(2026, 5, 9, 2, 0, tzinfo=hours.LONDON))


@pytest.mark.parametrize("number", ["116 123", "0808 2000 247", "0800 1111", "999", "111", "101",
                                    "+44 1782 205500", "0161 123 4567"])
def test_uk_numbers_and_short_codes_are_accepted(number):
    assert is_uk_phone(number)


@pytest.mark.parametrize("number", [
    "55",  # the Silent Solution's key presses, not a number to call
    "0808 2000 24",  # a digit short: the old digit-count check let 10 digits through
    "07700 900123",  # Ofcom's range for drama, never a real line
    "+1 212 555 0100", "+44 999", "01782 2055", "0808-2000-247", "0800 CALL NOW",
])
def test_numbers_that_are_not_uk_numbers_are_refused(number):
    assert not is_uk_phone(number)


def test_duplicate_id_names_both_places(folder, capsys):
    path = write(folder, GOOD_SERVICE.replace("test-service", "pathway-project-helpline"),
                 "zz-extra.yml")
    code, out = run_validate(folder, capsys)
    assert code == 1
    assert f"{path}:6: duplicate service id 'pathway-project-helpline'" in out
    assert "staffordshire.yml:" in out


def test_broken_yaml_gives_the_line(folder, capsys):
    path = write(folder, GOOD_SERVICE.replace("    name: Test service\n",
                                              "    name: Test service\n   bad: [unclosed\n"))
    code, out = run_validate(folder, capsys)
    assert code == 1 and f"{path}:" in out and "cannot read this line" in out, out


def test_tab_indentation_is_reported(folder, capsys):
    path = write(folder, GOOD_SERVICE.replace("    name: Test service", "\tname: Test service"))
    code, out = run_validate(folder, capsys)
    assert code == 1 and f"{path}:" in out


def test_duplicate_key_is_reported(folder, capsys):
    path = write(folder, GOOD_SERVICE.replace("    status: active\n",
                                              "    status: active\n    status: inactive\n"))
    code, out = run_validate(folder, capsys)
    assert code == 1 and f"{path}:12: 'status' appears twice" in out, out


@pytest.mark.parametrize("text,words", [
    ("", "the file is empty"),
    ("# only a comment\n", "the file is empty"),
    ("- just\n- a list\n", "should start with named sections"),
    ("services: 42\n", "'services' should be a list"),
    ("services:\n  - just text\n", "each entry in 'services'"),
    ("\x00\xff binary", "cannot"),
])
def test_wrong_shapes_and_empty_files(folder, capsys, text, words):
    path = write(folder, text)
    code, out = run_validate(folder, capsys)
    assert code == 1 and str(path) in out and words in out, out


def test_stale_review_is_a_warning_not_an_error(folder):
    problems = problems_for(folder, today=date(2028, 1, 1))
    assert problems and all(": warning: " in p for p in problems)
    assert any("more than 12 months ago" in p for p in problems)


def test_missing_areas_file(folder, capsys):
    (folder / "areas.yml").unlink()
    code, out = run_validate(folder, capsys)
    assert code == 1 and "areas.yml: this file is missing: put it back" in out


@pytest.mark.parametrize("text,line,words", [
    ("services:\n  - &entry\n    id: a\n    again: *entry\n", 2,
     "an alias (*name) refers to the entry it is inside"),
    ("services:\n  - id: a\n    ? [x, y]\n    : z\n", 3, "a field name must be plain text"),
    ("services:\n  - id: a\n    status: !custom x\n", 3, "cannot read this line"),
])
def test_odd_yaml_is_a_file_line_problem(folder, capsys, text, line, words):
    path = write(folder, text)
    code, out = run_validate(folder, capsys)
    assert code == 1 and f"{path}:{line}: {words}" in out, out


def test_values_keep_their_lines_and_types(tmp_path):
    from helpline.directory.yamlio import LineDict, LineList, load_yaml

    path = tmp_path / "x.yml"
    path.write_text("a: 1\nb:\n  - on: yes\n    d: 2025-03-31\n  - '09:00'\nbase: &b {k: v}\n"
                    "c:\n  <<: *b\n  n: ~\n")
    data = load_yaml(path)
    assert isinstance(data, LineDict) and data == {
        "a": 1, "b": [{True: True, "d": date(2025, 3, 31)}, "09:00"], "base": {"k": "v"},
        "c": {"k": "v", "n": None}}
    assert [data.line_of(k) for k in ("a", "b", "c")] == [1, 2, 7]
    assert isinstance(data["b"], LineList) and data["b"].lines == [3, 5]
    assert data["b"][0].line == 3 and data["b"][0].line_of("d") == 4
