"""Provides the prompt a model drafter sends: its variables, messages, budget and condensing.

Budget rule: the prompt holds only what the draft needs. Expectations: for each
competency with evidence in the window (positive or negative), the current level's and
the guidance level's (next or target), plus every other expectation a note is mapped to
(whatever its level), so each id a note carries has its text; other competencies appear
by slug only. Notes: the window's notes, one line each, with each mapping's polarity
(``for``/``against``) and ``(unconfirmed)`` on a suggestion nobody confirmed. A window over
``max_prompt_tokens`` arrives condensed (:mod:`~feedback_writer.drafting.budget`): the
quoted notes, and ``summarised`` counts per expectation and polarity for the rest. When the
notes do not fit the model's context they are condensed in chunks first (one
``complete_text`` call per chunk), keeping every note id. Note text (and condensed note
text) goes into a prompt only through :func:`neutralise_citations`: a ``[n9; a.b.c]`` a note
holds reaches the model as ``⟦n9; a.b.c⟧``, never as a citation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from feedback_writer.drafting.base import DraftRequest
from feedback_writer.notes.model import AuthorKind, Note
from feedback_writer.notes.quoting import neutralise_citations
from feedback_writer.prompting.pseudonym import Pseudonymiser, names_to_hide
from feedback_writer.prompting.templates import PromptTemplates

Messages = list[dict[str, Any]]
# Tokens kept free for the answer when checking the context window.
ANSWER_RESERVE = 4096
CHARS_PER_TOKEN = 4


def pseudonymiser_for(request: DraftRequest) -> Pseudonymiser:
    """The subject, ``request.pseudonymise`` and the window's note authors hidden.

    ``prepare`` fills ``pseudonymise`` from
    :func:`~feedback_writer.prompting.pseudonym.person_names` (every author of the
    person's notes and the configured names), so drafting, regenerating, mapping and
    condensing hide the same names as the same placeholders."""
    authors = (n.author_name for n in request.notes)
    names = names_to_hide(request.person, request.pseudonymise, authors)
    return Pseudonymiser(names[0], names[1:])


def unlisted_notice(names: Sequence[str]) -> str | None:
    """The ``--dry-run`` line naming capitalised words of the notes sent as they are."""
    if not names:
        return None
    return f"also in the notes: {', '.join(names)}; add them to `pseudonymise` in the config file?"


def _level_view(request: DraftRequest, slug: str | None) -> dict[str, str] | None:
    if slug is None:
        return None
    lv = request.ladder.level(slug)
    return {"slug": lv.slug, "name": lv.name, "tagline": lv.tagline}


def note_view(note: Note, request: DraftRequest) -> dict[str, Any]:
    """What a template sees of a note (its text is fenced by the template and its
    citation-like brackets neutralised)."""
    maps = request.evidence.get(note.id, ())
    polarity = {m.polarity for m in maps}
    mapped = [
        {"id": m.expectation_id, "polarity": m.polarity, "confirmed": m.status == "accepted"}
        for m in maps
    ]
    return {
        "id": note.id,
        "date": note.date.isoformat() if note.date else None,
        "author_kind": note.author_kind.value,
        "author": note.author_name,
        "text": neutralise_citations(note.text),
        "expectation_ids": [m.expectation_id for m in maps],
        "polarity": "mixed" if len(polarity) > 1 else (polarity.pop() if polarity else None),
        "maps": mapped,
        "unconfirmed": any(not m["confirmed"] for m in mapped),
    }


def evidenced_competencies(request: DraftRequest) -> list[str]:
    """Competency slugs with any evidence in the window, in ladder order."""
    seen = {
        request.ladder.expectation(m.expectation_id).competency
        for note in request.notes
        for m in request.evidence.get(note.id, ())
        if request.ladder.has_expectation(m.expectation_id)
    }
    return [c.slug for c in request.ladder.competencies if c.slug in seen]


def _other_cited(
    request: DraftRequest, slug: str, cited: set[str], listed: set[str]
) -> list[dict[str, str]]:
    """Expectations of ``slug`` a note is mapped to that ``listed`` lacks, in ladder order."""
    return [
        {"id": e.id, "text": e.text, "level": e.level}
        for lv in request.ladder.level_slugs
        for e in request.ladder.expectations_at(lv, slug)
        if e.id in cited and e.id not in listed
    ]


def draft_variables(
    request: DraftRequest, notes: Sequence[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The variables of system.j2 and draft_<mode>.j2 (documented in prompts/README.md)."""
    ladder = request.ladder
    chosen = evidenced_competencies(request)
    guidance = request.guidance_level
    cited = {
        m.expectation_id
        for n in request.notes
        for m in request.evidence.get(n.id, ())
        if ladder.has_expectation(m.expectation_id)
    }
    competencies = []
    for slug in chosen:
        comp = ladder.competency(slug)
        current = ladder.expectations_at(request.level, slug)
        nxt = ladder.expectations_at(guidance, slug) if guidance else []
        count = sum(
            1
            for n in request.notes
            if any(
                ladder.has_expectation(m.expectation_id)
                and ladder.expectation(m.expectation_id).competency == slug
                for m in request.evidence.get(n.id, ())
            )
        )
        if request.condensed is not None:
            count += request.condensed.competency_notes.get(slug, 0)
        competencies.append(
            {
                "slug": slug,
                "name": comp.name,
                "evidence_count": count,
                "current": [{"id": e.id, "text": e.text} for e in current],
                "next": [{"id": e.id, "text": e.text} for e in nxt],
                "cited": _other_cited(request, slug, cited, {e.id for e in (*current, *nxt)}),
            }
        )
    views = list(notes) if notes is not None else [note_view(n, request) for n in request.notes]
    return {
        "person": request.person,
        "mode": request.mode,
        "level": _level_view(request, request.level),
        "target": _level_view(request, request.target),
        "guidance_level": _level_view(request, guidance),
        "ladder": {"name": ladder.name, "version": ladder.version, "title": ladder.spec.title},
        "window": {
            "since": request.since.isoformat() if request.since else None,
            "until": request.until.isoformat() if request.until else None,
        },
        "competencies": competencies,
        "unevidenced": [c.slug for c in ladder.competencies if c.slug not in chosen],
        "notes": [v for v in views if v["author_kind"] != AuthorKind.PEER.value],
        "peer_notes": [v for v in views if v["author_kind"] == AuthorKind.PEER.value],
        "condensed": notes is not None,
        "summarised": summarised(request),
    }


def summarised(request: DraftRequest) -> list[dict[str, Any]]:
    """A condensed window's notes that are counted, not quoted: per expectation (ladder
    order) and polarity, how many (``[]`` when nothing was condensed; drafting.budget)."""
    if request.condensed is None:
        return []
    order = {e.id: i for i, e in enumerate(request.ladder.expectations)}
    counts = request.condensed.counts
    return [
        {"id": eid, "polarity": polarity, "notes": n}
        for (eid, polarity), n in sorted(counts.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    ]


def draft_messages(
    templates: PromptTemplates,
    request: DraftRequest,
    notes: Sequence[dict[str, Any]] | None = None,
    hide: Pseudonymiser | None = None,
) -> Messages:
    """System and user message for a draft. With ``hide`` the template variables are
    pseudonymised before rendering (a company template's ``{{ n.author | upper }}`` cannot
    bring a name back) and the rendered messages once more after it."""
    variables = draft_variables(request, notes)
    if hide is not None:
        variables = hide.apply_data(variables)
        return hide.apply_messages(
            [
                {"role": "system", "content": templates.render("system", variables)},
                {"role": "user", "content": templates.render(f"draft_{request.mode}", variables)},
            ]
        )
    return [
        {"role": "system", "content": templates.render("system", variables)},
        {"role": "user", "content": templates.render(f"draft_{request.mode}", variables)},
    ]


def _chunks(items: Sequence[dict[str, Any]], budget: int) -> list[list[dict[str, Any]]]:
    out: list[list[dict[str, Any]]] = [[]]
    used = 0
    for item in items:
        size = math.ceil(len(item["text"]) / CHARS_PER_TOKEN) + 12
        if out[-1] and used + size > budget:
            out.append([])
            used = 0
        out[-1].append(item)
        used += size
    return out


def parse_condensed(text: str, chunk: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Condensed lines ``n12: ...`` mapped back to the chunk's notes; a note the model
    skipped keeps its first 200 characters, so no id is lost. The condensed text is
    quoted note text too: its citation-like brackets are neutralised."""
    by_id = {v["id"]: v for v in chunk}
    got: dict[str, str] = {}
    for line in text.splitlines():
        head, sep, rest = line.strip().lstrip("-* ").partition(":")
        if sep and head.strip() in by_id and rest.strip():
            got[head.strip()] = neutralise_citations(rest.strip())
    kept = {v["id"]: neutralise_citations(" ".join(v["text"].split())[:200]) for v in chunk}
    return [{**v, "text": got.get(v["id"], kept[v["id"]])} for v in chunk]


def condense_notes(
    templates: PromptTemplates,
    views: Sequence[dict[str, Any]],
    complete: Callable[[Messages], str],
    *,
    chunk_tokens: int,
    on_progress: Callable[[str], None] | None = None,
    hide: Pseudonymiser | None = None,
) -> list[dict[str, Any]]:
    """Notes shortened chunk by chunk through ``complete`` (the gateway's complete_text).

    With ``hide`` every value handed to ``condense.j2`` (text, author...) and the rendered
    prompt are pseudonymised; the condensed notes come back pseudonymised."""
    if hide is not None:
        views = hide.apply_data(list(views))
    out: list[dict[str, Any]] = []
    chunks = _chunks(views, chunk_tokens)
    for i, chunk in enumerate(chunks, start=1):
        if on_progress:
            on_progress(f"condensing notes: chunk {i}/{len(chunks)}")
        variables = {"notes": chunk, "max_words": 25}
        # One self-contained user message: condense.j2 carries its own fencing rules.
        messages = [{"role": "user", "content": templates.render("condense", variables)}]
        if hide is not None:
            messages = hide.apply_messages(messages)
        out += parse_condensed(complete(messages), chunk)
    return out
