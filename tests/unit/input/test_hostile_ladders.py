"""Hostile ladder files and CSV sheets: refused with exit 2 and the file and line named."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.unit.input.hostile_inputs import VALID_LADDER, refused, run


def _with(old: str, new: str) -> str:
    text = VALID_LADDER.read_text()
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "line", "word"),
    [
        ("name: Operations", 'name: "Oper\\nations"', 16, "control character"),
        ("name: Level Two", 'name: "Level\\tTwo"', 8, "control character"),
        ("name: tiny", 'name: "ti\\x1bny"', 2, "control character"),
        ("- slug: work\n  name: Work", '- slug: work\n  name: "W\\u2028ork"', 13, "U+2028"),
        ("text: Joins the on-call", 'text: "Joins \\ud800 the on-call', 22, "unicode"),
    ],
    ids=["newline-in-competency", "tab-in-level", "escape-in-ladder-name", "u2028", "surrogate"],
)
def test_names_with_line_breaks_or_control_characters_are_refused(
    tmp_path: Path, old: str, new: str, line: int, word: str
) -> None:
    p = tmp_path / "ladder.yaml"
    text = _with(old, new)
    if "ud800" in new:
        text = text.replace("handles pages\n", 'handles pages"\n', 1)
    p.write_text(text)
    refused(run("ladder", "validate", str(p)), p, line, word)


def test_csv_cell_past_the_field_limit_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "sheet.csv"
    big = "x" * (csv.field_size_limit() + 1)
    p.write_text(
        f"area,competency,level,expectation\nCraft,Testing,L1,ok\nCraft,Testing,L1,{big}\n"
    )
    refused(run("ladder", "import", str(p), "-o", str(tmp_path / "o.yaml")), p, 3, "longer than")


def test_csv_competency_with_a_newline_is_refused_naming_its_line(tmp_path: Path) -> None:
    p = tmp_path / "sheet.csv"
    p.write_text('area,competency,level,expectation\nCraft,Testing,L1,ok\nCraft,"Te\nsting",L1,x\n')
    out = refused(
        run("ladder", "import", str(p), "-o", str(tmp_path / "o.yaml")), p, 4, "line break"
    )
    assert not (tmp_path / "o.yaml").exists(), out
