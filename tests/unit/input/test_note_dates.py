"""Leading dates in the forms people write: read, or left undated and reported; never
silently dropped into the wrong window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from feedback_writer.errors import NotesImportError
from feedback_writer.notes.dates import DateNotFound, leading_date, parse_date
from feedback_writer.notes.parse import parse_file, read_notes_file

D = dt.date(2026, 3, 25)


@pytest.mark.parametrize(
    "line",
    [
        "2026-03-25: x",
        "[2026-03-25] x",
        "2026/03/25 - x",
        "03/25/2026: x",
        "25/03/2026: x",
        "25.03.2026 x",
        "3-25-26 — x",
        "Mar 25, 2026 x",
        "March 25, 2026: x",
        "25 Mar 2026 - x",
        "25th of March 2026: x",
        "[Mar 25] x",
    ],
)
def test_common_leading_date_forms_are_read(line: str) -> None:
    found = leading_date(line, default_year=2026)
    assert found is not None and found.date == D and found.rest == "x"


@pytest.mark.parametrize("line", ["May 5 people joined", "3-5 people", "1.5 days", "no date"])
def test_text_that_only_resembles_a_date_is_not_one(line: str) -> None:
    assert leading_date(line) is None


def test_ambiguous_numeric_dates_follow_date_order_and_are_not_guessed_without_it() -> None:
    assert leading_date("03/04/2026: x", date_order="MDY").date == dt.date(2026, 3, 4)  # type: ignore[union-attr]
    assert leading_date("03/04/2026: x", date_order="DMY").date == dt.date(2026, 4, 3)  # type: ignore[union-attr]
    found = leading_date("03/04/2026: x")
    assert found is not None and found.date is None and found.undated is not None
    assert "ambiguous" in found.undated.reason and found.rest == "03/04/2026: x"


def test_a_date_that_does_not_exist_says_so() -> None:
    with pytest.raises(DateNotFound, match="does not exist"):
        leading_date("2026-02-30: x")
    with pytest.raises(ValueError, match="not a date"):
        parse_date("soon")
    assert parse_date("Mar 25 2026") == D


def test_us_date_with_colon_is_no_longer_silently_undated(tmp_path: Path) -> None:
    p = tmp_path / "n.md"
    p.write_text("- 03/25/2026: Led the incident review\n")
    [note] = parse_file(p)
    assert (note.date, note.text) == (D, "Led the incident review")


def test_unread_dates_are_listed_and_kept_in_the_text(tmp_path: Path) -> None:
    p = tmp_path / "n.md"
    p.write_text("- 03/04/2026: ambiguous\n- Mar 25: no year\n- 2026-01-02: fine\n")
    result = read_notes_file(p)
    assert [(n.text, n.date) for n in result.notes] == [
        ("03/04/2026: ambiguous", None),
        ("Mar 25: no year", None),
        ("fine", dt.date(2026, 1, 2)),
    ]
    assert [(u.source_line, u.raw) for u in result.undated] == [(1, "03/04/2026"), (2, "Mar 25")]
    assert str(result.undated[0]).startswith(f"{p}:1: ambiguous date")
    again = read_notes_file(p, date_order="DMY", default_year=2026)
    assert [n.date for n in again.notes] == [dt.date(2026, 4, 3), D, dt.date(2026, 1, 2)]
    assert again.undated == []


def test_year_less_dates_take_the_heading_year(tmp_path: Path) -> None:
    p = tmp_path / "n.md"
    p.write_text("## Week of March 2, 2025\n\n- Mar 25: shipped\n")
    [note] = parse_file(p)
    assert note.date == dt.date(2025, 3, 25)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("- 2026-02-30: x\n", "n.md", ":1: invalid date '2026-02-30': the date does not exist"),
        ('{"text": "a", "date": "2026-02-30"}\n', "n.jsonl", "the date does not exist"),
        ('{"text": "a", "date": "March 3"}\n', "n.jsonl", "(expected YYYY-MM-DD)"),
    ],
)
def test_date_errors_name_the_line(tmp_path: Path, content: str, name: str, message: str) -> None:
    p = tmp_path / name
    p.write_text(content)
    with pytest.raises(NotesImportError) as err:
        parse_file(p)
    assert message in str(err.value)
    assert "expected YYYY-MM-DD" not in str(err.value) or "March" in content
