"""Provides the measure of a human edit: how many of the drafter's words a human changed.

An edit means a human rewrote something. Texts are compared as word sequences after
NFKC normalisation, case folding and removal of invisible formatting characters (Unicode
category ``Cf``, such as U+200B), so whitespace, punctuation, case and invisible
characters never count. :func:`difflib.SequenceMatcher` aligns the two word sequences;
every drafter word replaced or removed and every word added counts once (a replaced run
counts as its longer side). A section is edited when that count reaches ``min_edit`` of
the drafter's words, and never fewer than :data:`MIN_WORDS` words. Leaving the offline
outline's banner in place keeps a section untouched whatever else changed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

DEFAULT_MIN_EDIT = 0.15
"""The share of the drafter's words a human must change (the ``min_edit`` setting)."""
MIN_WORDS = 3
"""However short the drafter's text, an edit changes at least this many words."""
OUTLINE_BANNER = "Evidence outline (offline-outline)"
"""How the offline drafter's summary opens (``drafting.offline.LABEL`` starts with it)."""

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The words of ``text``: NFKC, case-folded, without invisible or punctuation marks."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    visible = "".join(
        " " if unicodedata.category(c).startswith("Z") else c
        for c in folded
        if unicodedata.category(c) != "Cf"
    )
    return _WORD.findall(visible)


def words_changed(before: str, after: str) -> int:
    """Words of ``before`` replaced or removed in ``after``, plus words ``after`` added."""
    a, b = words(before), words(after)
    changed = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            changed += max(i2 - i1, j2 - j1)
    return changed


def has_banner(text: str) -> bool:
    """True when ``text`` still carries the offline outline's banner (in any spacing/case)."""
    banner = words(OUTLINE_BANNER)
    found = words(text)
    n = len(banner)
    return any(found[i : i + n] == banner for i in range(len(found) - n + 1))


@dataclass(frozen=True)
class EditSize:
    """How much of the drafter's text a human changed, and how much counts as an edit."""

    changed: int
    total: int
    needed: int
    banner: bool = False
    """The offline outline's banner is still in the human's text."""

    @property
    def enough(self) -> bool:
        return not self.banner and self.changed >= self.needed

    def describe(self) -> str:
        share = f" ({self.changed / self.total:.0%})" if self.total else ""
        text = f"changed {self.changed} of {self.total} words{share}, needs {self.needed}"
        if self.banner:
            text += "; the outline's banner is still in place (remove it)"
        return text


def needed_words(total: int, min_edit: float = DEFAULT_MIN_EDIT) -> int:
    """Words to change in a drafter text of ``total`` words (at least :data:`MIN_WORDS`)."""
    return max(MIN_WORDS, math.ceil(min_edit * total - 1e-9))


def edit_size(drafter: str, human: str, min_edit: float = DEFAULT_MIN_EDIT) -> EditSize:
    """How far ``human`` is from ``drafter`` (see the module docstring)."""
    total = len(words(drafter))
    banner = has_banner(drafter) and has_banner(human)
    return EditSize(words_changed(drafter, human), total, needed_words(total, min_edit), banner)
