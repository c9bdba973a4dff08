"""Provides parsing of notes files: Markdown, plain text and JSONL.

Markdown/text: each top-level bullet or paragraph is a note; indented lines and nested
bullets belong to the note above. A leading date (``2026-03-14:``, ``2026-03-14 -``,
``[2026-03-14]``) sets the note's date; a heading holding a date sets it for the notes
below until the next heading. JSONL: one ``{"text": ..., "id"?: ..., "date"?: ...}`` per
line, other keys ignored. Every problem is reported as ``FILE:LINE: message``; a file with
any problem yields no notes at all.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from feedback_writer.errors import NotesImportError
from feedback_writer.notes.model import ParsedNote
from feedback_writer.notes.textfile import bad_char, decode_notes, split_lines

SUFFIXES = (".md", ".markdown", ".txt", ".text", ".jsonl", ".ndjson")

_DATE = r"(\d{4}-\d{2}-\d{2})"
_LEADING_DATE = re.compile(rf"^\s*(?:\[{_DATE}\]|{_DATE}\s*(?::|-|–|—)?)\s*(.*)$", re.S)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_BULLET = re.compile(r"^([-*+]|\d+[.)])\s+(.*)$")
_ANY_DATE = re.compile(_DATE)


def _to_date(raw: str, where: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(f"{where}: invalid date '{raw}' (expected YYYY-MM-DD)")
        return None


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotesImportError([f"{path}: no such file"]) from None
    except OSError as exc:
        raise NotesImportError([f"{path}: cannot read: {exc.strerror}"]) from None
    text, problem = decode_notes(data, str(path))
    if text is None:
        raise NotesImportError([problem or f"{path}: cannot read"])
    if not text.strip():
        raise NotesImportError([f"{path}: the file is empty: no notes to import"])
    return text


def _check_chars(text: str, source: str) -> None:
    """Refuse NUL, control characters and lone surrogates, naming the line."""
    found = bad_char(text)
    if found is not None:
        offset, what = found
        line = len(split_lines(text[: offset + 1]))
        raise NotesImportError([f"{source}:{line}: the text contains {what}; remove it and retry"])


def parse_markdown(text: str, source: str) -> list[ParsedNote]:
    """Notes from Markdown or plain text (see the module docstring for the rules)."""
    _check_chars(text, source)
    problems: list[str] = []
    notes: list[ParsedNote] = []
    heading_date: date | None = None
    current: list[str] = []
    start = 0
    in_bullets = False

    def flush() -> None:
        nonlocal current
        body = "\n".join(current).strip()
        current = []
        if not body:
            return
        when = heading_date
        m = _LEADING_DATE.match(body)
        if m:
            raw = m.group(1) or m.group(2)
            when = _to_date(raw, f"{source}:{start}", problems) or when
            body = m.group(3).strip()
        body = re.sub(r"[ \t]*\n[ \t]*", "\n", body)
        if body:
            notes.append(ParsedNote(text=body, date=when, source_file=source, source_line=start))

    for no, line in enumerate(split_lines(text), start=1):
        heading = _HEADING.match(line)
        if heading:
            flush()
            found = _ANY_DATE.search(heading.group(1))
            heading_date = _to_date(found.group(1), f"{source}:{no}", problems) if found else None
            in_bullets = False
            continue
        if not line.strip():
            if not in_bullets:
                flush()
            continue
        bullet = _BULLET.match(line)
        if bullet and not line[0].isspace():
            flush()
            current, start, in_bullets = [bullet.group(2)], no, True
            continue
        if line[0].isspace() and current:
            nested = _BULLET.match(line.strip())
            current.append(("- " + nested.group(2)) if nested else line.strip())
            continue
        if in_bullets:  # unindented text after a list starts a new paragraph
            flush()
            in_bullets = False
        if not current:
            start = no
        current.append(line.strip())
    flush()
    if problems:
        raise NotesImportError(problems)
    return notes


def _json_line(line: str) -> tuple[object, str | None]:
    """The parsed line, or why it cannot be read (never a traceback)."""
    try:
        return json.loads(line), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg} (column {exc.colno})"
    except RecursionError:
        return None, "invalid JSON: nested too deeply"
    except ValueError as exc:  # e.g. an integer past Python's digit limit
        return None, f"invalid JSON: {str(exc).split(';')[0]}"


def _field_problem(obj: dict[str, object]) -> str | None:
    body = obj.get("text")
    if not isinstance(body, str) or not body.strip():
        return "field 'text' must be a non-empty string"
    ext = obj.get("id")
    if ext is not None and (isinstance(ext, bool) or not isinstance(ext, str | int)):
        return "field 'id' must be a string or a number"
    if obj.get("date") is not None and not isinstance(obj["date"], str):
        return "field 'date' must be a YYYY-MM-DD string"
    for key in ("text", "id", "date"):
        value = obj.get(key)
        found = bad_char(value) if isinstance(value, str) else None
        if found is not None:
            return f"field '{key}' contains {found[1]}"
    return None


def parse_jsonl(text: str, source: str) -> list[ParsedNote]:
    """Notes from JSONL: one object per line with ``text`` and optional ``id``, ``date``."""
    problems: list[str] = []
    notes: list[ParsedNote] = []
    for no, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        where = f"{source}:{no}"
        obj, problem = _json_line(line)
        if problem is None and not isinstance(obj, dict):
            problem = "expected a JSON object with a 'text' field"
        if problem is None and isinstance(obj, dict):
            problem = _field_problem(obj)
        if problem is not None or not isinstance(obj, dict):
            problems.append(f"{where}: {problem}")
            continue
        body, ext = obj["text"], obj.get("id")
        when = None
        if isinstance(obj.get("date"), str):
            when = _to_date(obj["date"], where, problems)
            if when is None:
                continue
        notes.append(
            ParsedNote(
                text=body.strip(),
                date=when,
                external_id=None if ext is None else str(ext),
                source_file=source,
                source_line=no,
            )
        )
    if problems:
        raise NotesImportError(problems)
    return notes


def parse_file(path: str | Path) -> list[ParsedNote]:
    """Parse a notes file by its suffix; raise :class:`NotesImportError` on any problem."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise NotesImportError(
            [f"{p}: unsupported file type '{suffix or '(none)'}': use .md, .txt or .jsonl"]
        )
    text = _read_text(p)
    notes = (
        parse_jsonl(text, str(p))
        if suffix in (".jsonl", ".ndjson")
        else parse_markdown(text, str(p))
    )
    if not notes:
        raise NotesImportError([f"{p}: no notes found"])
    return notes
