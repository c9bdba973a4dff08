"""Provides the one citation grammar: note ids, expectation ids and bracketed citations.

A draft cites its evidence as ``[n12; reliability.mid.improves-runbooks]`` (see
:func:`feedback_writer.drafting.render.citation`): a bracket holding note ids (``n`` and
digits) and expectation ids (three dot-separated slugs: competency, level, expectation),
separated by ``;`` (a human may type ``,``). A human may also cite an id bare in prose.
Ids found here are only candidates: callers check them against the workspace and the
ladder, since ordinary prose can match too. Quoted note text never holds a citation:
:func:`neutralise_citations` (from :mod:`feedback_writer.notes.quoting`, so that drafting
can use the same function) turns its citation-like brackets into ``⟦…⟧``.
"""

from __future__ import annotations

import re

from feedback_writer.notes.quoting import neutralise_citations

__all__ = [
    "CITATION",
    "EXPECTATION_REF",
    "NOTE_REF",
    "cited_ids",
    "neutralise_citations",
    "parse_citations",
    "split_ids",
    "strip_citations",
]

NOTE_ID = r"n\d+"
_SLUG = r"[a-z0-9][a-z0-9-]*"
EXPECTATION_ID = rf"{_SLUG}\.{_SLUG}\.{_SLUG}"

NOTE_REF = re.compile(rf"\b{NOTE_ID}\b")
"""A note id anywhere in text, bare or in a citation."""
EXPECTATION_REF = re.compile(rf"\b{EXPECTATION_ID}\b")
"""An expectation-like id anywhere in text, bare or in a citation."""

_ID = rf"(?:{NOTE_ID}|{EXPECTATION_ID})"
CITATION = re.compile(rf"\[\s*({_ID}(?:\s*[;,]\s*{_ID})*)\s*[;,]?\s*\]")
"""A bracketed citation; group 1 is its ids with their separators."""
_STRIPPABLE = re.compile(rf"[ \t]*{CITATION.pattern}")

Citation = tuple[list[str], list[str]]
"""(note ids, expectation ids) of one citation, in the order written."""


def split_ids(ids: str) -> Citation:
    """The note ids and expectation ids of one citation's inside (``n2; a.b.c``)."""
    parts = [p.strip() for p in re.split(r"[;,]", ids) if p.strip()]
    notes = [p for p in parts if re.fullmatch(NOTE_ID, p)]
    return notes, [p for p in parts if p not in notes]


def parse_citations(text: str) -> list[Citation]:
    """Every bracketed citation in ``text``, in order: (note ids, expectation ids) each."""
    return [split_ids(m.group(1)) for m in CITATION.finditer(text)]


def strip_citations(text: str) -> str:
    """``text`` without its bracketed citations (and the spaces before each)."""
    return _STRIPPABLE.sub("", text)


def cited_ids(text: str) -> tuple[list[str], list[str]]:
    """(note ids, expectation-like ids) anywhere in ``text``, in order of appearance, unique.

    Bare ids count as well as bracketed ones; expectation-like ids still need checking
    against the ladder: prose can match too.
    """
    notes = list(dict.fromkeys(NOTE_REF.findall(text)))
    expectations = list(dict.fromkeys(EXPECTATION_REF.findall(text)))
    return notes, expectations
