"""Provides the Markdown sections of a draft: the texts a human reviews and edits.

Keys: ``summary``, ``competency:<slug>`` (points with their citations shown as
``[n12; reliability.mid.improves-runbooks]``, the calibration, next-level guidance) and
``peer-input``. The renderer does not know which drafter wrote the draft.
"""

from __future__ import annotations

from collections.abc import Sequence

from feedback_writer.drafting.model import CompetencyFeedback, Draft, Point
from feedback_writer.ladder.model import Ladder
from feedback_writer.notes.model import Note

Section = tuple[str, str, str]

_RATING = {
    "below": "below",
    "meets": "meets",
    "exceeds": "exceeds",
    "insufficient-evidence": "insufficient evidence",
}


def citation(point_notes: Sequence[str], expectation_ids: Sequence[str]) -> str:
    return "[" + "; ".join([*point_notes, *expectation_ids]) + "]"


def _bullet(p: Point, dates: dict[str, str]) -> str:
    when = sorted({dates[n] for n in p.note_ids if n in dates})
    suffix = f" ({', '.join(when)})" if when else ""
    return f"- {' '.join(p.text.split())}{suffix} {citation(p.note_ids, p.expectation_ids)}"


def _competency(
    block: CompetencyFeedback, draft: Draft, ladder: Ladder, dates: dict[str, str]
) -> str:
    strengths = [p for p in block.points if p.kind == "strength"]
    growth = [p for p in block.points if p.kind == "growth"]
    out: list[str] = []
    out.append("**Strengths**")
    out += [_bullet(p, dates) for p in strengths] or ["- (none in the notes)"]
    out += ["", "**Growth areas**"]
    out += [_bullet(p, dates) for p in growth] or ["- (none in the notes)"]
    level = ladder.level(draft.current_level).name
    cal = block.calibration
    out += ["", f"**Calibration against {level}:** {_RATING[cal.rating]}. {cal.justification}"]
    if block.next_level_guidance:
        out += ["", "**Toward the next level**"]
        out += [
            f"- {' '.join(g.text.split())} {citation([], g.expectation_ids)}"
            for g in block.next_level_guidance
        ]
    return "\n".join(out)


def _peer(draft: Draft, dates: dict[str, str]) -> str:
    peer = draft.peer_input
    assert peer is not None
    out = ["_Peer input: summarised from peer notes, attributed to peers, not the manager._", ""]
    out.append("**Highlights**")
    out += [_bullet(p, dates) for p in peer.highlights] or ["- (none)"]
    out += ["", "**Opportunities**"]
    out += [_bullet(p, dates) for p in peer.opportunities] or ["- (none)"]
    return "\n".join(out)


def render_sections(draft: Draft, ladder: Ladder, notes: Sequence[Note]) -> list[Section]:
    """(key, title, markdown) for every section of ``draft``, in display order."""
    dates = {n.id: n.date.isoformat() for n in notes if n.date}
    sections: list[Section] = [("summary", "Summary", draft.summary.strip())]
    known = {c.slug for c in ladder.competencies}
    for block in draft.competencies:
        title = (
            ladder.competency(block.competency).name
            if block.competency in known
            else block.competency
        )
        sections.append(
            (f"competency:{block.competency}", title, _competency(block, draft, ladder, dates))
        )
    if draft.peer_input is not None and (
        draft.peer_input.highlights or draft.peer_input.opportunities
    ):
        sections.append(("peer-input", "Peer input", _peer(draft, dates)))
    return sections


def sections_markdown(title: str, sections: Sequence[Section]) -> str:
    """The sections as one Markdown document (what ``draft`` prints)."""
    parts = [f"# {title}"]
    for _, heading, text in sections:
        parts += ["", f"## {heading}", "", text]
    return "\n".join(parts) + "\n"
