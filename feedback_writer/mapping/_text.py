"""Provides the matcher's text analysis: tokens, a light stemmer, and the generic lexicon.

Everything here is ladder-independent. The lexicon (stopwords, concept groups, polarity cues,
non-work cues, scope cues) is a data file, ``data/lexicon.yaml``, read once per process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import yaml

LEXICON_PATH = Path(__file__).with_name("data") / "lexicon.yaml"

# Longest phrase the lexicon may hold, in tokens; phrase lookups try every length up to it.
MAX_PHRASE = 4

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
# "didn't" keeps its negation as a token of its own ("did", "n't"); other clitics ('s, 're)
# carry no meaning for matching and go.
_NEGATION = re.compile(r"n't\b")
_CLITIC = re.compile(r"'(?:s|re|ve|ll|d|m)\b")
_TOKEN = re.compile(r"n't|[a-z0-9]+(?:[-/][a-z0-9]+)*")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; hyphenated and slashed compounds stay whole ("on-call")."""
    text = text.lower().translate(_APOSTROPHES)
    if "'" in text:  # most notes have none: two regex passes saved
        text = _NEGATION.sub(" n't", text)
        text = _CLITIC.sub("", text)
    return _TOKEN.findall(text)


def split_compounds(toks: list[str]) -> list[str]:
    """Each compound followed by its parts, so "on-call" also meets "on call" and "call"."""
    out: list[str] = []
    for t in toks:
        out.append(t)
        if "-" in t or "/" in t:
            out.extend(p for p in re.split(r"[-/]", t) if p)
    return out


_VOWELS = set("aeiouy")
_DOUBLE_KEEP = set("lsz")


def _has_vowel(s: str) -> bool:
    return any(c in _VOWELS for c in s)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: conflates inflections ("tests", "testing", "tested").

    Porter-like but smaller; stems need not be words, only agree between a note and a ladder.
    """
    w = word
    if len(w) <= 3 or not w.isalpha():
        return w
    # British and American spellings meet: "optimise" / "optimize".
    w = re.sub(r"is(e|ed|es|ing|ation|ations)$", r"iz\1", w)
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix, repl, min_stem in (
        ("izations", "iz", 3),
        ("ization", "iz", 3),
        ("ations", "at", 3),
        ("ation", "at", 3),
        ("ability", "abl", 3),
        ("ibility", "ibl", 3),
        ("ments", "", 4),
        ("ment", "", 4),
        ("ness", "", 3),
        ("ingly", "", 3),
        ("edly", "", 3),
        ("ing", "", 3),
        ("ed", "", 3),
        ("ly", "", 4),
        ("ity", "", 4),
        ("ful", "", 4),
    ):
        if w.endswith(suffix):
            base = w[: -len(suffix)]
            if len(base) >= min_stem and _has_vowel(base):
                w = base + repl
            break
    if w.endswith("e") and len(w) >= 3:
        w = w[:-1]
    if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in _VOWELS and w[-1] not in _DOUBLE_KEEP:
        w = w[:-1]
    return w


@dataclass(frozen=True)
class Lexicon:
    """The generic word lists, with phrases as tuples of tokens (stemmed where matching is)."""

    stopwords: frozenset[str]
    concepts: dict[tuple[str, ...], tuple[str, ...]]
    """Stemmed phrase -> concept names it stands for."""
    negative_cues: dict[tuple[str, ...], float]
    positive_overrides: frozenset[tuple[str, ...]]
    non_work: frozenset[tuple[str, ...]]
    work_overrides: frozenset[tuple[str, ...]]
    """Phrases that hold a non-work word but describe work ("lunch talk", "planning offsite")."""
    schedule_verbs: frozenset[str]
    schedule_times: frozenset[str]
    """A schedule verb followed closely by a time word is logistics ("moved our 1:1 to
    Thursdays", "planning moves to Tuesday mornings"), not evidence."""
    scope: dict[tuple[str, ...], float]
    outcome_cues: dict[tuple[str, ...], float] = field(default_factory=dict)
    """Stemmed phrases of consequences: a positive weight reads as harm ("had to revert",
    "went down", "no backup"), a negative one as credit ("thanks to", "saved")."""
    remedies: frozenset[str] = frozenset()
    """Verbs of repair ("fixed", "helped", "debugged"), unstemmed so that nouns stay out ("the
    fix"): harm named shortly after one is
    the problem solved, not a consequence ("helped me debug my flaky test")."""
    prospective: frozenset[tuple[str, ...]] = frozenset()
    """Wishes, plans and logistics ("wants to", "would like to", "is planned for", "kickoff"):
    a note of these names work but shows none."""
    numbers: frozenset[str] = frozenset()
    """Number words ("two", "several"), for spans of time ("for three weeks")."""
    past_irregular: frozenset[str] = frozenset()
    """Irregular past-tense verbs ("wrote", "ran"): a note with them reports work done."""
    starts: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)
    """Per table name (concepts, negative_cues, ...): :func:`phrase_starts` of it."""

    def find(self, table: str, toks: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        """:func:`find_phrases` over one of the lexicon's tables, by name."""
        phrases: Mapping[tuple[str, ...], object] | frozenset[tuple[str, ...]] = getattr(
            self, table
        )
        return find_phrases(toks, phrases, self.starts[table])


def _phrase(entry: str) -> tuple[str, ...]:
    return tuple(tokens(str(entry)))


def _stemmed(entry: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in tokens(str(entry)))


def parse_lexicon(data: dict[str, object]) -> Lexicon:
    """Build a :class:`Lexicon` from the mapping a lexicon file holds."""

    def words(key: str, items: list[object]) -> list[str]:
        # YAML 1.1 reads bare on/off/no/yes as booleans: refuse them rather than match "True".
        odd = [i for i in items if not isinstance(i, str)]
        if odd:
            raise ValueError(f"lexicon: '{key}' holds non-text entries {odd!r} (quote them)")
        return [str(i) for i in items]

    def seq(key: str) -> list[str]:
        value = data.get(key) or []
        if not isinstance(value, list):
            raise ValueError(f"lexicon: '{key}' must be a list")
        return words(key, value)

    def weights(key: str) -> dict[str, float]:
        value = data.get(key) or {}
        if not isinstance(value, dict):
            raise ValueError(f"lexicon: '{key}' must be a mapping")
        return dict(zip(words(key, list(value)), map(float, value.values()), strict=True))

    concepts: dict[tuple[str, ...], list[str]] = {}
    groups = data.get("concepts") or {}
    if not isinstance(groups, dict):
        raise ValueError("lexicon: 'concepts' must be a mapping of name to list")
    for name, members in groups.items():
        for member in words(f"concepts.{name}", list(members)):
            key = _stemmed(member)
            if key and len(key) <= MAX_PHRASE:
                concepts.setdefault(key, []).append(f"@{name}")
    tables: dict[str, dict[tuple[str, ...], tuple[str, ...]] | dict[tuple[str, ...], float]] = {
        "concepts": {k: tuple(dict.fromkeys(v)) for k, v in concepts.items()},
        "negative_cues": {_phrase(k): v for k, v in weights("negative_cues").items()},
        "scope": {_phrase(k): v for k, v in weights("scope").items()},
        "outcome_cues": {_stemmed(k): v for k, v in weights("outcome_cues").items()},
    }
    sets = {
        "positive_overrides": frozenset(_phrase(p) for p in seq("positive_overrides")),
        "non_work": frozenset(_phrase(p) for p in seq("non_work")),
        "work_overrides": frozenset(_phrase(p) for p in seq("work_overrides")),
        "prospective": frozenset(_phrase(p) for p in seq("prospective")),
    }
    starts = {name: phrase_starts(t) for name, t in [*tables.items(), *sets.items()]}
    return Lexicon(
        stopwords=frozenset(seq("stopwords")),
        concepts={k: tuple(dict.fromkeys(v)) for k, v in concepts.items()},
        negative_cues={_phrase(k): v for k, v in weights("negative_cues").items()},
        positive_overrides=sets["positive_overrides"],
        non_work=sets["non_work"],
        work_overrides=sets["work_overrides"],
        schedule_verbs=frozenset(seq("schedule_verbs")),
        schedule_times=frozenset(seq("schedule_times")),
        scope={_phrase(k): v for k, v in weights("scope").items()},
        outcome_cues={_stemmed(k): v for k, v in weights("outcome_cues").items()},
        remedies=frozenset(seq("remedies")),
        prospective=sets["prospective"],
        past_irregular=frozenset(seq("past_irregular")),
        numbers=frozenset(seq("numbers")),
        starts=starts,
    )


@cache
def default_lexicon() -> Lexicon:
    """The lexicon shipped with the package."""
    # libyaml's parser when installed (the same data, several times faster to read).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(LEXICON_PATH.read_text(encoding="utf-8"), Loader=loader)
    return parse_lexicon(data)


def phrase_starts(table: Iterable[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    """First token -> the lengths of the table's phrases that start with it, longest first."""
    starts: dict[str, set[int]] = {}
    for phrase in table:
        starts.setdefault(phrase[0], set()).add(len(phrase))
    return {t: tuple(sorted(n, reverse=True)) for t, n in starts.items()}


def find_phrases(
    toks: list[str],
    table: Mapping[tuple[str, ...], object] | frozenset[tuple[str, ...]],
    starts: dict[str, tuple[int, ...]] | None = None,
) -> list[tuple[int, int, tuple[str, ...]]]:
    """Every (start, end, phrase) of ``toks`` that the table holds, longest first per start.

    ``starts`` (from :func:`phrase_starts`) skips positions no phrase begins at: notes are
    mapped by the ten thousand, and most words begin no phrase."""
    found: list[tuple[int, int, tuple[str, ...]]] = []
    n = len(toks)
    if starts is not None and starts.keys().isdisjoint(toks):
        return found  # the common case, decided in C
    for i, tok in enumerate(toks):
        if starts is None:
            sizes: Iterable[int] = range(min(MAX_PHRASE, n - i), 0, -1)
        elif tok in starts:
            sizes = starts[tok]
        else:
            continue
        for size in sizes:
            if i + size > n:
                continue
            key = tuple(toks[i : i + size])
            if key in table:
                found.append((i, i + size, key))
    return found


COMPOUND = re.compile(r"[-/]")


class NoteTokens:
    """A note's token lists, computed once per match: its compounds split (``toks``), their
    stems, the stems of the unsplit tokens (``keyed``) and the lexicon concepts found there."""

    __slots__ = ("_found", "keyed", "stems", "toks", "whole")

    def __init__(self, whole: list[str]) -> None:
        self.whole = whole
        self.toks = toks = split_compounds(whole)
        self.stems = list(map(stem, toks))
        # No compound: the same tokens, the same stems (neither list is changed after).
        self.keyed = self.stems if len(toks) == len(whole) else list(map(stem, whole))
        self._found: list[tuple[int, int, tuple[str, ...]]] | None = None

    def concept_phrases(self, lexicon: Lexicon) -> list[tuple[int, int, tuple[str, ...]]]:
        if self._found is None:
            self._found = lexicon.find("concepts", self.keyed)
        return self._found
