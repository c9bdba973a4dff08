"""Provides the grounding check: every citation in a draft must point at real data.

A point must cite at least one note of the review window and at least one ladder
expectation; a guidance item must cite expectations. Citations live only in the structured
fields (``note_ids``, ``expectation_ids``); citation-like text a model writes in its prose
(``[n9999; x.y.z]`` in a summary, a point, a justification) is checked like a citation: an
unknown id there is a problem too, and what is still unknown after repair is removed from
the prose with a warning. :func:`grounding_problems` lists what
is wrong (the text of a repair turn, naming the unknown ids); :func:`enforce_grounding`
removes what cannot stand and says so in warnings. Both hold whatever a model writes, and
the offline drafter's output goes through the same gate.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from typing import Any

from feedback_writer.drafting.model import (
    CompetencyFeedback,
    Draft,
    Guidance,
    PeerInput,
    Point,
)
from feedback_writer.ladder.model import Ladder
from feedback_writer.notes.quoting import CITATION_LIKE, ID_LIKE, neutralise_citations

__all__ = ["enforce_grounding", "grounding_problems", "neutralise_citations"]

_PROSE_KEYS = ("summary", "text", "justification")
_STRIPPABLE = re.compile(rf"[ \t]*{CITATION_LIKE.pattern}")


def _prose(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any], str]]:
    """(where, holder, key) of every prose string in a dumped draft."""
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else key
            if key in _PROSE_KEYS and isinstance(item, str):
                yield here, value, key
            else:
                yield from _prose(item, here)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _prose(item, f"{path}[{i}]")


def _unknown_in(
    inside: str, ladder: Ladder, note_ids: Collection[str]
) -> tuple[list[str], list[str]]:
    """(unknown note ids, unknown expectation ids) of one citation-like bracket's inside."""
    ids = list(dict.fromkeys(ID_LIKE.findall(inside)))
    notes = [i for i in ids if "." not in i]
    bad_notes = [n for n in notes if n not in note_ids]
    bad_exps = [e for e in ids if e not in notes and not ladder.has_expectation(e)]
    return bad_notes, bad_exps


def prose_problems(draft: Draft, ladder: Ladder, note_ids: Collection[str]) -> list[str]:
    """Unknown ids in citation-like text of the prose, one line per field and kind."""
    out: list[str] = []
    rule = "ids belong in note_ids/expectation_ids, not in the text"
    for where, holder, key in _prose(draft.model_dump()):
        bad_notes: list[str] = []
        bad_exps: list[str] = []
        for m in CITATION_LIKE.finditer(holder[key]):
            notes, exps = _unknown_in(m.group(1), ladder, note_ids)
            bad_notes += notes
            bad_exps += exps
        if bad_notes:
            ids = ", ".join(dict.fromkeys(bad_notes))
            out.append(f"{where}: unknown note id(s) {ids} (in the prose; {rule})")
        if bad_exps:
            ids = ", ".join(dict.fromkeys(bad_exps))
            out.append(f"{where}: unknown expectation id(s) {ids} (in the prose; {rule})")
    return out


def strip_prose_citations(
    draft: Draft, ladder: Ladder, note_ids: Collection[str]
) -> tuple[Draft, list[str]]:
    """``draft`` without the citation-like brackets of its prose that hold an unknown id."""
    data = draft.model_dump()
    warnings: list[str] = []
    for where, holder, key in list(_prose(data)):

        def drop(m: re.Match[str], where: str = where) -> str:
            notes, exps = _unknown_in(m.group(1), ladder, note_ids)
            if not notes and not exps:
                return m.group(0)
            warnings.append(
                f"{where}: removed '{m.group(0).strip()}' from the prose "
                f"(unknown id(s) {', '.join([*notes, *exps])})"
            )
            return ""

        holder[key] = _STRIPPABLE.sub(drop, holder[key])
    return (Draft.model_validate(data), warnings) if warnings else (draft, [])


def _point_problems(
    where: str, p: Point, ladder: Ladder, note_ids: Collection[str], need_expectation: bool
) -> list[str]:
    out: list[str] = []
    bad_notes = [n for n in p.note_ids if n not in note_ids]
    bad_exps = [e for e in p.expectation_ids if not ladder.has_expectation(e)]
    if bad_notes:
        out.append(
            f"{where}: unknown note id(s) {', '.join(bad_notes)} (cite only the notes given)"
        )
    if bad_exps:
        out.append(
            f"{where}: unknown expectation id(s) {', '.join(bad_exps)} "
            "(cite only the expectation ids listed)"
        )
    if not p.note_ids:
        out.append(f"{where}: cites no note; every point needs at least one note id")
    if need_expectation and not p.expectation_ids:
        out.append(f"{where}: cites no expectation; every point needs an expectation id")
    return out


def grounding_problems(draft: Draft, ladder: Ladder, note_ids: Collection[str]) -> list[str]:
    """Every citation problem of ``draft``, one line each; empty when it is grounded."""
    problems = prose_problems(draft, ladder, note_ids)
    known = {c.slug for c in ladder.competencies}
    for i, comp in enumerate(draft.competencies):
        base = f"competencies[{i}]"
        if comp.competency not in known:
            problems.append(f"{base}: unknown competency '{comp.competency}'")
            continue
        for j, p in enumerate(comp.points):
            problems += _point_problems(f"{base}.points[{j}]", p, ladder, note_ids, True)
        for j, g in enumerate(comp.next_level_guidance):
            bad = [e for e in g.expectation_ids if not ladder.has_expectation(e)]
            if bad:
                problems.append(
                    f"{base}.next_level_guidance[{j}]: unknown expectation id(s) "
                    f"{', '.join(bad)} (cite only the expectation ids listed)"
                )
            elif not g.expectation_ids:
                problems.append(f"{base}.next_level_guidance[{j}]: cites no expectation")
    if draft.peer_input is not None:
        for field in ("highlights", "opportunities"):
            for j, p in enumerate(getattr(draft.peer_input, field)):
                where = f"peer_input.{field}[{j}]"
                problems += _point_problems(where, p, ladder, note_ids, False)
    return problems


def _clean_point(
    where: str,
    p: Point,
    ladder: Ladder,
    note_ids: Collection[str],
    need_expectation: bool,
    warnings: list[str],
) -> Point | None:
    notes = [n for n in dict.fromkeys(p.note_ids) if n in note_ids]
    exps = [e for e in dict.fromkeys(p.expectation_ids) if ladder.has_expectation(e)]
    dropped = [n for n in p.note_ids if n not in note_ids]
    dropped += [e for e in p.expectation_ids if not ladder.has_expectation(e)]
    if not notes or (need_expectation and not exps):
        warnings.append(f"dropped {where} ('{_short(p.text)}'): no valid citation left")
        return None
    if dropped:
        warnings.append(f"{where}: removed unknown citation(s) {', '.join(dropped)}")
    return p.model_copy(update={"note_ids": notes, "expectation_ids": exps})


def _short(text: str, width: int = 60) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 3] + "..."


def enforce_grounding(
    draft: Draft, ladder: Ladder, note_ids: Collection[str]
) -> tuple[Draft, list[str]]:
    """``draft`` with unknown citations removed (from the structure and from citation-like
    text in the prose) and uncited items dropped, plus warnings."""
    draft, warnings = strip_prose_citations(draft, ladder, note_ids)
    known = {c.slug for c in ladder.competencies}
    comps: list[CompetencyFeedback] = []
    seen: set[str] = set()
    for comp in draft.competencies:
        if comp.competency not in known:
            warnings.append(f"dropped competency '{comp.competency}': not in the ladder")
            continue
        if comp.competency in seen:
            warnings.append(f"dropped a second block for competency '{comp.competency}'")
            continue
        seen.add(comp.competency)
        where = f"a point of {comp.competency}"
        points = [
            q
            for p in comp.points
            if (q := _clean_point(where, p, ladder, note_ids, True, warnings)) is not None
        ]
        guidance: list[Guidance] = []
        for g in comp.next_level_guidance:
            ids = [e for e in dict.fromkeys(g.expectation_ids) if ladder.has_expectation(e)]
            if not ids:
                warnings.append(
                    f"dropped guidance of {comp.competency} ('{_short(g.text)}'): "
                    "no valid expectation id"
                )
                continue
            guidance.append(g.model_copy(update={"expectation_ids": ids}))
        comps.append(comp.model_copy(update={"points": points, "next_level_guidance": guidance}))
    peer = draft.peer_input
    if peer is not None:
        peer = PeerInput(
            highlights=[
                q
                for p in peer.highlights
                if (q := _clean_point("a peer highlight", p, ladder, note_ids, False, warnings))
            ],
            opportunities=[
                q
                for p in peer.opportunities
                if (q := _clean_point("a peer opportunity", p, ladder, note_ids, False, warnings))
            ],
        )
    return draft.model_copy(update={"competencies": comps, "peer_input": peer}), warnings
