"""Hostile notes files: each is refused with exit 2, the file and line named, nothing stored."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from feedback_writer.notes.parse import parse_file
from tests.unit.input.hostile_inputs import refused, run


def _import_refused(path: Path, line: int | None, *words: str) -> str:
    out = refused(run("notes", "import", "-p", "Ana", str(path)), path, line, *words)
    listed = run("notes", "list", "-p", "Ana")
    assert "no notes for Ana yet" in listed.output or "no person named 'Ana'" in listed.output
    return out


def test_nul_byte_is_refused_not_dropped_as_already_there(tmp_path: Path) -> None:
    p = tmp_path / "nul.md"
    p.write_bytes(b"\x00- Led the incident review\n- Wrote docs\n")
    out = _import_refused(p, 1, "NUL")
    assert "already there" not in out


def test_control_character_further_down_names_its_line(tmp_path: Path) -> None:
    p = tmp_path / "esc.md"
    p.write_bytes(b"- one\n- two\n- three \x1b[31mred\n")
    _import_refused(p, 3, "U+001B")


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('{"text": "x", "id": ' + "9" * 5000 + "}", ("invalid JSON", "digits")),
        ("[" * 100_000 + "]" * 100_000, ("nested too deeply",)),
        ('{"text": "bad \\ud800 half"}', ("surrogate", "U+D800")),
        ('{"text": "nul \\u0000 inside"}', ("NUL",)),
        ('{"text": "ok", "id": true}', ("'id'",)),
    ],
    ids=["huge-int-id", "deep-nesting", "lone-surrogate", "escaped-nul", "bool-id"],
)
def test_hostile_jsonl_lines(tmp_path: Path, line: str, words: tuple[str, ...]) -> None:
    p = tmp_path / "notes.jsonl"
    p.write_text('{"text": "fine"}\n' + line + "\n", encoding="utf-8")
    _import_refused(p, 2, *words)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_or_32_without_bom_is_refused_naming_the_encoding(tmp_path: Path, codec: str) -> None:
    p = tmp_path / "notes.md"
    p.write_bytes("- Led the incident review\n- Wrote the runbook\n".encode(codec))
    label = codec.split("-")[0].upper() + "-" + codec.split("-")[1]
    _import_refused(p, 1, label, "byte-order mark", "UTF-8")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ],
)
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path: Path, bom: bytes, codec: str) -> None:
    p = tmp_path / "notes.md"
    p.write_bytes(bom + "- Led the incident review ✓\n- Wrote the runbook\n".encode(codec))
    assert [n.text for n in parse_file(p)] == ["Led the incident review ✓", "Wrote the runbook"]


def test_line_numbers_count_only_real_line_ends(tmp_path: Path) -> None:
    # U+2028 is legal inside a JSON string and must neither split the line nor shift numbers
    p = tmp_path / "notes.jsonl"
    p.write_text('{"text": "a\u2028b"}\n{"text": "c"}\n{"text": 1}\n', encoding="utf-8")
    out = refused(run("notes", "import", "-p", "Ana", str(p)), p, 3, "'text'")
    assert f"{p}:1" not in out and f"{p}:2" not in out


@pytest.mark.parametrize(
    "line", ['{"text": "x", "id": ' + "9" * 5000 + "}", "[" * 100_000 + "]" * 100_000]
)
def test_labelled_notes_reader_locates_hostile_lines(tmp_path: Path, line: str) -> None:
    from feedback_writer.errors import UsageError
    from feedback_writer.mapping.evaluate import load_labelled

    p = tmp_path / "labelled.jsonl"
    p.write_text('{"text": "fine", "competencies": []}\n' + line + "\n")
    with pytest.raises(UsageError, match=":2: invalid JSON"):
        load_labelled(p)
