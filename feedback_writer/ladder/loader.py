"""Provides loading and validation of ladder files (YAML or JSON) with located errors.

Errors are collected, not raised one at a time: a company editing its ladder sees every
problem at once, one line each, as ``FILE:LINE: field.path: message``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from feedback_writer.errors import LadderError
from feedback_writer.ladder.model import Ladder, LadderFile

_Path = tuple[str | int, ...]

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists a ladder file may have (a ladder needs about 7)."""
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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


def _yaml_error(exc: yaml.YAMLError, text: str, source: str) -> LadderError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        what = exc.problem or "invalid YAML"
        return LadderError([f"{source}{line}: YAML syntax error: {what}"])
    if isinstance(exc, yaml.reader.ReaderError):
        at = text.count("\n", 0, max(exc.position, 0)) + 1
        return LadderError([f"{source}:{at}: YAML error: {exc.reason}"])
    return LadderError([f"{source}: YAML error: {exc}"])


def _refuse(source: str, mark: Any, message: str) -> LadderError:
    line = f":{mark.line + 1}" if mark is not None else ""
    return LadderError([f"{source}{line}: {message}"])


def _compose(text: str, source: str) -> yaml.Node | None:
    """The single document of ``text`` as a node tree, composed from the (C, where
    available) parser's events in one pass. Aliases are refused (a ladder has no need for
    them; they allow recursive and billion-laughs documents) and so is nesting deeper than
    :data:`MAX_DEPTH`, before anything is expanded or constructed."""
    resolver: Any = yaml.resolver.Resolver()
    events: Iterable[Any] = yaml.parse(text, Loader=_YAML_LOADER)
    stack: list[tuple[yaml.Node, list[Any]]] = []
    root: yaml.Node | None = None
    documents = 0
    for event in events:
        node: yaml.Node | None = None
        start: Any = event.start_mark
        end: Any = event.end_mark
        if isinstance(event, yaml.AliasEvent):
            raise _refuse(
                source,
                start,
                f"YAML aliases (*{event.anchor}) are not allowed in ladder files; "
                "write the value out",
            )
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _refuse(source, start, "a ladder file holds one YAML document")
        elif isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(tag, event.value, start, end, style=event.style)
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _refuse(source, start, f"nested deeper than {MAX_DEPTH} levels")
            kind = (
                yaml.SequenceNode
                if isinstance(event, yaml.SequenceStartEvent)
                else yaml.MappingNode
            )
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolver.resolve(kind, None, event.implicit)
            items: list[Any] = []
            stack.append((kind(tag, items, start, None, flow_style=event.flow_style), items))
        elif isinstance(event, yaml.CollectionEndEvent):
            node, items = stack.pop()
            node.end_mark = end
            if isinstance(node, yaml.MappingNode):
                node.value = list(zip(items[::2], items[1::2], strict=True))
        if node is not None:
            if stack:
                stack[-1][1].append(node)
            else:
                root = node
    return root


class _Constructor(yaml.constructor.SafeConstructor):
    """Safe construction where a value Python cannot hold (``2026-02-30``, an integer past
    the digit limit) is a located YAML error rather than a bare ValueError."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the value: {exc}", node.start_mark
            ) from None


def _json_depth(data: Any) -> int:
    depth, level = 0, [data]
    while level:
        depth += 1
        level = [
            v
            for item in level
            if isinstance(item, dict | list)
            for v in (item.values() if isinstance(item, dict) else item)
        ]
    return depth


def _parse(text: str, source: str) -> tuple[Any, dict[_Path, int]]:
    if source.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LadderError([f"{source}:{exc.lineno}: invalid JSON: {exc.msg}"]) from None
        except RecursionError:
            raise LadderError([f"{source}: invalid JSON: nested too deeply"]) from None
        except ValueError as exc:  # an integer past Python's digit limit
            raise LadderError([f"{source}: invalid JSON: {str(exc).split(';')[0]}"]) from None
        if _json_depth(data) > MAX_DEPTH + 1:
            raise LadderError([f"{source}: nested deeper than {MAX_DEPTH} levels"])
        return data, {}
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:  # the C parser cannot even encode such text
        line = text.count("\n", 0, surrogate.start()) + 1
        code = ord(surrogate.group())
        raise LadderError(
            [f"{source}:{line}: an unpaired surrogate U+{code:04X}: not valid Unicode"]
        )
    try:
        node = _compose(text, source)
        data = None if node is None else _Constructor().construct_document(node)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, source) from None
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


_LOADED: dict[tuple[str, int, int], Ladder] = {}
"""Ladders already parsed in this process, by (resolved path, mtime, size)."""


def load_ladder(path: str | Path) -> Ladder:
    """Load and validate a ladder file; a file unchanged since it was last loaded in this
    process is not parsed again (the same :class:`Ladder` is returned)."""
    p = Path(path)
    try:
        stat = p.stat()
        key: tuple[str, int, int] | None = (str(p.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    if key is not None and key in _LOADED:
        return _LOADED[key]
    ladder = _read_ladder(p)
    if key is not None:
        _LOADED[key] = ladder
    return ladder


def _read_ladder(p: Path) -> Ladder:
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
