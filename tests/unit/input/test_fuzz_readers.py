"""Fuzzed readers: any input gives parsed notes/ladders or the module's own error type,
never another exception. Bounded (200 examples, no deadline) so the suite stays fast."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback_writer.errors import LadderError, NotesImportError
from feedback_writer.ladder.csv_import import csv_to_ladder_dict
from feedback_writer.ladder.loader import parse_ladder
from feedback_writer.notes.dates import DateNotFound, leading_date, parse_date
from feedback_writer.notes.parse import parse_jsonl, read_markdown
from feedback_writer.notes.textfile import decode_notes
from tests.unit.input.hostile_inputs import VALID_LADDER

# FW_FUZZ_EXAMPLES raises the bound for a longer hunt (docs/reliability.md).
FUZZ = settings(
    max_examples=int(os.environ.get("FW_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Text that is mostly note-like, with the odd control char, surrogate or emoji thrown in
_CHARS = st.characters(codec=None, categories=None)
_PIECES = st.sampled_from(
    [
        "- ",
        "\n",
        "  ",
        "# ",
        "## Week of 2026-04-06\n",
        "2026-02-30: ",
        "03/04/2026: ",
        "Mar 25: ",
        "[",
        "]",
        ":",
        "\x00",
        "\ud800",
        "\u2028",
        "\r\n",
        "1. ",
        "25.03.2026 ",
    ]
)
NOTE_TEXT = st.lists(st.one_of(_PIECES, st.text(_CHARS, max_size=12)), max_size=30).map("".join)


@FUZZ
@given(NOTE_TEXT, st.sampled_from([None, "MDY", "DMY"]), st.one_of(st.none(), st.integers(1, 9999)))
def test_markdown_reader(text: str, order: str | None, year: int | None) -> None:
    try:
        result = read_markdown(text, "f.md", date_order=order, default_year=year)  # type: ignore[arg-type]
    except NotesImportError:
        return
    for note in result.notes:
        note.text.encode("utf-8")  # storable and printable
        assert note.text.strip()


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(_CHARS, max_size=10),
    lambda kids: (
        st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3)
    ),
    max_leaves=10,
)
_OBJECTS = st.fixed_dictionaries(
    {}, optional={"text": _JSON_VALUES | NOTE_TEXT, "id": _JSON_VALUES, "date": _JSON_VALUES}
)


@FUZZ
@given(st.lists(st.one_of(_OBJECTS.map(json.dumps), NOTE_TEXT), max_size=5))
def test_jsonl_reader(lines: list[str]) -> None:
    try:
        notes = parse_jsonl("\n".join(lines), "f.jsonl")
    except NotesImportError:
        return
    for note in notes:
        note.text.encode("utf-8")
        (note.external_id or "").encode("utf-8")


@FUZZ
@given(st.binary(max_size=200) | NOTE_TEXT.map(lambda t: t.encode("utf-16-le", "surrogatepass")))
def test_byte_decoding(data: bytes) -> None:
    text, problem = decode_notes(data, "f.md")
    assert (text is None) != (problem is None)
    if text is not None:
        text.encode("utf-8")


_LADDER = VALID_LADDER.read_text()


@FUZZ
@given(
    st.integers(0, len(_LADDER)),
    st.integers(0, 40),
    NOTE_TEXT
    | st.sampled_from(
        [
            "&a ",
            "*a",
            "[[[[[[[[",
            "- - - - ",
            "!!python/object:os.system ",
            "{",
            "'",
            '"\\ud800"',
            "9" * 5000,
            "2026-02-30",
            "\t",
            "--- \n",
            ": ",
            "? ",
        ]
    ),
)
def test_yaml_ladder_reader(at: int, cut: int, insert: str) -> None:
    text = _LADDER[:at] + insert + _LADDER[at + cut :]
    with contextlib.suppress(LadderError):
        parse_ladder(text, "f.yaml")
    with contextlib.suppress(LadderError):
        parse_ladder(json.dumps({"name": insert, "levels": [insert]}), "f.json")


_CSV_CELL = st.text(
    _CHARS.filter(lambda c: not 0xD800 <= ord(c) <= 0xDFFF), max_size=8
) | st.sampled_from(['"', '""', "a\nb", ",", "\x00", "x" * 10])


@FUZZ
@given(st.lists(st.lists(_CSV_CELL, min_size=0, max_size=6), max_size=5), st.booleans())
def test_csv_ladder_import(rows: list[list[str]], header: bool) -> None:
    lines = ["area,competency,level,expectation,signals"] if header else []
    lines += [",".join(r) for r in rows]
    try:
        doc = csv_to_ladder_dict("\n".join(lines), "f.csv", "fuzz")
        parse_ladder(yaml.safe_dump(doc, allow_unicode=True), "f.yaml")
    except LadderError:
        pass


@FUZZ
@given(NOTE_TEXT, st.sampled_from([None, "MDY", "DMY"]), st.one_of(st.none(), st.integers(1, 9999)))
def test_date_parser(text: str, order: str | None, year: int | None) -> None:
    try:
        found = leading_date(text, date_order=order, default_year=year)  # type: ignore[arg-type]
    except DateNotFound:
        return
    if found is not None:
        assert (found.date is None) != (found.undated is None)
        assert isinstance(found.date, dt.date | None)
    with contextlib.suppress(ValueError):
        parse_date(text, date_order=order, default_year=year)  # type: ignore[arg-type]
