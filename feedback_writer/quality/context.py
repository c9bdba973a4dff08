"""Provides the checks that need context beyond the text: unsupported claims (against the
cited notes), calibration (against levels and the stated rating) and recency (note dates
against the review window). Each runs only when its inputs are in the context.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from feedback_writer.quality.engine import not_claim_spans
from feedback_writer.quality.model import CheckContext, Finding
from feedback_writer.quality.rules import RuleSet
from feedback_writer.quality.text import compile_terms, sentences

_NUMBER = re.compile(r"(?<![\w.])\d[\d,.]*(?:%|x\b)?")
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b",
    re.IGNORECASE,
)
# Mid-sentence capitalised words, CamelCase, dotted/dashed identifiers, `code`.
_NAME = re.compile(
    r"`[^`]+`|(?<=[a-z,;]\s)[A-Z][A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*"
    r"|\b[a-z]+[A-Z][A-Za-z0-9]*\b|\b[a-z0-9]+(?:[-_][a-z0-9]+)+(?:-service|-api|_db)\b"
)


def _f(rule: str, cat: str, text: str, start: int, end: int, msg: str, sug: str) -> Finding:
    span = text[start:end]
    return Finding(rule, cat, start, end, span, msg.replace("{match}", span), sug)


def unsupported(rules: RuleSet, text: str, ctx: CheckContext) -> list[Finding]:
    if ctx.notes is None:
        return []
    conf: dict[str, Any] = rules.context["unsupported"]
    if not ctx.notes:
        return [
            _f(
                "unsupported.no-citation",
                "unsupported",
                text,
                s.start,
                s.end,
                conf["no_citation_message"],
                conf["no_citation_suggestion"],
            )
            for s in sentences(text)
        ]
    # The notes' dates count as in the notes: a draft shows them beside its points.
    dates = " ".join(n.date.isoformat() for n in ctx.notes if n.date)
    corpus = " ".join([*(n.text for n in ctx.notes), dates]).casefold()
    digits = {re.sub(r"[^\d.]", "", m.group()).rstrip(".") for m in _NUMBER.finditer(corpus)}
    skip = {w.casefold() for w in conf.get("not_names", [])}
    skip |= {w.casefold() for w in (ctx.person or "").split()}
    skip |= {w.casefold() for w in ctx.known_terms}
    spared = not_claim_spans(rules, text)
    out: list[Finding] = []
    for pattern in (_NUMBER, _MONTH, _NAME):
        for m in pattern.finditer(text):
            word = m.group().strip("`").rstrip(".,")
            if word.casefold() in skip or any(f.start <= m.start() < f.end for f in out):
                continue
            if any(a <= m.start() < b for a, b in spared):
                continue  # a drafter's count of notes, not a claim
            if pattern is _NUMBER:
                present = re.sub(r"[^\d.]", "", word).rstrip(".") in digits
            else:
                present = word.casefold() in corpus
            if not present:
                out.append(
                    _f(
                        "unsupported.not-in-notes",
                        "unsupported",
                        text,
                        m.start(),
                        m.start() + len(word),
                        conf["missing_message"],
                        conf["missing_suggestion"],
                    )
                )
    return out


def calibration(rules: RuleSet, text: str, ctx: CheckContext) -> list[Finding]:
    conf: dict[str, Any] = rules.context["calibration"]
    out: list[Finding] = []
    if ctx.next_level:
        promo = compile_terms(conf["promotion"])
        hit = promo.search(text) if promo else None
        if hit and ctx.next_level not in ctx.expectation_levels:
            out.append(
                _f(
                    "calibration.unsupported-promotion",
                    "calibration",
                    text,
                    hit.start(),
                    hit.end(),
                    conf["promotion_message"],
                    conf["promotion_suggestion"].replace("{next_level}", ctx.next_level),
                )
            )
    if ctx.calibration == "below" and ctx.has_growth_point is False:
        out.append(
            _f(
                "calibration.below-without-growth",
                "calibration",
                text,
                0,
                len(text),
                conf["below_message"],
                conf["below_suggestion"],
            )
        )
    if ctx.calibration in conf["ratings"]:
        for rating, words in conf["ratings"].items():
            pat = compile_terms(words)
            hit = pat.search(text) if pat and rating != ctx.calibration else None
            if hit:
                msg = conf["contradiction_message"].replace("{calibration}", ctx.calibration)
                out.append(
                    _f(
                        "calibration.contradiction",
                        "calibration",
                        text,
                        hit.start(),
                        hit.end(),
                        msg,
                        conf["contradiction_suggestion"],
                    )
                )
    return out


def recency(rules: RuleSet, text: str, ctx: CheckContext) -> list[Finding]:
    if not ctx.window or not ctx.notes:
        return []
    conf: dict[str, Any] = rules.context["recency"]
    first, last = ctx.window
    days = (last - first).days
    dates = sorted(n.date for n in ctx.notes if n.date and first <= n.date <= last)
    if days < conf["min_window_days"] or len(dates) < conf["min_notes"]:
        return []
    cut = last - dt.timedelta(days=round(days * conf["last_part"]))
    in_last = sum(d >= cut for d in dates)
    if in_last / len(dates) < conf["min_share"]:
        return []
    covered = (dates[-1] - dates[0]).days + 1
    values = {
        "in_last": in_last,
        "dated": len(dates),
        "covered_days": covered,
        "window_days": days,
        "covered_pct": round(100 * covered / days),
    }
    msg = conf["message"]
    for key, value in values.items():
        msg = msg.replace("{" + key + "}", str(value))
    return [
        Finding("recency.late-evidence", "recency", 0, len(text), text, msg, conf["suggestion"])
    ]
