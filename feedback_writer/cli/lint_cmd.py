"""Provides ``feedback-writer lint``: quality checks on any text (a file or stdin), or on
every section of a stored draft with the context checks (``--person``/``--draft``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from feedback_writer.cli._common import app, common_options
from feedback_writer.cli._output import echo_json
from feedback_writer.context import AppContext
from feedback_writer.errors import UsageError

if TYPE_CHECKING:
    from feedback_writer.quality import Finding, Mode


def _read(source: str) -> str:
    if source == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        name = source
        try:
            with open(source, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise UsageError(f"{source}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not UTF-8 text") from None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _echo(label: str, text: str, f: Finding) -> None:
    line, col = _line_col(text, f.start)
    click.echo(f"{label}:{line}:{col}: {f.category} [{f.rule}] {f.message}")
    if f.suggestion:
        click.echo(f"    suggestion: {f.suggestion}")


def _lint_draft(
    ctx: AppContext, person: str | None, draft_id: int | None, fmt: str, rules_dir: str | None
) -> None:
    from feedback_writer.quality.draft import current_text, draft_findings

    repo = ctx.repo
    if draft_id is None:
        assert person is not None
        draft_id = repo.latest_draft(person).id
    draft = repo.get_draft(draft_id)
    if person is not None and repo.get_person(person).name != draft.person:
        raise UsageError(f"draft {draft_id} is about {draft.person}, not {person}")
    found = draft_findings(repo, ctx.ladder, draft_id, rules_dir=rules_dir)
    if fmt == "json":
        data: list[dict[str, Any]] = [f.as_dict() for f in found]
        echo_json(data, ensure_ascii=False)
        return
    texts = {s.key: current_text(s) for s in repo.sections(draft_id)}
    for f in found:
        _echo(f"draft {draft_id} {f.key}", texts[f.key], f.finding)
    click.echo(f"{len(found)} finding(s) in draft {draft_id} ({draft.person})", err=True)


@click.command("lint")
@click.argument("source", metavar="[FILE|-]", required=False)
@click.option(
    "--mode",
    type=click.Choice(["manager", "self"]),
    help="Whose review the text is: a manager's, or the person's own "
    "(default: the person's mode with --person, else manager).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one array of findings with character offsets into the input "
    '(into each section\'s text, named by "section", for a draft).',
)
@click.option(
    "--rules-dir",
    type=click.Path(file_okay=False),
    help="Company folder of rule files replacing the shipped ones of the same name "
    "(default: the quality_rules_dir setting).",
)
@click.option(
    "--person",
    "-p",
    help="Without FILE: check this person's draft. With FILE: check the text against "
    "the person's notes, level and cycle.",
)
@click.option(
    "--draft",
    "draft_id",
    type=int,
    help="The draft to check (default: the person's latest draft).",
)
@common_options
@app
def lint(
    ctx: AppContext,
    source: str | None,
    mode: str | None,
    fmt: str,
    rules_dir: str | None,
    person: str | None,
    draft_id: int | None,
) -> None:
    """Check feedback text for trait words, vague praise, absolutes, hype, team credit,
    growth points with no next step, gendered wording and person slips; with --person or
    --draft, also claims missing from the notes, calibration and recency. Exits 0
    whatever it finds; 2 when the input cannot be read."""
    from feedback_writer.quality import CheckContext, check_text

    rules_dir = rules_dir or ctx.settings.quality_rules_dir
    if source is None:
        if person is None and draft_id is None:
            raise UsageError("give a FILE (or - for standard input), or --person/--draft")
        _lint_draft(ctx, person, draft_id, fmt, rules_dir)
        return
    if draft_id is not None:
        raise UsageError("--draft checks a stored draft: give it without FILE")
    context: CheckContext | None = None
    chosen: Mode = "self" if mode == "self" else "manager"
    if person is not None:
        from feedback_writer.quality.draft import person_context

        context, person_mode = person_context(ctx.repo, ctx.ladder, person)
        chosen = person_mode if mode is None else chosen
    text = _read(source)
    findings = check_text(text, mode=chosen, context=context, rules_dir=rules_dir)
    if fmt == "json":
        echo_json([f.as_dict() for f in findings], ensure_ascii=False)
        return
    label = "<stdin>" if source == "-" else source
    for f in findings:
        _echo(label, text, f)
    click.echo(f"{len(findings)} finding(s)", err=True)
