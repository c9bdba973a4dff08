"""strict_json_schema output passes the strict-mode checker, and the checker has teeth."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from feedback_writer.llm.schema import inline_refs, strict_json_schema, strict_schema_problems


class Evidence(BaseModel):
    note_id: str = Field(min_length=1, max_length=20, pattern=r"^n\d+$")
    quote: str | None = None


class Section(BaseModel):
    """A section of a draft."""

    title: str = Field(description="Heading")
    level: Literal["below", "meets", "exceeds"] = "meets"
    evidence: list[Evidence] = Field(min_length=1, max_length=5)
    score: int = Field(ge=1, le=5)
    tags: list[str] = []
    kind: Literal["section"] = "section"


class Draft(BaseModel):
    person: str
    sections: list[Section] = Field(min_length=1)
    lead: Evidence | None = None
    extra: Section | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)


def _schema_nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Every sub-schema (not the property-name maps that hold them)."""
    subs = [*node.get("properties", {}).values(), *node.get("$defs", {}).values()]
    subs += node.get("anyOf", [])
    if isinstance(node.get("items"), dict):
        subs.append(node["items"])
    return [node, *(n for sub in subs for n in _schema_nodes(sub))]


def test_nested_model_becomes_strict() -> None:
    schema = strict_json_schema(Draft)

    assert strict_schema_problems(schema) == []
    assert schema["required"] == ["person", "sections", "lead", "extra", "confidence"]
    assert schema["additionalProperties"] is False
    section = schema["$defs"]["Section"]
    assert section["required"] == ["title", "level", "evidence", "score", "tags", "kind"]
    # A defaulted non-null field stays non-null; a None default gets a null branch.
    assert section["properties"]["level"]["enum"] == ["below", "meets", "exceeds"]
    assert {"type": "null"} in schema["properties"]["lead"]["anyOf"]
    assert {"type": "null"} in schema["properties"]["confidence"]["anyOf"]
    # const became enum; constraints moved into words.
    assert section["properties"]["kind"]["enum"] == ["section"]
    assert "minItems=1" in section["properties"]["evidence"]["description"]
    assert 'Default: "meets"' in section["properties"]["level"]["description"]
    banned = {"default", "title", "minLength", "maxLength", "pattern", "minimum", "maximum"}
    banned |= {"minItems", "maxItems", "const", "allOf", "oneOf"}
    nodes = _schema_nodes(schema)
    assert len(nodes) > 20
    for node in nodes:
        assert not banned & node.keys(), node
    # The "title" *property* of Section survives; only the keyword goes.
    assert "title" in section["properties"]


def test_inline_refs_removes_defs_but_keeps_the_shape() -> None:
    flat = inline_refs(strict_json_schema(Draft))
    assert "$defs" not in flat
    assert '"$ref"' not in str(flat).replace("'", '"')
    assert strict_schema_problems(flat) == []
    items = flat["properties"]["sections"]["items"]
    assert items["properties"]["evidence"]["items"]["required"] == ["note_id", "quote"]


def test_recursive_models_keep_refs() -> None:
    class Node(BaseModel):
        name: str
        children: list[Node] = []

    schema = strict_json_schema(Node)
    assert strict_schema_problems(schema) == []
    assert inline_refs(schema) == schema


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            "additionalProperties must be false",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string"}},
                "required": [],
                "additionalProperties": False,
            },
            "every property must be required",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "minLength": 2}},
                "required": ["a"],
                "additionalProperties": False,
            },
            "unsupported keyword 'minLength'",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"oneOf": [{"type": "string"}]}},
                "required": ["a"],
                "additionalProperties": False,
            },
            "unsupported keyword 'oneOf'",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {}},
                "required": ["a"],
                "additionalProperties": False,
            },
            "no type",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"$ref": "#/$defs/X"}},
                "required": ["a"],
                "additionalProperties": False,
            },
            "does not point into $defs",
        ),
        ({"anyOf": [{"type": "object"}]}, "root must be an object"),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "array"}},
                "required": ["a"],
                "additionalProperties": False,
            },
            "must declare its items",
        ),
    ],
)
def test_checker_catches_bad_schemas(bad: dict[str, Any], expected: str) -> None:
    problems = strict_schema_problems(bad)
    assert any(expected in p for p in problems), problems


def test_free_form_dicts_are_refused() -> None:
    class Loose(BaseModel):
        counts: dict[str, int]

    with pytest.raises(ValueError, match="counts"):
        strict_json_schema(Loose)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["str", "int", "opt", "list", "lit"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_generated_models_are_strict(fields: list[tuple[str, bool]]) -> None:
    from pydantic import create_model

    kinds: dict[str, Any] = {
        "str": (str, "x"),
        "int": (int, Field(default=1, ge=0)),
        "opt": (str | None, None),
        "list": (list[int], Field(default_factory=list, max_length=3)),
        "lit": (Literal["a", "b"], "a"),
    }
    spec = {
        f"f{i}": kinds[k] if has_default else (kinds[k][0], ...)
        for i, (k, has_default) in enumerate(fields)
    }
    model = create_model("Gen", **spec)  # type: ignore[arg-type]
    schema = strict_json_schema(model)
    assert strict_schema_problems(schema) == []
    assert schema["required"] == list(spec)
