"""Provides ``feedback-writer evidence``: accept, reject or add what a note is evidence
for, list the evidence, and see coverage per competency."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from feedback_writer.cli._common import app, common_options, person_option
from feedback_writer.cli._output import echo_json, short_line
from feedback_writer.context import AppContext
from feedback_writer.errors import UsageError

if TYPE_CHECKING:
    from feedback_writer.mapping.service import Decision
    from feedback_writer.storage.records import MappingRecord

_FORMAT = click.Choice(["table", "json"])


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
        click.echo(f"{n.id}  {short_line(n.text)}")
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
