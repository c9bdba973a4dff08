"""Provides loading and validation of ladder files (YAML or JSON) with located errors.

Errors are collected, not raised one at a time: a company editing its ladder sees every
problem at once, one line each, as ``FILE:LINE: field.path: message``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from feedback_writer.errors import LadderError
from feedback_writer.ladder.model import Ladder, LadderFile

_Path = tuple[str | int, ...]

# Names, ids and titles become one-line headers (``## Name`` in the review file): no line
# breaks or control characters. Longer texts may hold line breaks and tabs, nothing else.
_ONE_LINE_KEYS = frozenset({"name", "title", "version", "slug", "area"})
_NOT_IN_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NOT_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _line_index(
    node: yaml.Node, path: _Path = (), out: dict[_Path, int] | None = None
) -> dict[_Path, int]:
    """Map each field path of a composed YAML document to its 1-based line."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value
            out[(*path, k)] = key.start_mark.line + 1
            _line_index(value, (*path, k), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_index(item, (*path, i), out)
    return out


def _where(lines: dict[_Path, int], path: _Path) -> str:
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return f":{lines[path[:n]]}"
    return ""


def _dotted(path: _Path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(document)"


def _parse(text: str, source: str) -> tuple[Any, dict[_Path, int]]:
    if source.endswith(".json"):
        try:
            return json.loads(text), {}
        except json.JSONDecodeError as exc:
            raise LadderError([f"{source}:{exc.lineno}: invalid JSON: {exc.msg}"]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        what = exc.problem or "invalid YAML"
        raise LadderError([f"{source}{line}: YAML syntax error: {what}"]) from None
    except yaml.YAMLError as exc:
        raise LadderError([f"{source}: YAML error: {exc}"]) from None
    return data, (_line_index(node) if node is not None else {})


def _bad_string(value: str, one_line: bool) -> str | None:
    found = (_NOT_IN_ONE_LINE if one_line else _NOT_IN_TEXT).search(value)
    if found is None:
        return None
    what = "one line without control characters" if one_line else "text without control characters"
    return f"must be {what}; found U+{ord(found.group()):04X}"


def _char_problems(data: Any, path: _Path = (), one_line: bool = False) -> list[tuple[_Path, str]]:
    """Line breaks or control characters where a one-line name belongs, and unpaired
    surrogates anywhere: they break the review file's headers or the terminal later."""
    if isinstance(data, str):
        msg = _bad_string(data, one_line)
        return [(path, msg)] if msg else []
    out: list[tuple[_Path, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            sub = (*path, key if isinstance(key, str | int) else str(key))
            msg = _bad_string(key, True) if isinstance(key, str) else None
            if msg:
                out.append((sub, f"the key {msg}"))
            out += _char_problems(value, sub, key in _ONE_LINE_KEYS)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            out += _char_problems(item, (*path, i))
    return out


def _semantic_problems(spec: LadderFile) -> list[tuple[_Path, str]]:
    problems: list[tuple[_Path, str]] = []

    def dupes(items: list[str], field: str) -> None:
        for name, n in Counter(items).items():
            if n > 1:
                idx = max(i for i, s in enumerate(items) if s == name)
                problems.append(((field, idx, "slug"), f"duplicate slug '{name}' ({n} times)"))

    dupes([lv.slug for lv in spec.levels], "levels")
    dupes([a.slug for a in spec.areas], "areas")
    dupes([c.slug for c in spec.competencies], "competencies")
    levels = {lv.slug for lv in spec.levels}
    areas = {a.slug for a in spec.areas}
    for ci, comp in enumerate(spec.competencies):
        if comp.area not in areas:
            problems.append(
                (
                    ("competencies", ci, "area"),
                    f"unknown area '{comp.area}' (areas: {', '.join(sorted(areas))})",
                )
            )
        for level, cell in comp.levels.items():
            where: _Path = ("competencies", ci, "levels", level)
            if level not in levels:
                problems.append(
                    (where, f"unknown level '{level}' (levels: {', '.join(sorted(levels))})")
                )
            seen: Counter[str] = Counter(e.slug for e in cell.expectations)
            for slug, n in seen.items():
                if n > 1:
                    problems.append(
                        (where, f"duplicate expectation id '{comp.slug}.{level}.{slug}'")
                    )
            if cell.status in ("no-requirement", "lost") and cell.expectations:
                problems.append((where, f"a '{cell.status.value}' cell must not list expectations"))
    return problems


def parse_ladder(text: str, source: str = "<ladder>") -> Ladder:
    """Validate ladder text; raise :class:`LadderError` listing every problem."""
    data, lines = _parse(text, source)
    if not isinstance(data, dict):
        raise LadderError([f"{source}: a ladder file must be a mapping with levels, areas, ..."])
    chars = _char_problems(data)
    if chars:
        raise LadderError(
            [f"{source}{_where(lines, loc)}: {_dotted(loc)}: {msg}" for loc, msg in chars]
        )
    try:
        spec = LadderFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            problems.append(f"{source}{_where(lines, loc)}: {_dotted(loc)}: {err['msg']}")
        raise LadderError(problems) from None
    semantic = _semantic_problems(spec)
    if semantic:
        raise LadderError(
            [f"{source}{_where(lines, loc)}: {_dotted(loc)}: {msg}" for loc, msg in semantic]
        )
    return Ladder(spec, path=source)


def load_ladder(path: str | Path) -> Ladder:
    """Load and validate a ladder file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LadderError([f"{p}: no such ladder file"]) from None
    except UnicodeDecodeError as exc:
        raise LadderError([f"{p}: not UTF-8 text (byte {exc.start})"]) from None
    except OSError as exc:
        raise LadderError([f"{p}: cannot read: {exc.strerror}"]) from None
    return parse_ladder(text, str(p))


def ladder_json_schema() -> dict[str, Any]:
    """The JSON Schema of ladder files, generated from the models."""
    schema = LadderFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "feedback-writer ladder"
    return schema
