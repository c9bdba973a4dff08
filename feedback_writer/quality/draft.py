"""Provides the quality findings of a stored draft, section by section, with the context
checks filled from the workspace: :func:`draft_findings`.

Each section is checked in its current text (the human's text once edited, else the
drafter's). Its cited notes come from the note ids in its text (bracketed citations or bare
ids, as :mod:`feedback_writer.citations` reads them); the expectation levels count
only expectations cited beside a note (evidence), not next-level guidance. The summary
cites nothing itself: it is checked against every note the other sections cite.

Everything is read once per call: the draft, its sections, the person, the person's notes
and the cycle; nothing is re-read per section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from feedback_writer.citations import CITATION, NOTE_REF, parse_citations
from feedback_writer.errors import NotFoundError
from feedback_writer.ladder.model import Ladder
from feedback_writer.quality.model import CheckContext, CitedNote, Finding, Mode
from feedback_writer.storage.records import DraftRecord, SectionRecord
from feedback_writer.storage.repository import Repository


@dataclass(frozen=True)
class SectionFinding:
    """A finding in one section: offsets index into that section's current text."""

    key: str
    title: str
    finding: Finding

    def as_dict(self) -> dict[str, Any]:
        return {"section": self.key, **self.finding.as_dict()}


def current_text(section: SectionRecord) -> str:
    """The text a reader sees now: the human's text (it starts as the drafter's)."""
    return section.human_text


def cited(text: str) -> tuple[list[str], list[str]]:
    """(note ids, evidence expectation ids) of ``text``: every note id, bare or bracketed,
    and the expectation ids of the brackets that also cite a note."""
    notes = list(dict.fromkeys(NOTE_REF.findall(text)))
    evidence: list[str] = []
    for note_ids, expectation_ids in parse_citations(text):
        if note_ids:
            evidence += expectation_ids
    return notes, list(dict.fromkeys(evidence))


def mask_citations(text: str) -> str:
    """``text`` with its citations blanked out, same length, so offsets still hold."""
    return CITATION.sub(lambda m: " " * len(m.group()), text)


def _structure(content: Mapping[str, Any]) -> dict[str, tuple[str | None, bool]]:
    """Section key -> (calibration rating, has a growth point) from the stored draft."""
    out: dict[str, tuple[str | None, bool]] = {}
    for block in content.get("competencies") or []:
        if not isinstance(block, dict):
            continue
        rating = (block.get("calibration") or {}).get("rating")
        growth = any(p.get("kind") == "growth" for p in block.get("points") or [])
        out[f"competency:{block.get('competency')}"] = (rating, growth)
    return out


def _window(repo: Repository, draft: DraftRecord, person: str) -> tuple[dt.date, dt.date] | None:
    """The draft's window when it stored one, else the person's current cycle."""
    stored = draft.meta.get("window") or {}
    since, until = stored.get("since"), stored.get("until")
    if since and until:
        return dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    cycle = repo.current_cycle(person)
    if cycle is not None and cycle.start and cycle.end:
        return cycle.start, cycle.end
    return None


def _levels(ladder: Ladder, level: str | None) -> tuple[str | None, str | None]:
    slugs = ladder.level_slugs
    if level not in slugs:
        return level, None
    i = slugs.index(level)
    return level, slugs[i + 1] if i + 1 < len(slugs) else None


def _known_terms(ladder: Ladder, authors: Iterable[str | None]) -> tuple[str, ...]:
    """Words the drafter writes that are no claim: level and competency names, the names
    of the notes' ``authors``."""
    words = [lv.name for lv in ladder.spec.levels] + [c.name for c in ladder.competencies]
    words += [a for a in authors if a]
    return tuple(w for phrase in words for w in phrase.split())


def _ladder_words(ladder: Ladder, text: str) -> tuple[str, ...]:
    """Words of the ladder expectations ``text`` cites: quoted from the ladder (the outline's
    "For Senior: Sets quality bar for AI-assisted output"), so no claim about the notes."""
    ids = {e for _, expectation_ids in parse_citations(text) for e in expectation_ids}
    words: list[str] = []
    for exp_id in sorted(ids):
        if ladder.has_expectation(exp_id):
            words += ladder.expectation(exp_id).text.split()
    return tuple(w.strip(".,;:()\"'") for w in words)


def section_contexts(
    repo: Repository, ladder: Ladder, draft_id: int
) -> tuple[DraftRecord, list[tuple[SectionRecord, str, CheckContext]]]:
    """The draft and, per section, its current text and its check context.

    Reads the notes the sections cite and the names of the person's note authors, never
    all their notes: an export of a person with 100,000 notes stays small."""
    draft = repo.get_draft(draft_id)
    sections = repo.sections(draft_id)
    window = _window(repo, draft, draft.person)
    level, next_level = _levels(ladder, draft.content.get("current_level"))
    structure = _structure(draft.content)
    known = _known_terms(ladder, repo.note_authors(draft.person))
    base = CheckContext(
        window=window, level=level, next_level=next_level, person=draft.person,
        known_terms=known,
    )  # fmt: skip
    texts = {s.key: current_text(s) for s in sections}
    cites = {key: cited(text) for key, text in texts.items()}
    everything = list(dict.fromkeys(i for ids, _ in cites.values() for i in ids))
    notes = {n.id: n for n in repo.notes_by_ids(everything) if n.person == draft.person}
    out: list[tuple[SectionRecord, str, CheckContext]] = []
    for s in sections:
        note_ids, expectations = cites[s.key]
        if s.key == "summary" and not note_ids:
            note_ids = everything
        cited_notes = tuple(
            CitedNote(i, notes[i].text, notes[i].date) for i in note_ids if i in notes
        )
        rating, growth = structure.get(s.key, (None, None))
        ctx = replace(
            base,
            notes=cited_notes,
            expectation_levels=tuple(_level_of(ladder, e) for e in expectations),
            calibration=rating,
            has_growth_point=growth,
            known_terms=known + _ladder_words(ladder, texts[s.key]),
        )
        out.append((s, texts[s.key], ctx))
    return draft, out


def _level_of(ladder: Ladder, expectation_id: str) -> str:
    try:
        return ladder.expectation(expectation_id).level
    except NotFoundError:  # an id the ladder no longer has: its middle slug is the level
        return expectation_id.split(".")[1]


def draft_findings(
    repo: Repository, ladder: Ladder, draft_id: int, *, rules_dir: str | Path | None = None
) -> list[SectionFinding]:
    """Every quality finding of every section of draft ``draft_id``, in section order;
    offsets index into each section's current text (:func:`current_text`)."""
    from feedback_writer.quality import check_text

    draft, contexts = section_contexts(repo, ladder, draft_id)
    mode: Mode = "self" if draft.mode == "self" else "manager"
    out: list[SectionFinding] = []
    for section, text, ctx in contexts:
        for f in check_text(mask_citations(text), mode=mode, context=ctx, rules_dir=rules_dir):
            span = text[f.start : f.end]
            out.append(SectionFinding(section.key, section.title, replace(f, text=span)))
    return out


def person_context(repo: Repository, ladder: Ladder, person: str) -> tuple[CheckContext, Mode]:
    """The context for any text about ``person``: all their notes as the cited notes,
    their level and the next one, their current cycle as the window; and their mode."""
    subject = repo.get_person(person)
    notes = repo.list_notes(subject.name)
    cycle = repo.current_cycle(subject.name)
    window = (cycle.start, cycle.end) if cycle and cycle.start and cycle.end else None
    level, next_level = _levels(ladder, subject.current_level)
    ctx = CheckContext(
        notes=tuple(CitedNote(n.id, n.text, n.date) for n in notes),
        window=window,
        level=level,
        next_level=next_level,
        person=subject.name,
        known_terms=_known_terms(ladder, (n.author_name for n in notes)),
    )
    return ctx, "self" if subject.mode == "self" else "manager"
