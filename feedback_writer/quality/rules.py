"""Provides the loading of rule files: the shipped ones under ``quality/data`` and, file by
file, a company folder's files of the same name that replace them.

Every file is YAML with a ``source`` and a ``licence`` (where its words come from and
under which terms), then either ``classes`` (named word lists the conditions use) or
``rules`` (each: id, category, terms, conditions, message, suggestion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from feedback_writer.errors import ProblemsError
from feedback_writer.quality.model import CATEGORIES
from feedback_writer.quality.text import compile_terms, word_set

LEXICON = "lexicon.yaml"
RULE_FILES = (
    "trait.yaml",
    "vague.yaml",
    "absolute.yaml",
    "hype.yaml",
    "team_credit.yaml",
    "no_next_step.yaml",
    "gendered.yaml",
    "person.yaml",
    "schmader.yaml",
    "context.yaml",
    "notes.yaml",
)
CONDITIONS = {
    "subject",  # "person": the term is about a person (a person or no subject before it)
    "modes",  # run only in these modes
    "skip_before_thing",  # innocent when the next word is a noun that is not a person
    "innocent_after",  # innocent when one of these words follows
    "innocent_before",  # innocent when one of these words precedes
    "unless",  # innocent when the sentence has one of these lexicon classes
    "requires",  # needs every one of these lexicon classes in the sentence
    "requires_after",  # {class, within}: a word of the class within N words after
    "span",  # "match" (default) or "sentence"
    "text_has",  # needs each of these lexicon classes somewhere in the whole text
    "text_lacks",  # innocent when the whole text has one of these classes
    "max_names",  # innocent when the text names more than this many people
    "mixed",  # [class A, class B]: both in the text; flag the first word of the later one
    "once",  # at most one finding of this rule per text
    "not_proper",  # innocent when capitalised mid-sentence (a product or project name)
    "name",  # the match must be a person's name (capitalised, no known word)
    "clause",  # unless/requires look at the clause (split at ';') instead of the sentence
    "unless_following",  # innocent when the sentence or a later one of its paragraph has one
}


class QualityRulesError(ProblemsError):
    """A rule file that cannot be read or does not validate."""


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    pattern: re.Pattern[str]
    message: str
    suggestion: str
    conditions: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleSet:
    """Every rule and lexicon class, plus the raw data of the context and notes files."""

    rules: tuple[Rule, ...]
    classes: dict[str, frozenset[str]]
    patterns: dict[str, re.Pattern[str]]
    context: dict[str, Any]
    notes: dict[str, Any]
    sources: dict[str, str]


def _read(name: str, company_dir: Path | None) -> tuple[dict[str, Any], str]:
    if company_dir is not None and (company_dir / name).is_file():
        path = company_dir / name
        raw, origin = path.read_text(encoding="utf-8"), str(path)
    else:
        raw = resources.files("feedback_writer.quality").joinpath("data", name).read_text("utf-8")
        origin = f"built-in {name}"
    try:
        # libyaml's parser when installed: the same data, several times faster to read
        # (the Notes screen's first follow-up question loads every rule file).
        data = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError as exc:
        raise QualityRulesError([f"{origin}: invalid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise QualityRulesError([f"{origin}: expected a mapping at the top"])
    problems = [f"{origin}: missing '{k}'" for k in ("source", "licence") if k not in data]
    if problems:
        raise QualityRulesError(problems)
    return data, origin


def _strings(words: Any, where: str) -> None:
    """YAML reads bare no/on/yes as booleans: every word must be a quoted string then."""
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        bad = [w for w in words if not isinstance(w, str)] if isinstance(words, list) else []
        raise QualityRulesError(
            [f"{where}: expected a list of strings, got {bad or type(words).__name__}"],
            hint='quote words YAML reads as booleans or numbers: "no", "on", "yes"',
        )


def _rule(
    entry: dict[str, Any], origin: str, classes: set[str], patterns: dict[str, re.Pattern[str]]
) -> Rule:
    where = f"{origin}: rule {entry.get('id', '?')}"
    required = ("id", "category", "message")
    problems = [f"{where}: missing '{k}'" for k in required if k not in entry]
    if "terms" not in entry and "terms_from" not in entry:
        problems.append(f"{where}: missing 'terms' (or 'terms_from', a lexicon class)")
    problems += [
        f"{where}: '{k}' must be a string (quote it)"
        for k in ("message", "suggestion")
        if k in entry and not isinstance(entry[k], str)
    ]
    if entry.get("category") not in CATEGORIES:
        problems.append(f"{where}: unknown category {entry.get('category')!r}")
    cond = {
        k: v
        for k, v in entry.items()
        if k not in {"id", "category", "terms", "terms_from", "message", "suggestion"}
    }
    problems += [f"{where}: unknown condition '{k}'" for k in cond if k not in CONDITIONS]
    named = [
        n
        for key in ("unless", "requires", "text_has", "text_lacks", "mixed", "unless_following")
        for n in cond.get(key, [])
    ]
    if "requires_after" in cond:
        named.append(cond["requires_after"].get("class", ""))
    known = classes | {"@name", "@actor"}
    problems += [f"{where}: unknown lexicon class '{n}'" for n in named if n not in known]
    for key in ("terms", "innocent_before", "innocent_after"):
        if key in entry:
            _strings(entry[key], f"{where}: {key}")
    pattern = (
        patterns.get(entry["terms_from"])
        if "terms_from" in entry
        else compile_terms(entry.get("terms") or [])
    )
    if pattern is None:
        problems.append(f"{where}: no terms")
    if problems:
        raise QualityRulesError(problems)
    assert pattern is not None
    return Rule(
        entry["id"], entry["category"], pattern, entry["message"], entry.get("suggestion", ""), cond
    )


def load_rules(company_dir: str | Path | None = None) -> RuleSet:
    """The rule set: shipped files, each replaced by a company file of the same name."""
    return _load(str(Path(company_dir).expanduser()) if company_dir else None)


def load_note_rules(company_dir: str | Path | None = None) -> dict[str, Any]:
    """``notes.yaml`` alone (the parts of a usable note and their follow-up questions), as
    :func:`load_rules` reads it: the Notes screen asks for a note's follow-up question when
    it opens, and compiling every other rule first took most of its opening time."""
    return _load_notes(str(Path(company_dir).expanduser()) if company_dir else None)


def _folder(company: str | None) -> Path | None:
    folder = Path(company) if company else None
    if folder is not None and not folder.is_dir():
        raise QualityRulesError([f"{folder}: not a folder of rule files"])
    return folder


@lru_cache(maxsize=8)
def _load_notes(company: str | None) -> dict[str, Any]:
    return _read("notes.yaml", _folder(company))[0]


@lru_cache(maxsize=8)
def _load(company: str | None) -> RuleSet:
    folder = _folder(company)
    lex, origin = _read(LEXICON, folder)
    sources = {LEXICON: f"{lex['source']} ({lex['licence']})"}
    classes: dict[str, frozenset[str]] = {}
    patterns: dict[str, re.Pattern[str]] = {}
    for name, words in (lex.get("classes") or {}).items():
        _strings(words, f"{origin}: class {name}")
        classes[name] = word_set(w for w in words if not w.startswith("re:") and " " not in w)
        pat = compile_terms(words)
        if pat is not None:
            patterns[name] = pat
    rules: list[Rule] = []
    extra: dict[str, dict[str, Any]] = {}
    for name in RULE_FILES:
        data, origin = _read(name, folder)
        sources[name] = f"{data['source']} ({data['licence']})"
        if name in ("context.yaml", "notes.yaml"):
            extra[name] = data
            continue
        if data.get("enabled", True) is False:
            continue
        rules += [_rule(e, origin, set(classes), patterns) for e in data.get("rules") or []]
    return RuleSet(
        tuple(rules), classes, patterns, extra["context.yaml"], extra["notes.yaml"], sources
    )
