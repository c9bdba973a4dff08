"""Provides ``feedback-writer map``: suggest the ladder evidence each note shows (the
decisions on it are ``feedback-writer evidence``, in ``evidence_cmd``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from feedback_writer.cli._common import app, common_options
from feedback_writer.cli._notes_io import date_order_option
from feedback_writer.cli._output import JsonListParts, echo_json, json_is_pretty, short_line
from feedback_writer.cli._progress import ProgressLine
from feedback_writer.context import AppContext
from feedback_writer.errors import UsageError
from feedback_writer.ladder.model import Ladder
from feedback_writer.mapping.results import MappingRun, NoteMapping

if TYPE_CHECKING:
    from feedback_writer.mapping.service import ChunkFn
    from feedback_writer.notes.dates import DateOrder

_FORMAT = click.Choice(["table", "json"])


def _warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def _matching(progress: ProgressLine, parts: JsonListParts | None) -> ChunkFn:
    """The offline matcher's progress, on the terminal's status line; with ``parts``, each
    chunk's JSON is encoded as it comes (while the workers match the next one)."""

    def show(chunk: Sequence[NoteMapping], done: int, total: int) -> None:
        if parts is not None:
            parts.add([r.json_text() for r in chunk])
        if total >= 1_000:  # a smaller run is done before anyone could read it
            progress(f"matching notes: {done:,}/{total:,}")

    return show


def _json_parts(fmt: str) -> JsonListParts | None:
    """Where a piped ``--format json`` is encoded as the matcher goes (a terminal's is
    indented, at the end)."""
    return JsonListParts() if fmt == "json" and not json_is_pretty() else None


_TEXTS_ONLY_MAP_NOTE = (
    "note: this ladder has no signals or examples, so offline suggestions are much less "
    "reliable than on the default ladder (about half right on notes written by others; see "
    "docs/matching.md). Confirm each one, add signals and examples to the ladder "
    "(docs/ladders.md), or configure a model."
)


def _print_run(
    run: MappingRun, ladder: Ladder, fmt: str, parts: JsonListParts | None = None
) -> None:
    if run.source == "matcher" and not ladder.has_hints and run.results:
        click.echo(_TEXTS_ONLY_MAP_NOTE, err=True)  # stderr: JSON on stdout stays clean
    if fmt == "json":
        # The parts are the run's JSON when the matcher's answers are its results: no model.
        if parts is not None and run.model is None and parts.items == len(run.results):
            click.echo(parts.text())
        else:
            echo_json([r.to_json() for r in run.results], ensure_ascii=False)
        return
    for r in run.results:
        _print_note(r, ladder)
    source = f"model {run.model}" if run.source == "model" else "offline matcher"
    click.echo(f"{run.with_evidence} of {len(run.results)} note(s) show ladder evidence ({source})")


def _print_note(r: NoteMapping, ladder: Ladder) -> None:
    click.echo(f"{r.note_id}  {short_line(r.text)}")
    if not r.matches:
        click.echo("      (no ladder evidence)")
    for m in r.to_json()["matches"]:
        sign = "+" if m["polarity"] == "positive" else "-"
        text = short_line(ladder.expectation(m["expectation_id"]).text, 50)
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
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes the offline matcher runs in (default: one per core for 2,000 notes or "
    "more, on Linux; 1: this process only).",
)
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
    jobs: int | None,
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
        items = _file_items(file, date_order)
        parts = _json_parts(fmt)
        with ProgressLine() as progress:
            run = service.map_texts(
                ctx.ladder, items, top_k=top_k, jobs=jobs, on_matching=_matching(progress, parts)
            )
        _print_run(run, ctx.ladder, fmt, parts)
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
    parts = _json_parts(fmt)
    with ProgressLine() as progress:
        run = service.suggest_configured(
            repo, ladder, person, ctx.settings, offline=offline, top_k=top_k,
            on_warning=lambda message: progress.line(f"warning: {message}"),
            on_matching=_matching(progress, parts), jobs=jobs,
        )  # fmt: skip
    if not run.results:
        _warn(f"no notes for {person}: add some with 'feedback-writer notes add'")
    _print_run(run, ladder, fmt, parts)


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
