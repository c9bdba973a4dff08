"""Provides the one way a note's text is quoted: citation-like brackets neutralised.

A draft cites its evidence in brackets (``[n12; reliability.mid.improves-runbooks]``, see
:mod:`feedback_writer.citations`). A note's own text could hold such a bracket, so
wherever a note is quoted (the offline drafter's excerpts, every model prompt, the JSON
export's ``cited_notes``) the bracket becomes ``⟦…⟧``: visibly a quote, never a citation.
It lives with the notes so that drafting and review, sibling layers, share this one
function.
"""

from __future__ import annotations

import re

ID_LIKE = re.compile(r"\b(?:n\d+|[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*)\b")
"""A note id (``n12``) or an expectation-like id (three dot-separated slugs)."""

CITATION_LIKE = re.compile(rf"\[([^\[\]\n]*{ID_LIKE.pattern}[^\[\]\n]*)\]")
"""A bracket holding anything id-like: what a citation looks like (the grammar of
:mod:`feedback_writer.citations` is stricter; this is deliberately wider)."""


def neutralise_citations(text: str) -> str:
    """Quoted note text with its citation-like brackets made visibly different
    (``[n9; a.b.c]`` becomes ``⟦n9; a.b.c⟧``), so a note can never pass for a citation."""
    return CITATION_LIKE.sub(r"⟦\1⟧", text)
