"""Provides the matcher's cue readers over a note's tokens, from the generic lexicon.

Polarity (criticism, negation and consequence cues, offset by credit and repairs, cancelled
by phrases that only look negative), the cues that weaken a note as evidence (non-work,
wishes and plans, rescheduling) and the scope cues that nudge the level. ``Matcher`` calls
these with its options; nothing here knows a ladder.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from feedback_writer.mapping._text import Lexicon, stem

Polarity = Literal["positive", "negative"]

_NEGATORS = {"n't", "not", "never", "no"}
_TIME_UNITS = {"day", "week", "month", "hour", "sprint", "quarter"}


def scope(lex: Lexicon, toks: list[str]) -> float | None:
    """The mean level position (0 to 1) the note's scope cues point to, or None."""
    found = lex.find("scope", toks)
    if not found:
        return None
    return sum(lex.scope[p] for _, _, p in found) / len(found)


def covered(lex: Lexicon, table: str, toks: list[str]) -> set[int]:
    """Token positions inside a phrase of one of the lexicon's override tables."""
    return {i for start, end, _ in lex.find(table, toks) for i in range(start, end)}


def non_work(lex: Lexicon, toks: list[str]) -> bool:
    """Whether the note carries a non-work cue (leave, a party, an office move) outside
    any phrase that makes it work ("lunch talk")."""
    work = covered(lex, "work_overrides", toks)
    return any(
        not work.issuperset(range(start, end)) for start, end, _ in lex.find("non_work", toks)
    )


def prospective(lex: Lexicon, toks: list[str], max_past: int) -> bool:
    """Whether the note is a wish, a plan or logistics rather than a report of work done:
    it holds such a phrase and at most ``max_past`` past-tense verbs outside it."""
    phrases = covered(lex, "prospective", toks)
    if not phrases:
        return False
    past = sum(
        1
        for i, t in enumerate(toks)
        if i not in phrases and (t in lex.past_irregular or (len(t) > 4 and t.endswith("ed")))
    )
    return past <= max_past


def rescheduling(lex: Lexicon, toks: list[str], window: int) -> bool:
    """Whether the note moves something in the calendar ("moved our 1:1 to Thursdays"): a
    schedule verb with a time word at most ``window`` words after it."""
    return any(
        tok in lex.schedule_verbs
        and any(t in lex.schedule_times for t in toks[i + 1 : i + 1 + window])
        for i, tok in enumerate(toks)
    )


class Verdicts(NamedTuple):
    """The cues that weaken a note as evidence, read once for the matcher's strength and
    the note models."""

    rescheduling: bool
    prospective: bool
    non_work: bool


def verdicts(lex: Lexicon, toks: list[str], max_past: int, window: int) -> Verdicts:
    """:func:`rescheduling`, :func:`prospective` and :func:`non_work` of ``toks``."""
    return Verdicts(
        rescheduling(lex, toks, window), prospective(lex, toks, max_past), non_work(lex, toks)
    )


def polarity(
    lex: Lexicon,
    toks: list[str],
    *,
    remedy_window: int,
    turn_distance: int,
    duration_weight: float,
) -> Polarity:
    """Negative when criticism or negation cues outweigh phrases that only look negative.

    A harm cue ``remedy_window`` words or fewer after a verb of repair is the problem solved;
    one at least ``turn_distance`` words before the last repair weighs half; a span of time
    ("for nine days") weighs ``duration_weight``, unless just after a repair."""
    overridden = covered(lex, "positive_overrides", toks)
    keyed = [stem(t) for t in toks]
    repairs = [
        i
        for i in range(len(toks))
        if toks[i] in lex.remedies and not (i and toks[i - 1] in _NEGATORS)
    ]

    last_repair = repairs[-1] if repairs else -1

    def repaired(start: int) -> bool:
        return any(0 < start - r <= remedy_window for r in repairs)

    def before_repair(start: int) -> float:
        # A problem told before the repair is the situation, not the verdict: half weight.
        return 0.5 if start + turn_distance <= last_repair else 1.0

    total = 0.0
    used: set[int] = set()
    cues = [
        (start, end, lex.negative_cues[phrase])
        for start, end, phrase in lex.find("negative_cues", toks)
    ] + [
        (start, end, lex.outcome_cues[phrase])
        for start, end, phrase in lex.find("outcome_cues", keyed)
    ]
    for start, end, weight in cues:
        span = set(range(start, end))
        if span & overridden or span & used or (weight > 0 and repaired(start)):
            continue
        used |= span
        total += weight * before_repair(start) if weight > 0 else weight
    total += duration_weight * sum(
        1 for i in range(len(toks) - 2) if _duration(lex, toks, i) and not repaired(i)
    )
    return "negative" if total >= 1.0 else "positive"


def _duration(lex: Lexicon, toks: list[str], i: int) -> bool:
    """Whether a span of time starts at ``i`` ("for nine days", "for 3 weeks"): work that
    took it, or a problem that lasted it."""
    return (
        toks[i] == "for"
        and (toks[i + 1].isdigit() or toks[i + 1] in lex.numbers)
        and stem(toks[i + 2]) in _TIME_UNITS
    )
