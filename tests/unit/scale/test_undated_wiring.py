"""Dates wiring: which lines were left undated is said, --date-order reads them, undated
notes stay out of a dated window unless asked, typed notes refuse control characters, and
the TUI editor reads a leading date as the importer does."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from feedback_writer.cli import cli
from feedback_writer.context import AppContext
from feedback_writer.tui.app import make_app
from tests.helpers.tui import wait_for_autosave

NOTES = "- 2026-03-02: Led the incident review\n- 03/04/2026: Wrote the failover runbook\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.md"
    path.write_text(NOTES, encoding="utf-8")
    return path


def test_import_names_the_lines_left_undated(tmp_path):
    path = _file(tmp_path)
    rc, out, err = run("notes", "import", "-p", "Ana", str(path))
    assert rc == 0
    assert f"{path}:2:" in err and "undated" in err
    assert "2 note(s) imported" in out


def test_import_with_a_date_order_reads_the_ambiguous_date(tmp_path):
    path = _file(tmp_path)
    rc, _, err = run("notes", "import", "-p", "Ana", "--date-order", "DMY", str(path))
    assert rc == 0 and "undated" not in err
    rc, out, _ = run("notes", "list", "-p", "Ana", "--format", "json")
    dates = {n["text"]: n["date"] for n in json.loads(out)}
    assert dates["Wrote the failover runbook"] == "2026-04-03"


def test_map_file_names_the_lines_left_undated(tmp_path):
    path = _file(tmp_path)
    rc, _, err = run("map", str(path))
    assert rc == 0 and f"{path}:2:" in err
    rc, _, err = run("map", "--date-order", "MDY", str(path))
    assert rc == 0 and "undated" not in err


def test_notes_add_refuses_control_characters():
    rc, _, err = run("notes", "add", "-p", "Ana", "bad\x00note")
    assert rc == 2 and "NUL" in err and "Traceback" not in err
    rc, _, err = run("notes", "add", "-p", "Ana", "escape \x1b[31m")
    assert rc == 2 and "U+001B" in err


def test_undated_notes_stay_out_of_a_dated_window_unless_asked(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(
        "- 2026-07-10: Led the incident review for the payments outage\n"
        "- 03/04/2026: Wrote the failover runbook in March\n",
        encoding="utf-8",
    )
    assert run("notes", "import", "-p", "Ana", str(path))[0] == 0
    rc, out, err = run(
        "draft",
        "-p",
        "Ana",
        "--level",
        "mid",
        "--since",
        "2026-07-01",
        "--threshold",
        "0.3",
        "--format",
        "json",
    )
    assert rc == 0, err
    first = json.loads(out)
    assert any("1 undated note(s)" in w and "--include-undated" in w for w in first["warnings"])
    rc, out, err = run(
        "draft",
        "-p",
        "Ana",
        "--since",
        "2026-07-01",
        "--include-undated",
        "--threshold",
        "0.3",
        "--format",
        "json",
    )
    assert rc == 0, err
    second = json.loads(out)
    ctx = AppContext()
    try:
        used = [ctx.repo.get_draft(d["draft_id"]).meta["note_ids"] for d in (first, second)]
    finally:
        ctx.repo.close()
    assert used == [["n1"], ["n1", "n2"]]


async def test_the_tui_editor_reads_a_leading_date():
    ctx = AppContext()
    ctx.repo.update_person("Ana", current_level="mid")
    app = make_app(ctx, person="Ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        for ch in "2026-01-12: Wrote the runbook":
            await pilot.press(ch if ch != " " else "space")
        await wait_for_autosave(pilot)
    note = ctx.repo.list_notes("Ana")[0]
    ctx.repo.close()
    assert note.date == dt.date(2026, 1, 12)
    assert note.text == "Wrote the runbook"
