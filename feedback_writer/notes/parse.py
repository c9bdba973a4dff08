"""Provides parsing of notes files: Markdown, plain text and JSONL.

Markdown/text: each top-level bullet or paragraph is a note; indented lines and nested
bullets belong to the note above. A leading date (``2026-03-14:``, ``[2026-03-14]``,
``03/25/2026 -``, ``Mar 25:``: the forms of :mod:`feedback_writer.notes.dates`) sets the
note's date; a heading holding a date sets it for the notes below until the next heading
(and lends its year to year-less dates). A leading date that cannot be resolved (ambiguous
day/month, no year) leaves the note undated with the date kept in its text, and is listed
in :attr:`ParsedNotes.undated` so the caller can say which.

JSONL: one ``{"text": ..., "id"?: ..., "date"?: "YYYY-MM-DD"}`` per line, other keys
ignored. Every problem is reported as ``FILE:LINE: message``; a file with
any problem yields no notes at all.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from feedback_writer.errors import NotesImportError
from feedback_writer.notes.dates import DateNotFound, DateOrder, find_date, leading_date
from feedback_writer.notes.model import ParsedNote, ParsedNotes, UndatedNote
from feedback_writer.notes.textfile import bad_char, decode_notes, split_lines

SUFFIXES = (".md", ".markdown", ".txt", ".text", ".jsonl", ".ndjson")

_ISO_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_BULLET = re.compile(r"^([-*+]|\d+[.)])\s+(.*)$")


def _to_date(raw: str, where: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        if _ISO_FORM.match(raw):
            problems.append(f"{where}: invalid date '{raw}': the date does not exist")
        else:
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


def parse_markdown(
    text: str,
    source: str,
    *,
    date_order: DateOrder | None = None,
    default_year: int | None = None,
) -> list[ParsedNote]:
    """Notes from Markdown or plain text (see the module docstring for the rules)."""
    return read_markdown(text, source, date_order=date_order, default_year=default_year).notes


def read_markdown(
    text: str,
    source: str,
    *,
    date_order: DateOrder | None = None,
    default_year: int | None = None,
) -> ParsedNotes:
    """Notes from Markdown or plain text, with the notes left undated for a date not read."""
    _check_chars(text, source)
    problems: list[str] = []
    notes: list[ParsedNote] = []
    undated: list[UndatedNote] = []
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
        year = default_year or (heading_date.year if heading_date else None)
        try:
            found = leading_date(body, date_order=date_order, default_year=year)
        except DateNotFound as exc:
            problems.append(f"{source}:{start}: {exc}")
            return
        if found is not None and found.undated is not None:
            when = None
            undated.append(
                UndatedNote(
                    source_file=source,
                    source_line=start,
                    raw=found.undated.raw,
                    reason=found.undated.reason,
                )
            )
        elif found is not None:
            when, body = found.date, found.rest.strip()
        body = re.sub(r"[ \t]*\n[ \t]*", "\n", body)
        if body:
            notes.append(ParsedNote(text=body, date=when, source_file=source, source_line=start))

    for no, line in enumerate(split_lines(text), start=1):
        heading = _HEADING.match(line)
        if heading:
            flush()
            try:
                heading_date = find_date(
                    heading.group(1), date_order=date_order, default_year=default_year
                )
            except DateNotFound as exc:
                problems.append(f"{source}:{no}: {exc}")
                heading_date = None
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
    return ParsedNotes(notes=notes, undated=undated)


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


def parse_file(
    path: str | Path, *, date_order: DateOrder | None = None, default_year: int | None = None
) -> list[ParsedNote]:
    """Parse a notes file by its suffix; raise :class:`NotesImportError` on any problem."""
    return read_notes_file(path, date_order=date_order, default_year=default_year).notes


def read_notes_file(
    path: str | Path, *, date_order: DateOrder | None = None, default_year: int | None = None
) -> ParsedNotes:
    """Parse a notes file by its suffix, listing the notes left undated for a date that
    could not be read; raise :class:`NotesImportError` on any problem."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise NotesImportError(
            [f"{p}: unsupported file type '{suffix or '(none)'}': use .md, .txt or .jsonl"]
        )
    text = _read_text(p)
    if suffix in (".jsonl", ".ndjson"):
        result = ParsedNotes(notes=parse_jsonl(text, str(p)))
    else:
        result = read_markdown(text, str(p), date_order=date_order, default_year=default_year)
    if not result.notes:
        raise NotesImportError([f"{p}: no notes found"])
    return result
