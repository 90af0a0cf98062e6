"""The officers' tools (issue 14): preview, due and export --csv, on temporary copies."""
from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta

from bot.channels import sms_text
from helpline.cli import main
from helpline.directory.format import REPLY, service_text
from helpline.directory.hours import LONDON
from helpline.directory.live import build
from helpline.directory.officer import due_entries, preview
from helpline.directory.search import search
from helpline.directory.validate import load_directory
from tests.directory.test_validate import GOOD_SERVICE, write

MONDAY_NOON = datetime(2026, 12, 7, 12, 0, tzinfo=LONDON)


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(["directory", *argv])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out


def loaded_from(folder):
    result = load_directory(folder)
    assert result.directory is not None, [str(p) for p in result.errors]
    return build(result.directory)


# ---------------------------------------------------------------------------- preview
def test_preview_shows_the_text_the_bots_formatter_produces(folder):
    loaded = loaded_from(folder)
    shown = preview(loaded, "I'm in Leek and need help", MONDAY_NOON)
    hits = search(loaded.directory, "staffordshire-moorlands", "helpline", None, MONDAY_NOON).hits
    expected = ["Helpline for Leek (Staffordshire Moorlands):"]
    expected += [service_text(h.service, REPLY, i, h.open_now) for i, h in enumerate(hits, 1)]
    lines = shown.web_text().splitlines()
    assert lines[:len(expected)] == expected
    assert lines[-1] == "In danger now? Call 999."
    assert shown.understood == ["place: Leek, in Staffordshire Moorlands "
                                "(staffordshire-moorlands)",
                                "need: helpline (Helpline (talk to someone now))"]
    assert shown.sms == sms_text.shape_text(shown.web_text()) and shown.sms_rest == ""
    assert sms_text.is_gsm7(shown.sms) and shown.sms_segments <= sms_text.MAX_SEGMENTS
    assert shown.warnings == []


def test_preview_command_prints_both_channels(folder, capsys):
    code, out = run(capsys, "preview", "I'm in Leek and need help", "--dir", str(folder),
                    "--at", "2026-12-07 12:00")
    assert code == 0
    assert "Time: Monday 07 December 2026 12:00 (UK time" in out
    assert "Understood place: Leek, in Staffordshire Moorlands" in out
    web = out.split("--- Web chat")[1].split("--- SMS")[0]
    sms = out.split("--- SMS")[1]
    assert "Helpline for Leek (Staffordshire Moorlands):" in web
    assert "Helpline for Leek (Staffordshire Moorlands):" in sms
    assert out.rstrip().endswith("Nothing was cut to fit an SMS.")


def test_preview_refuses_a_time_it_cannot_read(folder, capsys):
    code, out = run(capsys, "preview", "Leek", "--dir", str(folder), "--at", "tomorrow")
    assert code == 1 and 'should be a date and time like "2026-12-01 18:30"' in out


LONG = """\
  - id: long-{n}
    organization: test-org
    name: Tamworth long service {n}
    summary: a service with a long summary that takes up a lot of room in a text message
    description: A test.
    needs: [helpline]
    status: active
    phones:
      - number: "01827 70990{n}"
      - number: "01827 70991{n}"
    email: long{n}@example.org
    service_areas: [tamworth]
    source: 001_589c176e9c6d0884.txt
    last_reviewed: 2026-11-01
"""


def test_preview_warns_when_the_reply_was_cut_to_fit_an_sms(folder, capsys):
    write(folder, GOOD_SERVICE.replace("  - id: test-service", LONG.format(n=1)
                                       + LONG.format(n=2) + "  - id: test-service"))
    loaded = loaded_from(folder)
    shown = preview(loaded, "I'm in Tamworth and need help", MONDAY_NOON)
    assert len(shown.web_text()) <= 459
    assert any(w.startswith("The reply was shortened to fit in 3 text messages: Tamworth long "
                            "service 1 (left out 01827 709911, long1@example.org)")
               for w in shown.warnings), shown.warnings
    code, out = run(capsys, "preview", "I'm in Tamworth and need help", "--dir", str(folder))
    assert code == 0 and "warning: The reply was shortened to fit in 3 text messages" in out


def test_preview_of_a_place_outside_our_areas_and_of_no_place(folder):
    loaded = loaded_from(folder)
    none = preview(loaded, "I need help", MONDAY_NOON)
    assert none.understood[0] == "place: none found, so the bot asks for a town or postcode"
    assert none.web_text().startswith("Which town or postcode are you in?")


# -------------------------------------------------------------------------------- due
def dated(service_id: str, reviewed: date) -> str:
    return GOOD_SERVICE.replace("test-service", service_id).replace("test-org", f"{service_id}-org") \
        .replace("2026-11-01", reviewed.isoformat())


def test_due_lists_past_and_near_review_dates_oldest_first(folder, capsys):
    today = date.today()
    write(folder, dated("overdue-service", today - timedelta(days=400)), "overdue.yml")
    write(folder, dated("soon-service", today - timedelta(days=350)), "soon.yml")
    write(folder, dated("fresh-service", today - timedelta(days=100)), "fresh.yml")
    code, out = run(capsys, "due", str(folder))
    assert code == 0
    assert "due for review (review date 12 months after last_reviewed, past or within 30 " \
           f"days of {today}):" in out
    overdue = out.index("overdue.yml:6: Test service (overdue-service, active): overdue since "
                        f"{today - timedelta(days=35)}")
    soon = out.index(f"soon.yml:6: Test service (soon-service, active): due "
                     f"{today + timedelta(days=15)}")
    assert overdue < soon and "fresh-service" not in out
    assert out.rstrip().endswith("then set last_reviewed to today's date.")


def test_due_entries_against_a_fixed_date(folder):
    directory = load_directory(folder, today=date(2027, 12, 1)).directory
    due = due_entries(directory, date(2027, 12, 1))
    assert due and all(d.due_on <= date(2027, 12, 31) for d in due)
    assert [d.due_on for d in due] == sorted(d.due_on for d in due)
    assert due_entries(directory, date(2026, 12, 1)) == []


# ------------------------------------------------------------------------------ export
def test_export_csv_is_a_spreadsheet_with_one_row_per_service(folder, tmp_path, capsys):
    write(folder, GOOD_SERVICE.replace("description: A test.", "description: =1+2 café"))
    out_file = tmp_path / "out" / "services.csv"
    code, out = run(capsys, "export", "--csv", str(folder), "--out", str(out_file))
    assert code == 0 and f"to {out_file} (a spreadsheet" in out
    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    with out_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    directory = load_directory(folder).directory
    assert len(rows) == len(directory.services)
    row = next(r for r in rows if r["id"] == "test-service")
    assert row["description"] == "'=1+2 café"  # never a formula
    assert row["phone numbers"] == "01782 205500"
    assert row["areas"] == "Tamworth" and row["needs"] == "Helpline (talk to someone now)"
    assert row["last reviewed"] == "2026-11-01" and row["review due"] == "2027-11-01"
    assert row["file"] == "extra.yml" and row["line"] == "6"
    assert row["offered to people"] == "yes" and row["source"] == "001_589c176e9c6d0884.txt"


def test_export_open_referral_json_still_works(folder, tmp_path, capsys):
    out_file = tmp_path / "export.json"
    code, out = run(capsys, "export", "--dir", str(folder), "--out", str(out_file))
    assert code == 0 and "(Open Referral UK, HSDS 3.0 JSON)" in out
    assert len(json.loads(out_file.read_text())) == len(load_directory(folder).directory.services)


def test_export_refuses_a_directory_with_problems(folder, tmp_path, capsys):
    (folder / "halton.yml").unlink()
    out_file = tmp_path / "services.csv"
    code, out = run(capsys, "export", "--csv", str(folder), "--out", str(out_file))
    assert code == 1 and not out_file.exists()
    assert "Nothing was written: fix them first, then run the export again." in out
