"""Provides the offline drafter: an evidence outline built from mapped notes, no model.

It fills the same :class:`Draft` schema as the model drafter and passes the same
grounding check, so review and export treat both alike. Its summary says it is an
evidence outline and not model prose (drafter name ``offline-outline``).

Calibration rules, per competency, counting only non-peer notes of the window:

* ``insufficient-evidence`` when fewer than two notes carry evidence for the competency,
  or when every positive note is about expectations below the current level only;
* ``below`` when notes with negative evidence outnumber notes with positive evidence;
* ``exceeds`` when positive evidence covers at least two distinct expectations above the
  current level and no note is negative;
* ``meets`` otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from feedback_writer.drafting.base import DraftRequest, DraftResult, SummarisedMapping
from feedback_writer.drafting.grounding import neutralise_citations
from feedback_writer.drafting.model import (
    Calibration,
    CompetencyFeedback,
    Draft,
    Guidance,
    PeerInput,
    Point,
)
from feedback_writer.ladder.model import Ladder
from feedback_writer.notes.model import Note
from feedback_writer.storage.records import MappingRecord

NAME = "offline-outline"
LABEL = "Evidence outline (offline-outline): assembled from mapped notes, not model prose."
MAX_GUIDANCE = 3
MAX_PEER = 3
# Minimum notes before a competency gets a rating other than insufficient-evidence.
MIN_NOTES = 2
# Distinct above-level expectations with positive evidence needed for "exceeds".
EXCEEDS_ABOVE = 2
# Within one note, evidence scoring under this share of the note's best match is left
# out: matchers rank many weak neighbours under one strong hit.
RELATIVE_CUT = 0.7
MAX_CITED = 3
UNCONFIRMED = "(unconfirmed suggestion) "
"""Prefix of a point resting on a matcher's suggestion nobody confirmed (--threshold)."""


Evidence = MappingRecord | SummarisedMapping
"""A quoted note's mapping, or the evidence of a note a condensed window only counts."""


def unconfirmed(maps: Sequence[Evidence]) -> bool:
    """True when any of ``maps`` is a suggestion rather than a confirmed mapping."""
    return any(m.status != "accepted" for m in maps)


def excerpt(text: str, width: int = 140) -> str:
    """A one-line quote of a note, its citation-like brackets neutralised."""
    one = neutralise_citations(" ".join(text.split()))
    return one if len(one) <= width else one[: width - 1].rstrip() + "…"


@dataclass
class _Tally:
    """Evidence for one competency."""

    positive_notes: set[str] = field(default_factory=set)
    negative_notes: set[str] = field(default_factory=set)
    at_or_above: set[str] = field(default_factory=set)  # notes with positive evidence >= level
    above: set[str] = field(default_factory=set)  # expectation ids above the level
    evidenced: set[str] = field(default_factory=set)  # expectation ids with positive evidence


def strongest(maps: Sequence[Evidence]) -> list[Evidence]:
    """A note's evidence without the weak tail (see RELATIVE_CUT); user-accepted always kept."""
    if not maps:
        return []
    best = max(m.score for m in maps)
    return [m for m in maps if m.status == "accepted" or m.score >= RELATIVE_CUT * best]


def calibrate(tally: _Tally, level: str) -> Calibration:
    """The calibration rules of the module docstring, with a justification naming counts."""
    pos, neg = len(tally.positive_notes), len(tally.negative_notes)
    counts = f"{pos} note(s) positive, {neg} negative"
    if len(tally.positive_notes | tally.negative_notes) < MIN_NOTES:
        return Calibration(
            rating="insufficient-evidence",
            justification=f"Fewer than {MIN_NOTES} notes carry evidence ({counts}).",
        )
    if neg > pos:
        return Calibration(
            rating="below", justification=f"More negative than positive evidence ({counts})."
        )
    if not tally.at_or_above:
        return Calibration(
            rating="insufficient-evidence",
            justification=f"Positive evidence only for expectations below {level} ({counts}).",
        )
    if len(tally.above) >= EXCEEDS_ABOVE and neg == 0:
        return Calibration(
            rating="exceeds",
            justification=f"Evidence for {len(tally.above)} expectations above {level} "
            f"and none negative ({counts}).",
        )
    return Calibration(rating="meets", justification=f"Evidence at {level} ({counts}).")


def _point(note: Note, maps: Sequence[Evidence], ladder: Ladder, kind: str) -> Point:
    best = max(maps, key=lambda m: m.score)
    what = ladder.expectation(best.expectation_id).text
    label = UNCONFIRMED if unconfirmed(maps) else ""
    return Point(
        text=f"{label}{what}: {excerpt(note.text)}",
        kind="strength" if kind == "positive" else "growth",
        expectation_ids=[m.expectation_id for m in sorted(maps, key=lambda m: -m.score)][
            :MAX_CITED
        ],
        note_ids=[note.id],
    )


class OfflineDrafter:
    """Drafts without a model (see the module docstring). Never imports litellm."""

    name = NAME

    def draft(self, request: DraftRequest) -> DraftResult:
        ladder = request.ladder
        top = ladder.level_index(request.level)
        tallies: dict[str, _Tally] = defaultdict(_Tally)
        points: dict[str, list[Point]] = defaultdict(list)
        # A condensed window (drafting.budget): quoted notes become points; the counted
        # ones still weigh in the ratings.
        counted = request.condensed.own_evidence if request.condensed else {}
        rows: list[tuple[str, Sequence[Evidence], Note | None]] = [
            (n.id, request.evidence.get(n.id, ()), n) for n in request.own_notes
        ]
        rows += [(note_id, ev, None) for note_id, ev in counted.items()]
        for note_id, evidence, note in rows:
            by_comp: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
            for m in strongest(evidence):
                if ladder.has_expectation(m.expectation_id):
                    e = ladder.expectation(m.expectation_id)
                    by_comp[(e.competency, m.polarity)].append(m)
            for (comp, polarity), maps in by_comp.items():
                t = tallies[comp]
                if note is not None:
                    points[comp].append(_point(note, maps, ladder, polarity))
                if polarity == "negative":
                    t.negative_notes.add(note_id)
                    continue
                t.positive_notes.add(note_id)
                for m in maps:
                    t.evidenced.add(m.expectation_id)
                    level = ladder.level_index(ladder.expectation(m.expectation_id).level)
                    if level >= top:
                        t.at_or_above.add(note_id)
                    if level > top:
                        t.above.add(m.expectation_id)
        blocks = []
        for competency in ladder.competencies:
            slug = competency.slug
            if slug not in tallies:
                continue
            t = tallies[slug]
            ordered = sorted(points[slug], key=lambda p: p.kind != "strength")
            blocks.append(
                CompetencyFeedback(
                    competency=slug,
                    points=ordered,
                    calibration=calibrate(t, request.level),
                    next_level_guidance=self._guidance(request, slug, t.evidenced),
                )
            )
        draft = Draft(
            person=request.person,
            mode=request.mode,
            current_level=request.level,
            target_level=request.target,
            summary=self._summary(request, tallies),
            competencies=blocks,
            peer_input=self._peer(request),
        )
        return DraftResult(draft=draft, warnings=[], drafter=NAME, usage={"model_calls": 0})

    def _guidance(self, request: DraftRequest, comp: str, evidenced: set[str]) -> list[Guidance]:
        level = request.guidance_level
        if level is None:
            return []
        open_ = [e for e in request.ladder.expectations_at(level, comp) if e.id not in evidenced]
        name = request.ladder.level(level).name
        return [
            Guidance(text=f"For {name}: {e.text}", expectation_ids=[e.id])
            for e in open_[:MAX_GUIDANCE]
        ]

    def _peer(self, request: DraftRequest) -> PeerInput | None:
        peers = request.peer_notes
        if not peers:
            return None
        highs: list[Point] = []
        opps: list[Point] = []
        for note in peers:
            maps = [
                m
                for m in strongest(request.evidence.get(note.id, ()))
                if request.ladder.has_expectation(m.expectation_id)
            ]
            negative = [m for m in maps if m.polarity == "negative"]
            who = f" ({note.author_name})" if note.author_name else ""
            label = UNCONFIRMED if unconfirmed(maps) else ""
            point = Point(
                text=f"{label}Peer{who}: {excerpt(note.text)}",
                kind="growth" if negative else "strength",
                expectation_ids=[m.expectation_id for m in (negative or maps)][:MAX_CITED],
                note_ids=[note.id],
            )
            (opps if negative else highs).append(point)
        return PeerInput(highlights=highs[:MAX_PEER], opportunities=opps[:MAX_PEER])

    def _summary(self, request: DraftRequest, tallies: dict[str, _Tally]) -> str:
        ladder = request.ladder
        mine = request.mode == "self"
        own_count = len(request.own_notes)
        mapped = sum(1 for n in request.own_notes if request.evidence.get(n.id))
        guessed = sum(1 for n in request.notes if unconfirmed(request.evidence.get(n.id, ())))
        peer_count = len(request.peer_notes)
        condensed = request.condensed
        if condensed is not None:
            own_count, peer_count = condensed.own_window, condensed.peer_window
            mapped += len(condensed.own_evidence)
            guessed += sum(1 for ev in condensed.own_evidence.values() if unconfirmed(ev))

        def names(slugs: list[str]) -> str:
            return ", ".join(ladder.competency(s).name for s in slugs) or "none"

        strong = sorted(
            (s for s, t in tallies.items() if t.positive_notes),
            key=lambda s: -len(tallies[s].positive_notes),
        )
        growth = [s for s, t in tallies.items() if t.negative_notes]
        missing = [c.slug for c in ladder.competencies if c.slug not in tallies]
        whose = "my" if mine else f"{request.person}'s"
        window = ""
        if request.since or request.until:
            window = f" from {request.since or 'the start'} to {request.until or 'now'}"
        lines = [
            LABEL + " Rewrite every section in your own words before sharing it.",
            "",
            f"Outline of {whose} evidence{window} against {ladder.level(request.level).name}"
            + (f" (target {ladder.level(request.target).name})" if request.target else "")
            + f": {mapped} of {own_count} notes map to the ladder"
            + (f"; {peer_count} peer note(s) summarised apart." if peer_count else "."),
            f"Most evidence: {names(strong[:3])}.",
            f"Growth areas (negative evidence): {names(growth)}.",
            f"No evidence yet: {names(missing)}.",
        ]
        if condensed is not None:
            lines.append(
                f"Condensed: {condensed.quoted:,} note(s) quoted, {condensed.summarised:,} "
                f"counted in the ratings but not quoted (max_prompt_tokens {condensed.budget})."
            )
        if guessed:
            lines.append(
                f"Unconfirmed: {guessed} note(s) rest on matcher suggestions nobody "
                "confirmed (marked 'unconfirmed suggestion'); confirm or reject them first."
            )
        return "\n".join(lines)
