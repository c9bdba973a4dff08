"""Hostile YAML ladders: aliases, deep nesting and unreadable values are located errors,
refused fast, and a ladder is parsed once per load."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from feedback_writer.ladder import loader
from feedback_writer.ladder.loader import MAX_DEPTH, load_ladder
from tests.unit.input.hostile_inputs import VALID_LADDER, refused, run

LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{k}: &{k} [" + ",".join([f"*{prev}"] * 9) + "]"
            for prev, k in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: &a [*a]\n", 1, ("alias", "*a")),
        ("name: x\nlevels: &l [1]\nareas: *l\n", 3, ("alias", "*l")),
        (LAUGHS + "\n", 2, ("alias",)),
        ("a:\n" + "  - " * 1 + "[" * 200 + "]" * 200 + "\n", 2, (f"deeper than {MAX_DEPTH}",)),
        ("- " * 5000 + "x\n", 1, ("deeper than",)),
        ("name: x\n--- \nname: y\n", 2, ("one YAML document",)),
        ("name: x\nversion: 2026-02-30\n", 2, ("day is out of range",)),
        ("name: x\nversion: " + "9" * 5000 + "\n", 2, ("cannot read the value",)),
    ],
    ids=[
        "recursive",
        "alias",
        "billion-laughs",
        "deep-flow",
        "deep-block",
        "two-docs",
        "bad-date",
        "huge-int",
    ],
)
def test_hostile_yaml_is_refused_fast_with_its_line(
    tmp_path: Path, text: str, line: int, words: tuple[str, ...]
) -> None:
    p = tmp_path / "ladder.yaml"
    p.write_text(text)
    start = time.perf_counter()
    result = run("ladder", "validate", str(p))
    assert time.perf_counter() - start < 5
    refused(result, p, line, *words)


def test_deep_json_ladder_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "ladder.json"
    p.write_text('{"name": ' + "[" * 100_000 + "]" * 100_000 + "}")
    refused(run("ladder", "validate", str(p)), p, None, "nested too deeply")
    p.write_text('{"name": ' + "[" * 100 + "]" * 100 + "}")
    refused(run("ladder", "validate", str(p)), p, None, f"deeper than {MAX_DEPTH}")


def test_a_ladder_is_parsed_once_per_load(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_parse = yaml.parse

    def counting_parse(*args: object, **kwargs: object) -> object:
        calls.append("parse")
        return real_parse(*args, **kwargs)  # type: ignore[arg-type]

    def forbidden(*args: object, **kwargs: object) -> object:
        raise AssertionError("the ladder text was parsed a second time")

    monkeypatch.setattr(yaml, "parse", counting_parse)
    for name in ("compose", "compose_all", "load", "safe_load", "load_all", "safe_load_all"):
        monkeypatch.setattr(yaml, name, forbidden)
    lad = load_ladder(VALID_LADDER)
    assert calls == ["parse"]
    assert lad.name == "tiny"


def test_c_loader_is_used_where_available() -> None:
    assert loader._YAML_LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def test_errors_still_name_the_field_line(tmp_path: Path) -> None:
    p = tmp_path / "ladder.yaml"
    p.write_text(VALID_LADDER.read_text().replace("area: work", "area: nowhere", 1))
    refused(run("ladder", "validate", str(p)), p, 17, "unknown area 'nowhere'")
