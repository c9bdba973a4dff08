"""Provides ``feedback-writer map`` (suggest ladder evidence for notes) and
``feedback-writer evidence`` (accept, reject, add, list, coverage)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from feedback_writer.cli._common import app, common_options, person_option
from feedback_writer.cli._notes_io import date_order_option
from feedback_writer.cli._output import echo_json
from feedback_writer.context import AppContext
from feedback_writer.errors import UsageError
from feedback_writer.ladder.model import Ladder
from feedback_writer.mapping.results import MappingRun, NoteMapping

if TYPE_CHECKING:
    from feedback_writer.mapping.service import Decision
    from feedback_writer.notes.dates import DateOrder
    from feedback_writer.storage.records import MappingRecord

_FORMAT = click.Choice(["table", "json"])


def _warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def _short(text: str, width: int = 76) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


_TEXTS_ONLY_MAP_NOTE = (
    "note: this ladder has no signals or examples, so offline suggestions are much less "
    "reliable than on the default ladder (about half right on notes written by others; see "
    "docs/matching.md). Confirm each one, add signals and examples to the ladder "
    "(docs/ladders.md), or configure a model."
)


def _print_run(run: MappingRun, ladder: Ladder, fmt: str) -> None:
    if run.source == "matcher" and not ladder.has_hints and run.results:
        click.echo(_TEXTS_ONLY_MAP_NOTE, err=True)  # stderr: JSON on stdout stays clean
    if fmt == "json":
        echo_json([r.to_json() for r in run.results], ensure_ascii=False)
        return
    for r in run.results:
        _print_note(r, ladder)
    source = f"model {run.model}" if run.source == "model" else "offline matcher"
    click.echo(f"{run.with_evidence} of {len(run.results)} note(s) show ladder evidence ({source})")


def _print_note(r: NoteMapping, ladder: Ladder) -> None:
    click.echo(f"{r.note_id}  {_short(r.text)}")
    if not r.matches:
        click.echo("      (no ladder evidence)")
    for m in r.to_json()["matches"]:
        sign = "+" if m["polarity"] == "positive" else "-"
        text = _short(ladder.expectation(m["expectation_id"]).text, 50)
        click.echo(f"      {m['score']:.2f} {sign} {m['expectation_id']}  {text}")


def _file_items(path: str, date_order: DateOrder | None = None) -> list[tuple[str, str]]:
    """(id, text) for each note of a file: the file's id, else '<stem>:<line>'; the notes
    left undated are listed on stderr."""
    from feedback_writer.cli._notes_io import warn_undated
    from feedback_writer.notes.parse import read_notes_file

    parsed = read_notes_file(path, date_order=date_order)
    warn_undated(parsed.undated)
    stem = Path(path).stem
    items = []
    for n in parsed.notes:
        note_id = n.external_id or f"{stem}:{n.source_line}"
        items.append((note_id, n.text))
    return items


@click.command("map")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--person", "-p", help="Map the stored notes of this person and store the suggestions."
)
@click.option(
    "--top",
    "top_k",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="At most this many expectations per note.",
)
@click.option("--format", "fmt", type=_FORMAT, default="table", show_default=True)
@click.option("--model", help="With --person: litellm model string to use for this run.")
@click.option("--offline", is_flag=True, help="With --person: use the offline matcher only.")
@date_order_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="With --person: print exactly what the model would be sent; send and store nothing.",
)
@common_options
@app
def map_command(
    ctx: AppContext,
    file: str | None,
    person: str | None,
    top_k: int,
    fmt: str,
    model: str | None,
    offline: bool,
    date_order: DateOrder | None,
    dry_run: bool,
) -> None:
    """Map notes to ladder expectations.

    \b
    feedback-writer map notes.md          map a file's notes (offline; nothing is stored)
    feedback-writer map --person Ana      map Ana's stored notes and store the suggestions;
                                          uses the configured model, if any (--offline: not)

    Confirm the suggestions with 'feedback-writer evidence accept|reject|add'.
    """
    from feedback_writer.mapping import service

    if (file is None) == (person is None):
        raise UsageError("give either a notes FILE or --person NAME (not both)")
    if file is not None:
        if model or offline:
            raise UsageError("--model and --offline go with --person; a FILE is mapped offline")
        # No workspace is opened: mapping a file stores nothing.
        run = service.map_texts(ctx.ladder, _file_items(file, date_order), top_k=top_k)
        _print_run(run, ctx.ladder, fmt)
        return
    assert person is not None
    if model and offline:
        raise UsageError("--model and --offline contradict each other")
    ctx.set_flag("model", model)
    repo, ladder = ctx.repo, ctx.ladder
    person = repo.get_person(person).name  # as stored: the name the model must not see
    if dry_run:
        _dry_run(ctx, person, top_k, fmt, offline)
        return
    run = service.suggest_configured(
        repo, ladder, person, ctx.settings, offline=offline, top_k=top_k, on_warning=_warn
    )
    if not run.results:
        _warn(f"no notes for {person}: add some with 'feedback-writer notes add'")
    _print_run(run, ladder, fmt)


def _dry_run(ctx: AppContext, person: str, top_k: int, fmt: str, offline: bool) -> None:
    """``map --person P --dry-run``: the model's messages, batch by batch; nothing sent."""
    from feedback_writer.drafting.prompt import unlisted_notice
    from feedback_writer.mapping.assisted import plan_mapping

    model = None if offline else ctx.settings.model
    if not model:
        click.echo("dry run: offline matcher, nothing would be sent")
        return
    plan = plan_mapping(ctx.repo, ctx.ladder, person, ctx.settings, top_k=top_k)
    notice = unlisted_notice(plan.unlisted)
    if notice:
        _warn(notice)
    if fmt == "json":
        out = {"model": model, "batches": plan.batches, "unlisted_names": plan.unlisted}
        echo_json(out, ensure_ascii=False)
        return
    click.echo(
        f"dry run: {model}, {len(plan.batches)} call(s); nothing was sent. "
        "These messages would be (plus the answer's JSON schema):"
    )
    for i, messages in enumerate(plan.batches, start=1):
        click.echo(f"\n=== call {i}/{len(plan.batches)} ===")
        for m in messages:
            click.echo(f"\n--- {m['role']} ---\n{m['content']}")


# --- evidence ------------------------------------------------------------------------


@click.group()
def evidence() -> None:
    """Confirm the evidence drafts use: accept or reject suggestions, add what the matcher
    missed, list it, and see coverage per competency."""


def _decision(f: Callable[..., None]) -> Callable[..., None]:
    """The arguments every decision takes: --person NOTE_ID EXPECTATION_ID [--negative]."""
    negative = click.option(
        "--negative", is_flag=True, help="The note shows a gap in this expectation."
    )
    wrapped = common_options(app(f))
    return person_option(
        click.argument("note_id")(click.argument("expectation_id")(negative(wrapped)))
    )


def _stored_name(ctx: AppContext, person: str) -> str:
    """The person's name as stored, however it was typed (an unknown name is kept: the
    decision then says whose note it is)."""
    found = ctx.repo.find_person(person)
    return found.name if found else person


def _record(
    action: Decision,
    ctx: AppContext,
    person: str,
    note_id: str,
    expectation_id: str,
    polarity: str | None,
) -> None:
    from feedback_writer.mapping import service

    person = _stored_name(ctx, person)
    record = service.decide(
        ctx.repo, ctx.ladder, note_id, expectation_id, action, polarity, person=person
    )
    verb = {"accept": "accepted", "reject": "rejected", "add": "added"}[action]
    click.echo(f"{verb} {note_id} -> {record.expectation_id} ({record.polarity})")


@evidence.command("accept")
@person_option
@click.argument("items", nargs=-1, metavar="NOTE_ID [EXPECTATION_ID] ...")
@click.option(
    "--all", "all_", is_flag=True, help="Every note's top suggestion (see --min-confidence)."
)
@click.option(
    "--min-confidence",
    type=click.Choice(["high", "medium", "low"], case_sensitive=False),
    help="With --all: only suggestions in this confidence band or better (default: high).",
)
@click.option(
    "--positive/--negative",
    default=None,
    help="Set the polarity: a strength, or a gap (default: as suggested).",
)
@click.option("--yes", "-y", is_flag=True, help="With --all: accept without asking.")
@common_options
@app
def accept_command(
    ctx: AppContext,
    person: str,
    items: tuple[str, ...],
    all_: bool,
    min_confidence: str | None,
    positive: bool | None,
    yes: bool,
) -> None:
    """Accept suggestions, all in one go (all or none are stored).

    \b
    evidence accept -p NAME n3 ops.mid.leads-incidents   that suggestion of n3
    evidence accept -p NAME n3 n7 n12                    each note's top suggestion
    evidence accept -p NAME --all --min-confidence medium
                        every note's top suggestion with medium or high confidence,
                        listed first (notes with accepted evidence are left alone)
    """
    from feedback_writer.mapping import service

    person = _stored_name(ctx, person)
    polarity = None if positive is None else "positive" if positive else "negative"
    if all_:
        if items:
            raise UsageError("--all takes no note ids")
        band = (min_confidence or "high").lower()
        chosen = service.bulk_candidates(ctx.repo, ctx.ladder, person, band)
        if not chosen:
            click.echo(
                f"nothing to accept: no note without accepted evidence has a top suggestion "
                f"with {band} confidence or better"
            )
            return
        _list_candidates(chosen, band)
        _confirm(f"Accept these {len(chosen)} suggestion(s)?", yes)
        pairs = [(m.note_id, m.expectation_id) for m in chosen]
    else:
        if min_confidence:
            raise UsageError("--min-confidence goes with --all")
        if not items:
            raise UsageError("give note ids (n3 n7 ...), a NOTE_ID EXPECTATION_ID pair, or --all")
        pairs = _pairs(ctx, person, items)
    records = service.accept_many(ctx.repo, ctx.ladder, pairs, polarity, person=person)
    for r in records:
        click.echo(f"accepted {r.note_id} -> {r.expectation_id} ({r.polarity})")


def _pairs(ctx: AppContext, person: str, items: tuple[str, ...]) -> list[tuple[str, str]]:
    """``n3 n7 ops.l2.x n12`` -> n3's top, (n7, ops.l2.x), n12's top: an argument that is
    not a note id is an expectation of the note before it."""
    from feedback_writer.mapping import service
    from feedback_writer.storage.mappings import note_rowid

    groups: list[tuple[str, list[str]]] = []
    for item in items:
        if item[:1] == "n" and item[1:].isdigit():
            groups.append((item, []))
        elif groups:
            groups[-1][1].append(item)
        else:
            note_rowid(item)  # not a note id: say what one looks like
    pairs: list[tuple[str, str]] = []
    for note_id, expectations in groups:
        if expectations:
            pairs.extend((note_id, e) for e in expectations)
            continue
        top = service.top_suggestion(ctx.repo, ctx.ladder, note_id, person=person)
        if top is None:
            raise UsageError(
                f"{note_id} has no suggestion to accept",
                hint=f"add evidence with: feedback-writer evidence add -p NAME {note_id} ID",
            )
        pairs.append((note_id, top.expectation_id))
    return pairs


def _list_candidates(chosen: list[MappingRecord], band: str) -> None:
    from feedback_writer.mapping.calibration import score_confidence

    click.echo(f"top suggestions with {band} confidence or better:")
    for m in chosen:
        sign = "+" if m.polarity == "positive" else "-"
        shown = score_confidence(m.score)[1]
        click.echo(f"  {m.note_id:<5} {m.score:.2f} {shown:<6} {sign} {m.expectation_id}")


def _confirm(question: str, yes: bool) -> None:
    """Ask on a terminal; elsewhere only ``--yes`` goes ahead."""
    if yes:
        return
    if not _interactive():
        raise UsageError("not a terminal, so not asking: add --yes to accept them")
    if not click.confirm(question, default=False):
        raise click.Abort()


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()


@evidence.command("reject")
@_decision
def reject_command(
    ctx: AppContext, person: str, note_id: str, expectation_id: str, negative: bool
) -> None:
    """Reject a mapping; it will not be suggested again for this note."""
    _record("reject", ctx, person, note_id, expectation_id, "negative" if negative else None)


@evidence.command("add")
@_decision
def add_command(
    ctx: AppContext, person: str, note_id: str, expectation_id: str, negative: bool
) -> None:
    """Add evidence the matcher missed (--negative: it shows a gap)."""
    _record("add", ctx, person, note_id, expectation_id, "negative" if negative else "positive")


@evidence.command("list")
@person_option
@click.option("--format", "fmt", type=_FORMAT, default="table", show_default=True)
@common_options
@app
def list_(ctx: AppContext, person: str, fmt: str) -> None:
    """A person's notes with their suggested, accepted and rejected mappings.

    Beside each score, its confidence band (high, medium, "low confidence"): how often
    suggestions scored like this were right on notes written blind (docs/matching.md)."""
    from feedback_writer.mapping.calibration import score_confidence

    repo = ctx.repo
    notes = repo.list_notes(person, include_excluded=False)
    by_note: dict[str, list[dict[str, object]]] = {n.id: [] for n in notes}
    for m in repo.mappings_for_person(person):
        if m.note_id in by_note:
            # Evidence the user added has a score of 1 by convention, not a confidence.
            p, band = score_confidence(m.score) if m.source != "user" else (None, None)
            by_note[m.note_id].append(
                {
                    "expectation_id": m.expectation_id,
                    "status": m.status,
                    "polarity": m.polarity,
                    "score": m.score,
                    "confidence": p,
                    "band": band,
                    "source": m.source,
                }
            )
    if fmt == "json":
        rows = [{"note_id": n.id, "text": n.text, "mappings": by_note[n.id]} for n in notes]
        echo_json(rows, ensure_ascii=False)
        return
    if not notes:
        click.echo(f"no notes for {person} yet")
    for n in notes:
        click.echo(f"{n.id}  {_short(n.text)}")
        if not by_note[n.id]:
            click.echo("      (nothing yet: run 'feedback-writer map --person ...')")
        for row in by_note[n.id]:
            sign = "+" if row["polarity"] == "positive" else "-"
            shown = "low confidence" if row["band"] == "low" else str(row["band"] or "")
            click.echo(
                f"      {row['status']:<9} {row['score']:.2f} {shown:<14} {sign} "
                f"{row['expectation_id']}  ({row['source']})"
            )


@evidence.command("coverage")
@person_option
@click.option("--level", help="Level to measure against (default: the person's level).")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    help="Also count open suggestions scoring at least this.",
)
@click.option("--format", "fmt", type=_FORMAT, default="table", show_default=True)
@common_options
@app
def coverage_command(
    ctx: AppContext, person: str, level: str | None, threshold: float | None, fmt: str
) -> None:
    """Evidence per competency at the current and the next level, and what has none."""
    from feedback_writer.mapping.coverage import coverage, format_coverage

    if level:
        from feedback_writer.cli.people_cmd import level_slug

        level = level_slug(ctx.ladder, level)
    cov = coverage(ctx.repo, ctx.ladder, person, level, threshold=threshold)
    if fmt == "json":
        echo_json(cov.to_dict())
    else:
        click.echo(format_coverage(cov))
