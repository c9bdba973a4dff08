"""Provides the paste-ready text of a reviewed section: no citations, banner or markers.

Markdown and text exports are prose someone pastes into a review tool, so a section's
bracketed citations (``[n2; product.mid.creates-decision-documents]``) go, as do the
offline outline's banner line and any ``<!-- ... -->`` comment (review-file markers
included). ``--citations`` chooses what replaces the brackets: nothing (``none``, the
default), a numbered footnote (``footnotes``) or a short readable source in parentheses
(``inline``). The JSON export keeps the full provenance and does not go through here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from feedback_writer.citations import CITATION, split_ids
from feedback_writer.errors import NotFoundError, UsageError
from feedback_writer.ladder.model import Ladder
from feedback_writer.review.authorship import OUTLINE_BANNER
from feedback_writer.storage.repository import Repository

CITATION_STYLES = ("none", "footnotes", "inline")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BEFORE = re.compile(rf"[ \t]*{CITATION.pattern}")


def check_style(style: str) -> str:
    if style not in CITATION_STYLES:
        raise UsageError(
            f"unknown citation style '{style}'", hint="--citations none, footnotes or inline"
        )
    return style


@dataclass
class Sources:
    """Readable sources for citations, numbered in order of first use (for footnotes)."""

    repo: Repository
    ladder: Ladder
    person: str
    numbers: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def describe(self, ids: str) -> str:
        """``n2; product.mid.x`` as "note of 2026-03-02; Product, Mid: creates ..."."""
        note_ids, expectation_ids = split_ids(ids)
        parts = [self._note(n) for n in note_ids]
        parts += [self._expectation(e) for e in expectation_ids]
        return "; ".join(p for p in parts if p)

    def _note(self, note_id: str) -> str:
        try:
            note = self.repo.get_note(note_id)
        except NotFoundError:
            return ""
        if note.person != self.person:
            return ""
        when = f" of {note.date.isoformat()}" if note.date else ""
        who = f" ({note.author_name})" if note.author_name else ""
        return f"note {note.id}{when}{who}"

    def _expectation(self, exp_id: str) -> str:
        if not self.ladder.has_expectation(exp_id):
            return ""
        e = self.ladder.expectation(exp_id)
        text = e.text.rstrip(".")
        level = self.ladder.level(e.level).name
        return f"{self.ladder.competency(e.competency).name}, {level}: {text}"

    def footnote(self, ids: str) -> int | None:
        text = self.describe(ids)
        if not text:
            return None
        if text not in self.numbers:
            self.numbers[text] = len(self.numbers) + 1
            self.notes.append(text)
        return self.numbers[text]


def _without_banner(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if OUTLINE_BANNER not in line)


def clean_text(
    text: str, style: str = "none", sources: Sources | None = None, *, markdown: bool = True
) -> str:
    """``text`` ready to paste: citations as ``style``, no banner line, no comments."""
    text = _without_banner(_COMMENT.sub("", text))
    replace: Callable[[re.Match[str]], str]
    if style == "none" or sources is None:

        def replace(m: re.Match[str]) -> str:
            return ""

    elif style == "inline":

        def replace(m: re.Match[str]) -> str:
            described = sources.describe(m.group(1))
            return f" ({described})" if described else ""

    else:

        def replace(m: re.Match[str]) -> str:
            number = sources.footnote(m.group(1))
            if number is None:
                return ""
            return f"[^{number}]" if markdown else f" [{number}]"

    lines = [line.rstrip() for line in _BEFORE.sub(replace, text).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def footnotes_block(sources: Sources | None, *, markdown: bool = True) -> Sequence[str]:
    """The footnote lines collected while cleaning, in number order."""
    if sources is None or not sources.notes:
        return []
    if markdown:
        return [f"[^{i}]: {text}" for i, text in enumerate(sources.notes, start=1)]
    return [f"[{i}] {text}" for i, text in enumerate(sources.notes, start=1)]
