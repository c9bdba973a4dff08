"""Provides ``ladder import``: a spreadsheet (CSV) of expectations to a ladder file.

Columns: ``area, competency, level, expectation`` and optionally ``signals`` and
``examples`` (items separated by ``;``). Levels are ordered as they first appear. Slugs
and expectation ids are generated from the names and texts, stable across re-imports of
the same sheet.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from feedback_writer.errors import LadderError
from feedback_writer.ladder.loader import parse_ladder
from feedback_writer.ladder.model import Ladder, slugify

REQUIRED = ("area", "competency", "level", "expectation")
NAMES = ("area", "competency", "level")  # become one-line headers: no line breaks
_NOT_IN_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NOT_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _cell_problem(values: dict[str, str]) -> str | None:
    for column, value in values.items():
        found = (_NOT_IN_NAME if column in NAMES else _NOT_IN_TEXT).search(value)
        if found:
            kind = "a line break or control character" if column in NAMES else "a control character"
            return f"column '{column}' holds {kind} (U+{ord(found.group()):04X})"
    return None


class _CountedLines:
    """The text's lines, counting how many the csv reader has fetched (its own
    ``line_num`` lags by one when a row fails half-way)."""

    def __init__(self, text: str) -> None:
        self.fetched = 0
        self._lines = iter(io.StringIO(text))

    def __iter__(self) -> _CountedLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.fetched += 1
        return line


def _rows(
    reader: csv.DictReader[str], lines: _CountedLines, source: str
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with their line; a malformed row (or a cell past the csv module's size limit)
    is a :class:`LadderError` naming the line, not a traceback."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                msg = f"a cell is longer than {csv.field_size_limit():,} characters"
            else:
                msg = f"malformed CSV: {exc}"
            raise LadderError([f"{source}:{lines.fetched}: {msg}"]) from None
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def csv_to_ladder_dict(text: str, source: str, name: str) -> dict[str, Any]:
    """Build the ladder document from CSV text; problems name the file and line."""
    lines = _CountedLines(text)
    reader = csv.DictReader(lines)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise LadderError([f"{source}:{lines.fetched}: malformed CSV header: {exc}"]) from None
    header = [h.strip().lower() for h in (fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise LadderError([f"{source}:1: missing column(s): {', '.join(missing)}"])
    reader.fieldnames = header
    problems: list[str] = []
    levels: dict[str, str] = {}
    areas: dict[str, str] = {}
    comps: dict[str, dict[str, Any]] = {}
    for line, values in _rows(reader, lines, source):
        empty = [c for c in REQUIRED if not values.get(c)]
        if empty:
            problems.append(f"{source}:{line}: empty {', '.join(empty)}")
            continue
        bad = _cell_problem(values)
        if bad:
            problems.append(f"{source}:{line}: {bad}")
            continue
        area_slug = slugify(values["area"])
        areas.setdefault(area_slug, values["area"])
        level_slug = slugify(values["level"])
        levels.setdefault(level_slug, values["level"])
        comp_slug = slugify(values["competency"])
        comp = comps.setdefault(
            comp_slug,
            {"slug": comp_slug, "name": values["competency"], "area": area_slug, "levels": {}},
        )
        if comp["area"] != area_slug:
            problems.append(
                f"{source}:{line}: competency '{values['competency']}' is listed under two areas"
            )
            continue
        cell = comp["levels"].setdefault(level_slug, {"expectations": []})
        slug = slugify(values["expectation"])
        taken = {e["slug"] for e in cell["expectations"]}
        base, n = slug, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        item: dict[str, Any] = {"slug": slug, "text": values["expectation"]}
        if _split(values.get("signals")):
            item["signals"] = _split(values.get("signals"))
        if _split(values.get("examples")):
            item["examples"] = _split(values.get("examples"))
        cell["expectations"].append(item)
    if problems:
        raise LadderError(problems)
    if not comps:
        raise LadderError([f"{source}: no expectations found"])
    return {
        "name": name,
        "version": "1",
        "source": f"imported from {Path(source).name}",
        "levels": [{"slug": s, "name": n} for s, n in levels.items()],
        "areas": [{"slug": s, "name": n} for s, n in areas.items()],
        "competencies": list(comps.values()),
    }


def import_csv(path: str | Path, name: str | None = None) -> tuple[str, Ladder]:
    """Return the YAML text of the new ladder and the validated ladder."""
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LadderError([f"{p}: no such file"]) from None
    except UnicodeDecodeError:
        raise LadderError([f"{p}: not UTF-8 text; export the sheet as CSV UTF-8"]) from None
    doc = csv_to_ladder_dict(text, str(p), name or slugify(p.stem))
    out = "# Generated by 'feedback-writer ladder import' from " + p.name + "\n"
    out += yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    return out, parse_ladder(out, str(p))
