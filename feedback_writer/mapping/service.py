"""Provides the mapping service: suggestions for a person's notes, the user's decisions on
them, and the evidence drafts are built from.

The offline :class:`~feedback_writer.mapping.matcher.Matcher` always runs; when a gateway
is given, :mod:`feedback_writer.mapping.assisted` asks the model with the matcher's
candidates as a shortlist and falls back to the matcher's result (with a warning) on any
model failure. Suggestions are stored with ``Repository.replace_suggestions``, which keeps
what the user accepted, rejected or added, so re-running ``suggest`` never undoes a decision.
"""

from __future__ import annotations

import difflib
import weakref
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import asdict
from itertools import chain
from typing import TYPE_CHECKING, Literal

from feedback_writer.errors import NotFoundError, UsageError
from feedback_writer.ladder.model import Ladder
from feedback_writer.mapping.evidence import confirmed_evidence as confirmed_evidence
from feedback_writer.mapping.matcher import Matcher
from feedback_writer.mapping.results import MappingRun as MappingRun
from feedback_writer.mapping.results import NoteMapping as NoteMapping
from feedback_writer.notes.model import Note
from feedback_writer.prompting.pseudonym import person_names
from feedback_writer.storage.records import MappingRecord, MappingStatus
from feedback_writer.storage.repository import Repository

if TYPE_CHECKING:
    from feedback_writer.config import Settings
    from feedback_writer.llm.gateway import Gateway
    from feedback_writer.mapping.coverage import Coverage
    from feedback_writer.prompting.templates import PromptTemplates

WarnFn = Callable[[str], None]
ProgressFn = Callable[[int, int], None]
"""Called with (notes mapped so far, notes in total)."""
ChunkFn = Callable[[Sequence[NoteMapping], int, int], None]
"""Called with each chunk of the offline matcher's mappings, in order, the notes mapped so
far and the notes in total."""

# --- the matcher, built once per ladder ------------------------------------------------

_MATCHERS: weakref.WeakKeyDictionary[Ladder, Matcher] = weakref.WeakKeyDictionary()


def matcher_for(ladder: Ladder) -> Matcher:
    """The ladder's matcher; building its index has a cost, so it is cached per ladder."""
    matcher = _MATCHERS.get(ladder)
    if matcher is None:
        matcher = _MATCHERS[ladder] = Matcher(ladder)
    return matcher


def _offline(
    ladder: Ladder,
    items: Sequence[tuple[str, str]],
    top_k: int,
    jobs: int | None,
    on_matching: ChunkFn | None,
) -> Generator[list[NoteMapping], None, None]:
    """The offline matcher's mappings of ``items``, a chunk at a time, in order."""
    if top_k < 1:
        raise UsageError(f"--top must be at least 1 (got {top_k})")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {jobs})")
    from feedback_writer.mapping._parallel import match_chunks

    texts = [text for _, text in items]
    done = 0
    with closing(match_chunks(matcher_for(ladder), texts, top_k, jobs=jobs)) as parts:
        for part in parts:
            mapped = [
                NoteMapping(note_id, text, matches)
                for (note_id, text), matches in zip(
                    items[done : done + len(part)], part, strict=True
                )
            ]
            done += len(part)
            if on_matching is not None:
                on_matching(mapped, done, len(items))
            yield mapped


def map_texts(
    ladder: Ladder,
    items: Sequence[tuple[str, str]],
    *,
    top_k: int = 5,
    gateway: Gateway | None = None,
    names: Sequence[str] = (),
    templates: PromptTemplates | None = None,
    on_warning: WarnFn | None = None,
    on_progress: ProgressFn | None = None,
    on_matching: ChunkFn | None = None,
    jobs: int | None = None,
) -> MappingRun:
    """Map ``(note_id, text)`` pairs without storing anything.

    With a gateway the model picks from the matcher's shortlist; ``names`` (the subject
    first) become placeholders in what is sent; ``templates`` default to the shipped
    prompts. Warnings go to ``on_warning`` and the run. ``on_matching`` follows the offline
    matcher, which runs in ``jobs`` processes (default: one per core for a large run, see
    :mod:`feedback_writer.mapping._parallel`); ``on_progress`` the run as a whole.
    """
    offline = [r for chunk in _offline(ladder, items, top_k, jobs, on_matching) for r in chunk]
    run = MappingRun(person=None, results=offline)
    if gateway is None:
        if on_progress is not None:
            on_progress(len(items), len(items))
        return run
    from feedback_writer.mapping.assisted import assisted_mapping

    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(message)
        if on_warning is not None:
            on_warning(message)

    run.results = assisted_mapping(
        gateway, ladder, offline, top_k=top_k, names=names, templates=templates,
        on_warning=warn, on_progress=on_progress,
    )  # fmt: skip
    run.warnings = warnings
    run.model = gateway.settings.model
    if any(r.source == "model" for r in run.results):
        run.source = "model"
    return run


def suggest(
    repo: Repository,
    ladder: Ladder,
    person: str,
    *,
    gateway: Gateway | None = None,
    top_k: int = 5,
    names: Sequence[str] = (),
    templates: PromptTemplates | None = None,
    on_warning: WarnFn | None = None,
    on_progress: ProgressFn | None = None,
    on_matching: ChunkFn | None = None,
    jobs: int | None = None,
) -> MappingRun:
    """Suggest evidence for each of a person's (not excluded) notes and store it.

    Open suggestions are replaced; accepted, rejected and user-added mappings are kept,
    and a rejected expectation is not suggested again for that note. The hooks and
    ``jobs`` are :func:`map_texts`'s.
    """
    items = repo.note_texts(person)
    if gateway is None:
        # Offline, each chunk is stored while the matcher's workers match the next one.
        run = MappingRun(person=person, results=[])

        def stored(chunks: Iterable[list[NoteMapping]]) -> Iterator[NoteMapping]:
            for chunk in chunks:
                run.results.extend(chunk)
                yield from chunk

        with closing(_offline(ladder, items, top_k, jobs, on_matching)) as chunks:
            # The first chunk before the write transaction: workers are forked outside it.
            first = next(chunks, [])
            _store(repo, stored(chain([first], chunks)))
        if on_progress is not None:
            on_progress(len(items), len(items))
        return run
    run = map_texts(
        ladder, items, top_k=top_k, gateway=gateway,
        names=person_names(repo, person, names), templates=templates, on_warning=on_warning,
        on_progress=on_progress, on_matching=on_matching, jobs=jobs,
    )  # fmt: skip
    run.person = person
    _store(repo, run.results)
    return run


def _store(repo: Repository, results: Iterable[NoteMapping]) -> None:
    repo.replace_suggestions_many(  # one transaction for the whole run
        (r.note_id, [(m.expectation_id, m.score, m.polarity) for m in r.matches], r.source)
        for r in results
    )


def suggest_configured(
    repo: Repository,
    ladder: Ladder,
    person: str,
    settings: Settings,
    *,
    offline: bool = False,
    top_k: int = 5,
    on_warning: Callable[[str], None] | None = None,
    on_matching: ChunkFn | None = None,
    jobs: int | None = None,
) -> MappingRun:
    """:func:`suggest` as the settings say: the configured model (unless ``offline``), the
    company prompts folder, and every name in ``settings.pseudonymise`` hidden from it.
    The CLI and the TUI both call this, so neither can forget a name."""
    gateway = None
    if not offline and settings.model:
        from feedback_writer.llm.gateway import gateway_for

        gateway = gateway_for(
            settings,
            log=lambda record: repo.log_call(**asdict(record), person=person),
            on_retry=on_warning,
        )
    templates = None
    if gateway is not None:
        from feedback_writer.prompting.templates import PromptTemplates

        templates = PromptTemplates(settings.prompts_dir)
    return suggest(
        repo,
        ladder,
        person,
        gateway=gateway,
        top_k=top_k,
        templates=templates,
        names=list(settings.pseudonymise),
        on_warning=on_warning,
        on_matching=on_matching,
        jobs=jobs,
    )


# --- the user's decisions ----------------------------------------------------------------


def check_expectation(ladder: Ladder, expectation_id: str) -> None:
    """Raise NotFoundError naming the closest ids when ``expectation_id`` is unknown."""
    if ladder.has_expectation(expectation_id):
        return
    ids = [e.id for e in ladder.expectations]
    close = difflib.get_close_matches(expectation_id, ids, n=3, cutoff=0.6)
    if not close:
        # A bare slug ("improves-runbooks") or a competency.level prefix is a common slip.
        close = [
            i for i in ids if i.endswith("." + expectation_id) or i.startswith(expectation_id + ".")
        ][:3]
    hint = (
        "did you mean: " + ", ".join(close)
        if close
        else "list the ids with: feedback-writer ladder show"
    )
    raise NotFoundError(
        f"unknown expectation '{expectation_id}' in ladder '{ladder.name}'", hint=hint
    )


def _note_of(repo: Repository, note_id: str, person: str | None) -> Note:
    note = repo.get_note(note_id)
    if person is not None and note.person != person.strip():
        raise UsageError(f"{note_id} belongs to {note.person}, not {person}")
    return note


Decision = Literal["accept", "reject", "add"]


def decide(
    repo: Repository,
    ladder: Ladder,
    note_id: str,
    expectation_id: str,
    decision: Decision,
    polarity: str | None = None,
    *,
    person: str | None = None,
) -> MappingRecord:
    """Record the user's decision on a note's mapping, optionally correcting its polarity.

    ``accept`` a suggestion the note has; ``reject`` a mapping (it is never suggested again
    for this note); ``add`` evidence the matcher missed (accepted; source ``user`` when new).
    ``person``, when given, must own the note.
    """
    check_expectation(ladder, expectation_id)
    _note_of(repo, note_id, person)
    if decision == "accept" and all(
        m.expectation_id != expectation_id for m in repo.mappings_for_note(note_id)
    ):
        raise NotFoundError(
            f"{note_id} has no suggestion '{expectation_id}'",
            hint=f"add it as evidence with: feedback-writer evidence add {note_id} "
            f"{expectation_id} --person NAME",
        )
    status: MappingStatus = "rejected" if decision == "reject" else "accepted"
    return repo.set_mapping(note_id, expectation_id, status, polarity=polarity)


def accept(
    repo: Repository, ladder: Ladder, note_id: str, expectation_id: str,
    polarity: str | None = None, *, person: str | None = None,
) -> MappingRecord:  # fmt: skip
    """:func:`decide` to accept a suggestion."""
    return decide(repo, ladder, note_id, expectation_id, "accept", polarity, person=person)


def reject(
    repo: Repository, ladder: Ladder, note_id: str, expectation_id: str,
    polarity: str | None = None, *, person: str | None = None,
) -> MappingRecord:  # fmt: skip
    """:func:`decide` to reject a mapping."""
    return decide(repo, ladder, note_id, expectation_id, "reject", polarity, person=person)


def add(
    repo: Repository, ladder: Ladder, note_id: str, expectation_id: str,
    polarity: str | None = None, *, person: str | None = None,
) -> MappingRecord:  # fmt: skip
    """:func:`decide` to add evidence."""
    return decide(repo, ladder, note_id, expectation_id, "add", polarity, person=person)


# --- confirming many at once ------------------------------------------------------------

BAND_RANK = {"low": 0, "medium": 1, "high": 2}
"""Confidence bands from least to most confident (``--min-confidence``)."""


def top_suggestion(
    repo: Repository, ladder: Ladder, note_id: str, *, person: str | None = None
) -> MappingRecord | None:
    """The note's top suggestion as the Evidence screen lists it: the best-scoring mapping
    from the matcher or the model that the user has not rejected (it may be accepted).
    ``person``, when given, must own the note."""
    if person is not None:
        _note_of(repo, note_id, person)
    for m in repo.mappings_for_note(note_id):
        if (
            m.status != "rejected"
            and m.source != "user"
            and ladder.has_expectation(m.expectation_id)
        ):
            return m
    return None


def bulk_candidates(
    repo: Repository, ladder: Ladder, person: str, min_band: str = "high"
) -> list[MappingRecord]:
    """For ``evidence accept --all``: each note's open top suggestion whose confidence band
    is ``min_band`` or better. Notes with accepted evidence are left alone (the user has
    decided on them, and a second run must not accept the runner-up)."""
    from feedback_writer.mapping.calibration import score_confidence

    if min_band not in BAND_RANK:
        raise UsageError(f"confidence is high, medium or low, not {min_band!r}")
    out = []
    for note in repo.list_notes(person, include_excluded=False):
        if any(m.status == "accepted" for m in repo.mappings_for_note(note.id)):
            continue
        top = top_suggestion(repo, ladder, note.id)
        if top is None or top.status != "suggested":
            continue
        if BAND_RANK[score_confidence(top.score)[1]] >= BAND_RANK[min_band]:
            out.append(top)
    return out


def accept_many(
    repo: Repository,
    ladder: Ladder,
    pairs: Sequence[tuple[str, str]],
    polarity: str | None = None,
    *,
    person: str | None = None,
) -> list[MappingRecord]:
    """Accept each ``(note_id, expectation_id)`` in one transaction: all or none."""
    with repo.transaction():
        return [
            decide(repo, ladder, note_id, expectation_id, "accept", polarity, person=person)
            for note_id, expectation_id in pairs
        ]


# --- views -------------------------------------------------------------------------------


def coverage(
    repo: Repository,
    ladder: Ladder,
    person: str,
    level: str | None = None,
    *,
    threshold: float | None = None,
) -> Coverage:
    """The coverage view; see :func:`feedback_writer.mapping.coverage.coverage`."""
    from feedback_writer.mapping.coverage import coverage as compute

    return compute(repo, ladder, person, level, threshold=threshold)
