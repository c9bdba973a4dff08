"""Provides the learned checks: a small logistic model per fuzzy category, shipped as data
(``quality/data/learned.json``, replaced by a company folder's file of the same name), that
decides together with the word-list rules whether a line has a problem of its kind.

A model scores each line (a paragraph or a list item) from generic features: its words
and word pairs, the mode, which rules fired on it and which lexicon classes it has. Per
category the data file says how model and rules combine: ``threshold`` (flag when the
probability reaches it and no class of ``unless`` is present), ``veto`` (drop the
rules' findings of the category when the probability is below it) and, for a model-only
finding, the message and suggestion. The span of a model-only finding is the sentence of
the line that scores highest. No word lives here; the weights are in the data file,
trained by ``bench/quality_learned.py``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from feedback_writer.quality.engine import HEADING, Matcher, not_claim_spans
from feedback_writer.quality.model import CATEGORIES, CheckContext, Finding
from feedback_writer.quality.rules import RuleSet
from feedback_writer.quality.text import sentences, tokens

MODEL_FILE = "learned.json"
MIN_WORDS = 4
# A line that is all emphasis ("_Peer input: summarised ..._"): a note, not a claim.
_EMPHASIS = re.compile(r"_[^_]+_|\*[^*]+\*")
_DIGITS = re.compile(r"\d+")
_LINE = re.compile(r"\n\s*")


def features(
    text: str, mode: str, rules: Iterable[str] = (), classes: Iterable[str] = ()
) -> set[str]:
    """The generic features of ``text``: lowercased words (digits as ``0``) and adjacent
    pairs, a marker for capitalised words inside a sentence, the length, whether it has a
    number, the mode, each rule id and category that fired (``rules``: rule ids) and each
    lexicon class present (``classes``: class names)."""
    feats = {f"m:{mode}"}
    sents = sentences(text)
    size = sum(len(s.tokens) for s in sents)
    feats.add(f"n:len{min(size // 8, 4)}")
    feats.add(f"n:sents{min(len(sents), 3)}")
    if _DIGITS.search(text):
        feats.add("n:digit")
    feats.update(f"k:{name}" for name in classes)
    for sent in sents:
        words: list[str] = ["<s>"]
        for i, tok in enumerate(sent.tokens):
            low = _DIGITS.sub("0", tok.low)
            words.append(low)
            if i and tok.text[:1].isupper() and not tok.text.isupper():
                feats.add("u:<cap>")
        words.append("</s>")
        feats.update(f"u:{w}" for w in words[1:-1])
        feats.update(f"b:{a}_{b}" for a, b in pairwise(words))
    for rule in rules:
        feats.add(f"r:{rule}")
        feats.add(f"c:{rule.split('.')[0]}")
    return feats


@dataclass(frozen=True)
class CategoryModel:
    """One category's weights and how they combine with the rules."""

    category: str
    bias: float
    weights: dict[str, float]
    threshold: float | None = None
    veto: float | None = None
    message: str = ""
    suggestion: str = ""
    unless: tuple[str, ...] = ()
    # Classes one of which must be present for the model alone to flag (team credit needs a
    # team result: "Zeynep is on a team that owns billing" claims nothing).
    requires: tuple[str, ...] = ()

    def probability(self, feats: Iterable[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Models:
    """Every category's model, and the lexicon classes whose presence is a feature."""

    categories: dict[str, CategoryModel] = field(default_factory=dict)
    classes: tuple[str, ...] = ()
    source: str = ""


def parse_models(data: dict[str, Any], origin: str) -> Models:
    """The models of a parsed data file; a missing source/licence or an unknown category is
    an error naming ``origin``."""
    from feedback_writer.quality.rules import QualityRulesError

    problems = [f"{origin}: missing '{k}'" for k in ("source", "licence") if k not in data]
    out: dict[str, CategoryModel] = {}
    for cat, entry in (data.get("categories") or {}).items():
        if cat not in CATEGORIES:
            problems.append(f"{origin}: unknown category {cat!r}")
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("weights"), dict):
            problems.append(f"{origin}: {cat}: expected 'bias' and 'weights'")
            continue
        out[cat] = CategoryModel(
            cat,
            float(entry.get("bias", 0.0)),
            {str(k): float(v) for k, v in entry["weights"].items()},
            entry.get("threshold"),
            entry.get("veto"),
            str(entry.get("message", "")),
            str(entry.get("suggestion", "")),
            tuple(str(c) for c in entry.get("unless") or ()),
            tuple(str(c) for c in entry.get("requires") or ()),
        )
    if problems:
        raise QualityRulesError(problems)
    classes = tuple(str(c) for c in data.get("classes") or ())
    problems += [
        f"{origin}: {m.category}: 'unless'/'requires' names {c!r}, not in 'classes'"
        for m in out.values()
        for c in (*m.unless, *m.requires)
        if c not in classes
    ]
    if problems:
        raise QualityRulesError(problems)
    return Models(out, classes, f"{data.get('source')} ({data.get('licence')})")


def load_models(company_dir: str | Path | None = None) -> Models:
    """The shipped models, or a company folder's ``learned.json`` instead when it has one."""
    return _load(str(Path(company_dir).expanduser()) if company_dir else None)


@lru_cache(maxsize=8)
def _load(company: str | None) -> Models:
    path = Path(company) / MODEL_FILE if company else None
    if path is not None and path.is_file():
        raw, origin = path.read_text(encoding="utf-8"), str(path)
    else:
        data_dir = resources.files("feedback_writer.quality").joinpath("data")
        if not data_dir.joinpath(MODEL_FILE).is_file():
            return Models()
        raw, origin = data_dir.joinpath(MODEL_FILE).read_text("utf-8"), f"built-in {MODEL_FILE}"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        from feedback_writer.quality.rules import QualityRulesError

        raise QualityRulesError([f"{origin}: invalid JSON: {exc}"]) from None
    return parse_models(data, origin)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each unit a model scores: a line (a paragraph, a list item), as the
    one- or two-sentence texts the models were trained on."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _LINE.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip()]


def present(models: Models, rules: RuleSet, text: str, context: CheckContext | None) -> list[str]:
    """The lexicon classes of ``models.classes`` that ``text`` has."""
    m = Matcher(rules, text, context)
    toks = tokens(text)
    return [name for name in models.classes if m.has(name, text, toks)]


def combine(
    models: Models,
    rules: RuleSet,
    text: str,
    mode: str,
    context: CheckContext | None,
    found: Sequence[Finding],
) -> list[Finding]:
    """The rules' findings ``found`` after the models have had their say, line by line:
    vetoed rule findings dropped, model-only findings added (not on a line with a
    drafter's bookkeeping, lexicon ``not_claims``)."""
    if not models.categories:
        return list(found)
    out = [f for f in found if f.category not in models.categories]
    spared = not_claim_spans(rules, text)
    for a, b in paragraphs(text):
        inside = [f for f in found if a <= f.start < b]
        classes = present(models, rules, text[a:b], context)
        feats = features(text[a:b], mode, (f.rule for f in inside), classes)
        spare = any(a <= s < b or s <= a < e for s, e in spared)
        for cat, model in models.categories.items():
            own = [f for f in inside if f.category == cat]
            p = model.probability(feats)
            if own and (model.veto is None or p >= model.veto):
                out += own
            elif not own and flags(model, p, classes, text[a:b]) and not spare:
                out.append(_model_finding(model, text, a, b, mode, inside, classes))
    return out


def flags(model: CategoryModel, p: float, classes: Sequence[str], line: str) -> bool:
    """Whether the model alone flags ``line``: probability at its threshold, none of its
    ``unless`` classes present, one of its ``requires`` classes present (if any), at least
    ``MIN_WORDS`` words, no heading nor emphasis line."""
    if model.threshold is None or p < model.threshold:
        return False
    if any(c in classes for c in model.unless):
        return False
    if model.requires and not any(c in classes for c in model.requires):
        return False
    if HEADING.fullmatch(line.strip()) or _EMPHASIS.fullmatch(line.strip()):
        return False
    return len(tokens(line)) >= MIN_WORDS


def _model_finding(
    model: CategoryModel,
    text: str,
    a: int,
    b: int,
    mode: str,
    inside: Sequence[Finding],
    classes: Sequence[str],
) -> Finding:
    """A finding on the line's sentence that the model scores highest."""
    best: tuple[float, int, int] | None = None
    for sent in sentences(text[a:b]):
        s, e = a + sent.start, a + sent.end
        rules = (f.rule for f in inside if s <= f.start < e)
        p = model.probability(features(text[s:e], mode, rules, classes))
        if best is None or p > best[0]:
            best = (p, s, e)
    _, s, e = best if best else (0.0, a, b)
    span = text[s:e]
    return Finding(
        f"{model.category}.learned",
        model.category,
        s,
        e,
        span,
        model.message.replace("{match}", span),
        model.suggestion.replace("{match}", span),
    )
