"""Provides the text plumbing of the checker: sentences and tokens with character offsets,
and term patterns compiled from the data files.

A term in a word list is plain words matched case-insensitively on word boundaries;
``*`` at the end of a word matches any ending (``spearhead*``), ``~`` between words allows
up to two words between them (``leverag* ~ synerg*``), and a term starting ``re:`` is a
regular expression used as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Letters of any script ("Hélène", "Björn" are one word each), digits, inner ' and -.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+|-[^\W_]+)*")
# A sentence ends at . ! ? followed by space/end, at a blank line, or before a list bullet.
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=\S)|\n\s*\n+|\n(?=\s*(?:[-*•]|\d+[.)])\s)")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|Mr|Mrs|Ms|Dr|approx|incl)\.|\b[A-Z]\.)$")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower().replace("’", "'")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    tokens: tuple[Token, ...]

    def token_index_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset`` (absolute)."""
        for i, tok in enumerate(self.tokens):
            if tok.start >= offset:
                return i
        return len(self.tokens)


def tokens(text: str, base: int = 0) -> tuple[Token, ...]:
    return tuple(Token(m.group(), base + m.start(), base + m.end()) for m in _WORD.finditer(text))


def sentences(text: str) -> list[Sentence]:
    """Split into sentences, keeping absolute offsets; abbreviations do not end one."""
    out: list[Sentence] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if _ABBREV.search(text[start : m.start()]):
            continue
        out.extend(_make(text, start, m.start()))
        start = m.end()
    out.extend(_make(text, start, len(text)))
    return out


def _make(text: str, start: int, end: int) -> Iterator[Sentence]:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = start + lead
    e = s + len(stripped)
    yield Sentence(text[s:e], s, e, tokens(text[s:e], s))


def _word_pattern(word: str) -> str:
    if word == "~":
        return r"(?:\W+\w+){0,2}"
    star = word.endswith("*")
    core = word.rstrip("*")
    parts = [re.escape(p) for p in re.split(r"[-\s]", core)]
    body = r"[-\s]?".join(parts) if "-" in core else parts[0]
    return body + (r"[\w'-]*" if star else "")


def compile_terms(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive alternation for a word list (longest terms first)."""
    alts: list[str] = []
    for term in sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True):
        if term.startswith("re:"):
            alts.append(f"(?:{term[3:]})")
            continue
        words = term.split()
        pieces: list[str] = []
        for i, w in enumerate(words):
            if w == "~":
                pieces.append(_word_pattern(w))
                continue
            if i and words[i - 1] != "~":
                pieces.append(r"\s+")
            elif i:
                pieces.append(r"\W+")
            pieces.append(_word_pattern(w))
        alts.append(r"(?<![\w-])" + "".join(pieces) + r"(?![\w-])")
    if not alts:
        return None
    return re.compile("|".join(alts), re.IGNORECASE)


def word_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)
