"""Each mistake partnership officers made (issue 14) gets a message saying what is wrong, where,
and how to fix it; nothing vanishes from the directory by accident; the bot keeps serving."""
from __future__ import annotations

import logging
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from helpline.cli import main
from helpline.directory.live import LiveDirectory
from helpline.directory.model import Schedule
from helpline.directory.validate import load_directory
from tests.directory.conftest import DIRECTORY, SEEDS, bump
from tests.directory.test_validate import GOOD_SERVICE, with_schedules, write

SAVE_AS = ("Save it as UTF-8: in Notepad, File > Save As, set Encoding to UTF-8 and press Save; "
           "in Word, File > Save As, choose 'Plain Text (*.txt)', press Save, then choose "
           "'Other encoding: Unicode (UTF-8)'")


def check(folder: Path, capsys, *paths: str) -> tuple[int, str]:
    code = main(["directory", "validate", *(paths or [str(folder)])])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out


def error_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if ".yml:" in line]


# --------------------------------------------------------------------------- messages
def test_a_town_in_service_areas_names_its_area_and_the_id_to_write(folder, capsys):
    path = write(folder, GOOD_SERVICE.replace("[tamworth]", "[Birkenhead]"))
    code, out = check(folder, capsys)
    assert code == 1
    assert (f"{path}:15: 'Birkenhead' is a place in Wirral, not an area: service_areas lists "
            "whole council areas, so write wirral. The areas are: staffordshire-moorlands,") in out
    assert "is not in areas.yml" not in out
    assert "the regions (every area in them): staffordshire-and-stoke" in out


@pytest.mark.parametrize("written,words", [
    ("Staffordshire Moorlands", "'Staffordshire Moorlands' is the name of an area: "
                                "service_areas uses its id, write staffordshire-moorlands."),
    ("CH41", "'CH41' is a postcode district in Wirral, not an area"),
    ("tamwerth", "area 'tamwerth' is not in areas.yml (did you mean 'tamworth'?). The areas "
                 "are:"),
])
def test_other_wrong_service_areas(folder, capsys, written, words):
    write(folder, GOOD_SERVICE.replace("[tamworth]", f"[{written}]"))
    code, out = check(folder, capsys)
    assert code == 1 and words in out, out


def test_a_place_listed_both_as_ours_and_as_elsewhere_is_refused(folder, capsys):
    areas = folder / "areas.yml"
    areas.write_text(areas.read_text().replace("places_elsewhere: [Wythenshawe,",
                                               "places_elsewhere: [Wythenshawe, Sale,"))
    code, out = check(folder, capsys)
    assert code == 1
    assert "'Sale' is under places_elsewhere and is also a place in Trafford: keep it in one " \
           "list" in out


def test_a_malformed_phone_is_one_error_not_two(folder, capsys):
    path = write(folder, GOOD_SERVICE.replace('"01782 205500"', '"01782 2055"'))
    code, out = check(folder, capsys)
    assert code == 1
    assert error_lines(out) == [f"{path}:13: '01782 2055' is not a valid UK phone number"]
    assert "give a phone, email or url" not in out


def test_no_contact_at_all_still_asks_for_one(folder, capsys):
    text = GOOD_SERVICE.replace('    phones:\n      - number: "01782 205500"\n        type: voice\n',
                                "")
    write(folder, text)
    code, out = check(folder, capsys)
    assert code == 1 and "give a phone, email or url from the source" in out


def test_a_missing_colon_is_reported_at_its_own_line(folder, capsys):
    path = write(folder, GOOD_SERVICE.replace("    name: Test service", "    name Test service"))
    code, out = check(folder, capsys)
    assert code == 1
    assert (f"{path}:8: cannot read this line: this line needs a ':' after the field name, "
            "like 'name: Pathway Project'") in out, out


@pytest.mark.parametrize("old,new,line,words", [
    ("[helpline]", "[helpline", 10, "a list in [ ] that starts on this line is not closed"),
    ("    name: Test service", '    name: "Test service', 8, "a quote that opens on this line "
                                                            "is not closed"),
    ("    name: Test service", "\tname: Test service", 8, "it is indented with a tab"),
])
def test_other_layout_mistakes_point_at_the_line_to_fix(folder, capsys, old, new, line, words):
    path = write(folder, GOOD_SERVICE.replace(old, new))
    code, out = check(folder, capsys)
    assert code == 1 and f"{path}:{line}: cannot read this line: {words}" in out, out


def test_a_character_that_is_not_utf8_gives_its_line_and_how_to_save(folder, capsys):
    path = folder / "extra.yml"
    path.write_bytes(GOOD_SERVICE.replace("A test.", "Caf\xe9 drop-in.").encode("latin-1"))
    code, out = check(folder, capsys)
    assert code == 1
    assert f"{path}:9: this line has a character that is not UTF-8 (byte 0xE9" in out, out
    assert SAVE_AS in out


def test_a_utf16_file_says_how_to_save_as_utf8(folder, capsys):
    path = folder / "extra.yml"
    path.write_bytes(GOOD_SERVICE.encode("utf-16"))
    code, out = check(folder, capsys)
    assert code == 1 and f"{path}:1: the file is saved as 'Unicode' (UTF-16)" in out
    assert SAVE_AS in out


def test_a_utf8_file_with_a_byte_order_mark_is_fine(folder, capsys):
    (folder / "extra.yml").write_bytes(GOOD_SERVICE.replace("A test.", "Café.")
                                       .encode("utf-8-sig"))
    code, out = check(folder, capsys)
    assert code == 0, out


def test_an_unknown_need_lists_the_allowed_ones(folder, capsys):
    path = write(folder, GOOD_SERVICE.replace("[helpline]", "[refugee, helpline]"))
    code, out = check(folder, capsys)
    assert code == 1
    assert (f"{path}:10: need 'refugee' is not in needs.yml (did you mean 'refuge'?). The needs "
            "are: helpline, refuge, idva,") in out, out


def test_the_end_of_a_failed_check_says_plainly_what_happened(folder, capsys):
    write(folder, GOOD_SERVICE.replace("[helpline]", "[helpine]").replace("[tamworth]", "[x]"))
    code, out = check(folder, capsys)
    assert code == 1
    assert "nothing was changed" not in out and "error(s)" not in out
    assert out.splitlines()[-1] == (
        "Not OK: 2 problems to fix, listed above with the file and line of each. Fix them, "
        "save, and run the check again. The running helpline never uses files with problems: "
        "it keeps the last version that passed this check.")


def test_every_problem_of_an_entry_is_reported_in_the_first_run(folder, capsys):
    text = with_schedules('byday: MO\n        opens_at: "9am"\n        closes_at: "5pm"')
    text = text.replace("    name: Test service\n", "").replace('"01782 205500"', '"0178"')
    path = write(folder, text)
    code, out = check(folder, capsys)
    assert code == 1
    assert f"{path}:6: this service is missing the required field 'name'" in out
    assert f"{path}:12: '0178' is not a valid UK phone number" in out
    assert f'{path}:16: opens_at "9am" should be a time' in out
    assert (f'{path}:17: closes_at "5pm" should be a time on the 24-hour clock like "09:00" or '
            '"17:30" ("24:00" is midnight at the end of the day) (did you mean "17:00"?)') in out


@pytest.mark.parametrize("opens,closes", [("09:00", "17:00"), ('"09:00"', '"17:00"'),
                                          ("'09:00'", "17:00")])
def test_times_read_the_same_quoted_or_not(folder, opens, closes):
    write(folder, with_schedules(f"byday: MO\n        opens_at: {opens}\n        "
                                 f"closes_at: {closes}"))
    result = load_directory(folder)
    assert result.directory is not None, [str(p) for p in result.errors]
    assert result.directory.services["test-service"].schedules == (
        Schedule(("MO",), "09:00", "17:00"),)


def test_hours_past_midnight_are_refused_with_how_to_write_them(folder, capsys):
    path = write(folder, with_schedules("byday: FR\n        opens_at: 17:00\n        "
                                        "closes_at: 09:00"))
    code, out = check(folder, capsys)
    assert code == 1
    assert (f"{path}:18: opening time 17:00-09:00: it closes at 09:00, before it opens at 17:00. "
            "Hours end on the day they start: for hours past midnight, write two blocks") in out


# ------------------------------------------------------------------------------ sources
def test_a_made_up_source_is_refused(folder, capsys):
    path = write(folder, GOOD_SERVICE.replace("001_589c176e9c6d0884.txt", "009_made_up.txt"))
    code, out = check(folder, capsys)
    assert code == 1
    assert (f"{path}:16: source '009_made_up.txt' is not a document listed in sources.yml: name "
            "one exactly (add a new document to sources.yml first, with its file name and "
            "title), or write 'national list' for the agreed national contacts. The documents "
            "listed are: 000_b1c095dbbd28b302.txt, 001_589c176e9c6d0884.txt") in out, out


def test_national_list_misspelt_gets_a_did_you_mean(folder, capsys):
    write(folder, GOOD_SERVICE.replace("001_589c176e9c6d0884.txt", "National List"))
    code, out = check(folder, capsys)
    assert code == 1 and "source 'National List' is not a document listed in sources.yml " \
        "(did you mean 'national list'?)" in out, out


def test_a_new_document_listed_in_sources_can_be_named(folder, capsys):
    listing = folder / "sources.yml"
    listing.write_text(listing.read_text() + "  - file: pathway-closure-2026.txt\n"
                       "    title: Email from the Pathway Project about its office move\n")
    write(folder, GOOD_SERVICE.replace("source: 001_589c176e9c6d0884.txt",
                                       "source: [001_589c176e9c6d0884.txt, "
                                       "pathway-closure-2026.txt]"))
    code, out = check(folder, capsys)
    assert code == 0, out


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seed reports are not on this machine")
def test_sources_lists_every_council_report():
    listed = (DIRECTORY / "sources.yml").read_text()
    for seed in SEEDS.glob("*.txt"):
        assert f"file: {seed.name}" in listed, seed.name


# ------------------------------------------------------------------- nothing vanishes
def test_a_deleted_area_file_is_refused(folder, capsys):
    (folder / "halton.yml").unlink()
    code, out = check(folder, capsys)
    assert code == 1
    assert (f"{folder / 'areas.yml'}:103: Halton has no services: no entry in any file lists "
            "halton (or its region cheshire) in service_areas. If a services file was deleted "
            "or renamed, put it back (its name must end in .yml). If the helpline no longer "
            "lists services for Halton, retire the area on purpose: add the line 'retired: "
            f"{date.today().isoformat()}' to its entry here, under 'name: Halton'.") in out, out


def test_a_deleted_file_whose_area_a_region_still_covers_is_refused(folder, capsys):
    """Wirral keeps the Merseyside SARC (halton.yml); its report is then named by no entry."""
    (folder / "wirral.yml").unlink()
    code, out = check(folder, capsys)
    assert code == 1
    assert (f"{folder / 'sources.yml'}:13: no entry names the document "
            "'003_1114a507d85f06fe.txt' in 'source:'. If a services file was deleted or "
            "renamed, put it back") in out, out


def test_a_file_renamed_by_an_editor_is_refused_by_name(folder, capsys):
    (folder / "wirral.yml").rename(folder / "wirral.yml.txt")
    code, out = check(folder, capsys)
    assert code == 1
    assert (f"{folder / 'wirral.yml.txt'}: this file is not read, because its name does not "
            "end in .yml: if it holds services, rename it to wirral.yml (Notepad may have "
            "added .txt)") in out, out


def test_an_upper_case_suffix_is_still_read(folder, capsys):
    (folder / "wirral.yml").rename(folder / "Wirral.YML")
    code, out = check(folder, capsys)
    assert code == 0, out


def test_deleting_the_national_file_is_refused(folder, capsys):
    (folder / "national.yml").unlink()
    code, out = check(folder, capsys)
    assert code == 1
    assert "there is no active national service with a phone number" in out


def test_the_list_of_sources_must_be_there(folder, capsys):
    (folder / "sources.yml").unlink()
    code, out = check(folder, capsys)
    assert code == 1 and f"{folder / 'sources.yml'}: sources.yml is missing" in out


def test_an_area_retired_on_purpose_may_have_no_services(folder, capsys):
    (folder / "trafford.yml").unlink()
    listing = folder / "sources.yml"
    listing.write_text(listing.read_text().replace("  - file: 000_b1c095dbbd28b302.txt\n", "")
                       .replace("    title: Trafford Partnership", "    # Trafford Partnership"))
    areas = folder / "areas.yml"
    text = areas.read_text()
    assert "    name: Trafford\n" in text
    areas.write_text(text.replace("    name: Trafford\n",
                                  "    name: Trafford\n    retired: 2026-11-30\n"))
    code, out = check(folder, capsys)
    assert code == 0, out
    areas.write_text(text.replace("    name: Trafford\n", "    name: Trafford\n    retired: yes\n"))
    code, out = check(folder, capsys)
    assert code == 1 and "retired should be the date you stopped listing services for this " \
        "area, like 2026-12-01" in out, out


def test_one_unreadable_file_does_not_bring_follow_on_errors(folder, capsys):
    path = folder / "halton.yml"
    path.write_text(path.read_text().replace("services:", "services\n", 1))
    code, out = check(folder, capsys)
    assert code == 1
    assert len(error_lines(out)) == 1 and "halton.yml:" in error_lines(out)[0], out


# ---------------------------------------------------------------- the bot keeps serving
def test_a_deleted_file_does_not_take_services_from_the_running_bot(folder, caplog):
    live = LiveDirectory(folder, check_every=0)
    assert live.reload()
    before = live.current
    (folder / "wirral.yml").unlink()
    bump(folder / "areas.yml")
    with caplog.at_level(logging.ERROR):
        assert live.get() is before
    assert live.current is before
    assert "wirral-family-safety-unit" in live.current.directory.services
    assert "Directory update refused" in caplog.text and "003_1114a507d85f06fe.txt" in caplog.text


@pytest.mark.parametrize("mistake", [
    lambda f: (f / "halton.yml").unlink(),
    lambda f: (f / "extra.yml").write_text(GOOD_SERVICE.replace("[tamworth]", "[Birkenhead]")),
    lambda f: (f / "extra.yml").write_bytes(b"services:\n  - id: caf\xe9\n"),
])
def test_a_bad_edit_leaves_the_running_bot_on_the_last_good_version(folder, mistake):
    live = LiveDirectory(folder, check_every=0)
    assert live.reload()
    before = live.current
    mistake(folder)
    bump(folder / "areas.yml")
    assert live.get() is before and live.last_refusal


# --------------------------------------------------------------------- which folder
def test_from_another_folder_it_says_which_directory_it_checks(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["directory", "validate"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0].startswith("Directory files in ")
    assert (f"(the helpline's own directory: you named no folder, and {tmp_path} has no "
            "areas.yml. To use other files, name their folder") in out


def test_in_a_directory_folder_it_checks_that_folder(folder, monkeypatch, capsys):
    monkeypatch.chdir(folder)
    (folder / "halton.yml").unlink()
    code = main(["directory", "validate"])
    out = capsys.readouterr().out
    assert code == 1 and out.startswith("Directory files in this folder (the folder you are in)")
    assert "areas.yml:103: Halton has no services" in out


def test_a_file_named_checks_the_folder_it_is_in(folder, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write(folder, GOOD_SERVICE.replace("[helpline]", "[helpine]"))
    code, out = check(folder, capsys, "directory/extra.yml")
    assert code == 1 and "directory/extra.yml:10: need 'helpine'" in out, out
    code, out = check(folder, capsys, "directory/nothing.yml")
    assert code == 1 and out.startswith("There is no file or folder called 'directory/nothing.yml'")


def test_the_helpline_command_works_as_the_file_headers_write_it(folder, tmp_path):
    """`helpline directory validate`, the console script pip installs, from another folder."""
    script = Path(sys.executable).with_name("helpline")
    assert script.exists(), "run: .venv/bin/pip install --no-deps --no-build-isolation -e ."
    header = (folder / "wirral.yml").read_text().splitlines()[1]
    assert "helpline directory validate" in header
    (folder / "wirral.yml").unlink()
    done = subprocess.run([str(script), "directory", "validate", str(folder)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith(f"Directory files in {folder}\n")
    assert "no entry names the document '003_1114a507d85f06fe.txt'" in done.stdout
