"""Provides JSON schemas for strict structured output, and a checker for them.

OpenAI's strict mode accepts only a subset of JSON Schema: every object closed
(``additionalProperties: false``) with every property required, no numeric/string
constraints, no ``oneOf``/``allOf``. :func:`strict_json_schema` rewrites a pydantic
model's schema into that subset; the constraints it drops are kept as words in the
``description`` (pydantic still enforces them when the answer is validated, and a
violation becomes a repair turn). :func:`strict_schema_problems` lists what a schema
still does wrong, so the transformation is checked rather than trusted.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import BaseModel

# Keywords strict mode rejects; their meaning moves into the description instead.
_CONSTRAINTS = (
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
)
_DROPPED = ("title", "examples", "discriminator", "patternProperties", "propertyNames")
_UNSUPPORTED = frozenset(
    (
        *_CONSTRAINTS,
        *_DROPPED,
        *("default", "const", "oneOf", "allOf", "not", "if", "then", "else", "prefixItems"),
        *("dependentRequired", "dependentSchemas", "unevaluatedProperties"),
    )
)
_REF_PREFIX = "#/$defs/"


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of ``model``, rewritten so strict structured output accepts it.

    Raises ``ValueError`` when the model uses something strict mode cannot express
    (a free-form ``dict`` field, ``Any``, a tuple), naming the offending path.
    """
    raw = model.model_json_schema()
    defs: dict[str, Any] = raw.pop("$defs", {})
    if set(raw) == {"$ref"}:
        # A recursive model's schema is a bare $ref; strict mode wants an object at the root.
        raw = copy.deepcopy(defs[str(raw["$ref"]).removeprefix(_REF_PREFIX)])
    root: dict[str, Any] = _strict(raw, defs)
    if defs:
        root["$defs"] = {name: _strict(sub, defs) for name, sub in defs.items()}
    problems = strict_schema_problems(root)
    if problems:
        raise ValueError(
            f"{model.__name__} cannot be used for strict structured output:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return root


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with local ``$ref``s replaced by their definitions.

    For providers that get the schema through a translation (Anthropic tools, Ollama's
    ``format``) and may not resolve ``$defs``. A recursive model keeps its refs.
    """
    defs = schema.get("$defs", {})
    if not defs:
        return copy.deepcopy(schema)

    def resolve(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [resolve(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
            name = ref[len(_REF_PREFIX) :]
            if name in seen:
                raise RecursionError(name)
            merged = {**defs[name], **{k: v for k, v in node.items() if k != "$ref"}}
            return resolve(merged, (*seen, name))
        return {k: resolve(v, seen) for k, v in node.items() if k != "$defs"}

    try:
        result: dict[str, Any] = resolve(schema, ())
    except RecursionError:
        return copy.deepcopy(schema)
    return result


def _describe_dropped(node: dict[str, Any]) -> dict[str, Any]:
    """Move constraints and defaults into the description so the model still sees them."""
    notes = [f"{key}={json.dumps(node[key])}" for key in _CONSTRAINTS if key in node]
    words = [f"Constraints: {', '.join(notes)}."] if notes else []
    if node.get("default") is not None:
        words.append(f"Default: {json.dumps(node['default'])}.")
    out = {k: v for k, v in node.items() if k not in _CONSTRAINTS and k not in _DROPPED}
    out.pop("default", None)
    if words:
        out["description"] = " ".join(
            [out["description"], *words] if out.get("description") else words
        )
    return out


def _strict(node: Any, defs: dict[str, Any]) -> Any:
    if not isinstance(node, dict):
        return node
    node = _describe_dropped(node)
    # A $ref with siblings (e.g. a description) is not allowed: inline the definition.
    if "$ref" in node and len(node) > 1:
        name = str(node.pop("$ref")).removeprefix(_REF_PREFIX)
        node = {**_describe_dropped(defs[name]), **node}
    if "const" in node:
        node["enum"] = [node.pop("const")]
    if "oneOf" in node:
        node["anyOf"] = node.pop("oneOf")
    if "allOf" in node and len(node["allOf"]) == 1:
        only = node.pop("allOf")[0]
        return _strict({**only, **node}, defs)
    if "properties" in node:
        props: dict[str, Any] = node["properties"]
        required = set(node.get("required", []))
        node["properties"] = {
            name: _strict(sub if name in required else _nullable_if_defaulted(sub), defs)
            for name, sub in props.items()
        }
        node["required"] = list(props)
        node["additionalProperties"] = False
        node.setdefault("type", "object")
    elif node.get("type") == "object" and "additionalProperties" not in node:
        node["properties"] = {}
        node["required"] = []
        node["additionalProperties"] = False
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            node[key] = _strict(node[key], defs)
    if "anyOf" in node:
        node["anyOf"] = [_strict(sub, defs) for sub in node["anyOf"]]
    return node


def _nullable_if_defaulted(sub: dict[str, Any]) -> dict[str, Any]:
    """An optional field becomes required; only a ``None`` default earns a null branch.

    A field whose default is a real value (``level: str = "mid"``) stays non-null: the
    model must then give a value, which pydantic accepts, whereas a null would fail it.
    """
    if "default" not in sub or sub["default"] is not None or _allows_null(sub):
        return sub
    return {"anyOf": [sub, {"type": "null"}]}


def _allows_null(sub: dict[str, Any]) -> bool:
    kind = sub.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(isinstance(s, dict) and s.get("type") == "null" for s in sub.get("anyOf", []))


def strict_schema_problems(schema: dict[str, Any]) -> list[str]:
    """What keeps ``schema`` from being accepted in strict mode; empty when it is fine."""
    problems: list[str] = []
    defs = schema.get("$defs", {})
    root = schema
    if isinstance(schema.get("$ref"), str):
        root = defs.get(str(schema["$ref"]).removeprefix(_REF_PREFIX), {})
    if root.get("type") != "object" or "anyOf" in schema:
        problems.append("#: the root must be an object, not a union")
    _check(schema, "#", defs, problems)
    for name, sub in defs.items():
        _check(sub, f"#/$defs/{name}", defs, problems)
    return problems


def _check(node: Any, path: str, defs: dict[str, Any], problems: list[str]) -> None:
    if not isinstance(node, dict):
        problems.append(f"{path}: a schema must be an object, got {json.dumps(node)}")
        return
    for key in sorted(_UNSUPPORTED & node.keys()):
        problems.append(f"{path}: unsupported keyword '{key}'")
    if "$ref" in node:
        ref = str(node["$ref"])
        if not ref.startswith(_REF_PREFIX) or ref[len(_REF_PREFIX) :] not in defs:
            problems.append(f"{path}: $ref '{ref}' does not point into $defs")
        if len(node) > 1:
            problems.append(f"{path}: $ref must stand alone, found {sorted(node)}")
        return
    if not ({"type", "anyOf", "enum"} & node.keys()):
        problems.append(f"{path}: no type (an untyped/Any value is not allowed)")
    kinds = node.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "object" in kinds or "properties" in node:
        props = node.get("properties")
        if not isinstance(props, dict):
            problems.append(f"{path}: an object must list its properties (no free-form maps)")
            props = {}
        if node.get("additionalProperties") is not False:
            problems.append(f"{path}: additionalProperties must be false")
        missing = [name for name in props if name not in node.get("required", [])]
        if missing:
            problems.append(f"{path}: every property must be required, missing {missing}")
        for name, sub in props.items():
            _check(sub, f"{path}/properties/{name}", defs, problems)
    if "array" in kinds:
        if "items" not in node:
            problems.append(f"{path}: an array must declare its items")
        else:
            _check(node["items"], f"{path}/items", defs, problems)
    for i, sub in enumerate(node.get("anyOf", [])):
        _check(sub, f"{path}/anyOf/{i}", defs, problems)
