"""Provides ``feedback-writer notes``: add, import, list and remove a person's notes."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

import click

from feedback_writer.cli._common import app, common_options, person_option
from feedback_writer.cli._notes_io import date_order_option, keep_unsaved, warn_undated
from feedback_writer.cli._output import echo_json
from feedback_writer.context import AppContext
from feedback_writer.errors import NotesImportError, ProblemsError, UsageError, WorkspaceBusy
from feedback_writer.notes.model import AuthorKind, ParsedNote, UndatedNote

if TYPE_CHECKING:
    from feedback_writer.notes.dates import DateOrder
    from feedback_writer.notes.git_import import Proposal

_KINDS = click.Choice([k.value for k in AuthorKind])


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)") from None


@click.group()
def notes() -> None:
    """Collect notes about a person's work: type them, import Markdown, text or JSONL
    files (each top-level bullet or paragraph is a note; '2026-03-14:' dates it), or
    propose them from local git repositories (notes import --git PATH)."""


@notes.command("add")
@person_option
@click.argument("text", nargs=-1, required=True)
@click.option("--date", callback=_date, help="When it happened (YYYY-MM-DD).")
@click.option("--author-kind", type=_KINDS, default="manager", show_default=True)
@click.option("--author", help="Who wrote it (for peer notes).")
@common_options
@app
def add(
    ctx: AppContext,
    person: str,
    text: tuple[str, ...],
    date: dt.date | None,
    author_kind: str,
    author: str | None,
) -> None:
    """Add one note: feedback-writer notes add -p Ana "Led the incident review"."""
    from feedback_writer.notes.textfile import bad_char

    body = " ".join(text).strip()
    if not body:
        raise UsageError("the note is empty")
    found = bad_char(body)
    if found is not None:
        raise UsageError(f"the note contains {found[1]}; remove it and retry")
    parsed = ParsedNote(text=body, date=date)
    try:
        note = ctx.repo.add_note(
            person, parsed, author_kind=AuthorKind(author_kind), author_name=author
        )
    except WorkspaceBusy as exc:
        try:
            kept = keep_unsaved(ctx.workspace, person, parsed)
        except OSError:
            raise WorkspaceBusy(
                f"{exc.message}\nthe note was not saved; here it is:\n{body}", hint=exc.hint
            ) from None
        raise WorkspaceBusy(
            f"{exc.message}\nyour note was not lost: it is kept in {kept}",
            hint=f'add it later with: feedback-writer notes import -p "{person}" "{kept}"',
        ) from None
    click.echo(f"added {note.id} for {person}")


@notes.command("import")
@person_option
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--author-kind",
    type=_KINDS,
    default="manager",
    show_default=True,
    help="Peer feedback: --author-kind peer --author NAME.",
)
@click.option(
    "--author",
    "authors",
    multiple=True,
    help="Who wrote these notes; with --git, a commit author e-mail (repeatable; "
    "default: the repository's git config user.email).",
)
@click.option(
    "--git",
    "repos",
    multiple=True,
    type=click.Path(),
    help="A local git repository to propose notes from (repeatable). See docs/git-import.md.",
)
@click.option("--since", callback=_date, help="With --git: from this day (YYYY-MM-DD).")
@click.option("--until", callback=_date, help="With --git: up to this day (YYYY-MM-DD).")
@click.option("--dry-run", is_flag=True, help="With --git: list what would be imported.")
@date_order_option
@common_options
@app
def import_(
    ctx: AppContext,
    person: str,
    files: tuple[str, ...],
    author_kind: str,
    authors: tuple[str, ...],
    repos: tuple[str, ...],
    since: dt.date | None,
    until: dt.date | None,
    dry_run: bool,
    date_order: DateOrder | None,
) -> None:
    """Import notes files (.md, .txt, .jsonl). Each file lands whole or not at all;
    importing the same file again adds nothing; notes whose date cannot be read are kept
    undated and listed on stderr (FILE:LINE). With --git PATH: propose notes from the
    commit messages of local repositories (keep them with 'notes keep')."""
    if repos:
        if files:
            raise UsageError("import notes files or --git repositories, not both at once")
        if click.get_current_context().get_parameter_source("author_kind") not in (
            None,
            click.core.ParameterSource.DEFAULT,
        ):
            raise UsageError("--author-kind does not apply to --git (commit notes are 'self')")
        _import_git(ctx, person, repos, authors, since, until, dry_run)
        return
    if not files:
        raise UsageError("give notes files to import, or --git PATH")
    if since or until or dry_run:
        raise UsageError("--since, --until and --dry-run apply to --git only")
    if len(authors) > 1:
        raise UsageError("notes files take one --author")
    author = authors[0] if authors else None
    from feedback_writer.notes.parse import read_notes_file

    parsed: list[tuple[str, list[ParsedNote]]] = []
    undated: list[UndatedNote] = []
    problems: list[str] = []
    for path in files:
        try:
            read = read_notes_file(path, date_order=date_order)
        except NotesImportError as exc:
            problems += exc.problems
            continue
        parsed.append((path, read.notes))
        undated += read.undated
    if problems:
        raise NotesImportError(problems, hint="nothing was imported; fix the file and retry")
    warn_undated(undated)
    for path, items in parsed:
        result = ctx.repo.import_notes(
            person, items, author_kind=AuthorKind(author_kind), author_name=author
        )
        skipped = f", {result.skipped} already there" if result.skipped else ""
        click.echo(f"{path}: {result.added} note(s) imported for {person}{skipped}")


@notes.command("list")
@person_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@common_options
@app
def list_(ctx: AppContext, person: str, fmt: str) -> None:
    """List a person's notes, oldest first; a vague note gets a follow-up question under it
    (what situation, behaviour or outcome it lacks; JSON: "followup", else null)."""
    from feedback_writer.quality import followup_for_notes

    items = ctx.repo.list_notes(person)
    questions = followup_for_notes(items, ctx.settings.quality_rules_dir)
    if fmt == "json":
        data = [{**n.model_dump(mode="json"), "followup": questions.get(n.id)} for n in items]
        echo_json(data)
        return
    if not items:
        click.echo(f"no notes for {person} yet")
    for n in items:
        when = n.date.isoformat() if n.date else "          "
        flag = (" (excluded)" if n.excluded else "") + (" (proposed)" if n.proposed else "")
        who = f" [{n.author_kind.value}{': ' + n.author_name if n.author_name else ''}]"
        first = n.text.splitlines()[0]
        click.echo(f"{n.id:>5}  {when}  {first}{who if n.author_kind != 'manager' else ''}{flag}")
        if n.id in questions:
            click.echo(f"{'':>5}  {'':10}  ? {questions[n.id]}")


@notes.command("rm")
@person_option
@click.argument("note_ids", nargs=-1, required=True)
@common_options
@app
def rm(ctx: AppContext, person: str, note_ids: tuple[str, ...]) -> None:
    """Remove notes by id (n12 ...)."""
    for note_id in note_ids:
        note = ctx.repo.get_note(note_id)
        if note.person != person:
            raise UsageError(f"{note_id} belongs to {note.person}, not {person}")
    for note_id in note_ids:
        ctx.repo.delete_note(note_id)
        click.echo(f"removed {note_id}")


class _Progress:
    """A progress bar per repository on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.done = 0

    def start(self, repo: Any, total: int) -> None:
        self.close()
        self.bar = click.progressbar(length=max(total, 1), label=repo.name, file=sys.stderr)
        self.bar.__enter__()
        self.done = 0

    def advance(self, seen: int) -> None:
        if self.bar is not None and seen > self.done:
            self.bar.update(seen - self.done)
            self.done = seen

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _import_git(
    ctx: AppContext,
    person: str,
    paths: tuple[str, ...],
    authors: tuple[str, ...],
    since: dt.date | None,
    until: dt.date | None,
    dry_run: bool,
) -> None:
    from feedback_writer.notes.git_import import (
        company_noise_files,
        load_noise,
        read_repositories,
    )
    from feedback_writer.storage.git_notes import GitNoteRow

    known = ctx.repo.find_person(person)
    if since is None and until is None and known is not None:
        cycle = ctx.repo.current_cycle(person)
        if cycle is not None:
            since, until = cycle.start, cycle.end
    noise = load_noise(company_noise_files(ctx.settings.ladder, ctx.settings.prompts_dir))
    progress = _Progress()
    tty = sys.stderr.isatty()
    try:
        results = read_repositories(
            paths,
            authors=authors,
            since=since,
            until=until,
            noise=noise,
            on_start=progress.start if tty else None,
            on_progress=progress.advance if tty else None,
        )
    finally:
        progress.close()
    problems = [r.problem for r in results if r.problem]
    if all(r.problem for r in results):
        raise ProblemsError(problems, hint="nothing was imported")
    seen = ctx.repo.known_git_shas(person) if known is not None else set()
    total = 0
    if dry_run:
        click.echo(f"dry run for {person}: nothing is imported")
    for result in results:
        if result.repo is None or result.problem:
            continue
        new = [p for p in result.proposals if p.sha not in seen]
        already = len(result.proposals) - len(new)
        extra = f", {already} already imported" if already else ""
        extra += f", {result.noise} left out as noise" if result.noise else ""
        if dry_run:
            click.echo(f"{result.repo.name} ({result.repo.path}): {len(new)} new{extra}")
            _echo_months(new)
            continue
        rows = [GitNoteRow(p.text, p.date, p.source, p.repo, p.shas) for p in new]
        added = ctx.repo.import_git_notes(person, rows)
        total += len(added)
        click.echo(f"{result.repo.name}: {len(added)} note(s) proposed for {person}{extra}")
    for problem in problems:
        click.echo(f"skipped {problem}", err=True)
    if total:
        click.echo(
            f"proposed notes are left out of drafts until kept: feedback-writer notes keep "
            f"-p '{person}' ID... | --repo NAME (or notes drop)"
        )


def _echo_months(proposals: list[Proposal]) -> None:
    months: dict[str, list[Proposal]] = {}
    for p in proposals:
        months.setdefault(p.date.strftime("%Y-%m"), []).append(p)
    for month in sorted(months):
        click.echo(f"  {month}: {len(months[month])}")
        for p in months[month]:
            first = p.text.splitlines()[0]
            click.echo(f"    {p.date.isoformat()}  {p.source}  {first}")


def _settle(
    ctx: AppContext, person: str, note_ids: tuple[str, ...], repo: str | None, keep: bool
) -> None:
    verb = "kept" if keep else "dropped"
    if bool(note_ids) == bool(repo):
        raise UsageError("give note ids (n12 n13 ...) or --repo NAME, one of the two")
    ids = list(note_ids)
    if repo:
        ids = ctx.repo.proposed_note_ids(person, repo)
        if not ids:
            names = ", ".join(ctx.repo.git_repo_names(person)) or "none imported yet"
            raise UsageError(f"no proposed notes from repository '{repo}' (repositories: {names})")
    count = ctx.repo.settle_proposed(person, ids, keep=keep)
    click.echo(f"{verb} {count} note(s) of {person}: {' '.join(ids)}")


_REPO = click.option("--repo", help="Every proposed note from this repository (by name).")


@notes.command("keep")
@person_option
@click.argument("note_ids", nargs=-1)
@_REPO
@common_options
@app
def keep(ctx: AppContext, person: str, note_ids: tuple[str, ...], repo: str | None) -> None:
    """Keep proposed notes (imported from git): drafts use them from now on."""
    _settle(ctx, person, note_ids, repo, True)


@notes.command("drop")
@person_option
@click.argument("note_ids", nargs=-1)
@_REPO
@common_options
@app
def drop(ctx: AppContext, person: str, note_ids: tuple[str, ...], repo: str | None) -> None:
    """Drop proposed notes: deleted, and importing again does not bring them back."""
    _settle(ctx, person, note_ids, repo, False)
