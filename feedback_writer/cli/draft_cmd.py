"""Provides ``feedback-writer draft``: draft a person's feedback and store it unreviewed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from feedback_writer.cli._common import app, common_options, person_option
from feedback_writer.cli._output import echo_json
from feedback_writer.context import AppContext


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)") from None


def print_draft(ctx: AppContext, draft_id: int, fmt: str) -> None:
    """Print a stored draft as Markdown (sections) or JSON, warnings on stderr."""
    from feedback_writer.drafting.render import sections_markdown

    record = ctx.repo.get_draft(draft_id)
    sections = ctx.repo.sections(draft_id)
    warnings: list[str] = list(record.meta.get("warnings", []))
    if fmt == "json":
        out: dict[str, Any] = {
            "draft_id": record.id,
            "person": record.person,
            "drafter": record.drafter,
            "model": record.model,
            "warnings": warnings,
            "content": record.content,
            "sections": [{"key": s.key, "title": s.title, "text": s.model_text} for s in sections],
        }
        echo_json(out)
        return
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    title = f"Draft {record.id}: {record.person} ({record.drafter}, unreviewed)"
    click.echo(sections_markdown(title, [(s.key, s.title, s.model_text) for s in sections]))
    click.echo(
        f"Stored as draft {record.id}. Every section needs a human edit before export: "
        f'feedback-writer review --person "{record.person}"',
        err=True,
    )


@click.command("draft")
@person_option
@click.option("--level", help="Current level, slug or name in any case (saved for the person).")
@click.option("--target", help="Target level, slug or name in any case (saved for the person).")
@click.option("--mode", type=click.Choice(["manager", "self"]), help="manager or self review.")
@click.option("--model", help="litellm model string; unset: the offline drafter.")
@click.option("--since", callback=_date, help="Window start (YYYY-MM-DD).")
@click.option("--until", callback=_date, help="Window end (YYYY-MM-DD).")
@click.option("--exclude", multiple=True, metavar="ID", help="Leave a note out (repeatable).")
@click.option(
    "--include-undated",
    is_flag=True,
    help="Also draft from undated notes (a dated window leaves them out).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    help="Also draft from unconfirmed suggestions scoring at least this (labelled "
    "unconfirmed); without it, only confirmed evidence counts and none is an error.",
)
@click.option(
    "--section",
    "section_key",
    metavar="KEY",
    help="Regenerate only this section of a stored draft (adds a drafter version).",
)
@click.option(
    "--draft", "draft_id", type=int, help="With --section: the draft (default: the latest)."
)
@click.option("--force", is_flag=True, help="With --section: regenerate over human edits.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--dry-run", is_flag=True, help="Show exactly what would be sent; send nothing.")
@click.option(
    "--prompts",
    "prompts_dir",
    type=click.Path(file_okay=False),
    help="Company prompt templates overriding the defaults by name.",
)
@common_options
@app
def draft(
    ctx: AppContext,
    person: str,
    level: str | None,
    target: str | None,
    mode: str | None,
    model: str | None,
    since: dt.date | None,
    until: dt.date | None,
    exclude: tuple[str, ...],
    include_undated: bool,
    threshold: float | None,
    section_key: str | None,
    draft_id: int | None,
    force: bool,
    fmt: str,
    dry_run: bool,
    prompts_dir: str | None,
) -> None:
    """Draft feedback for a person from their mapped notes and store it unreviewed.

    The window is --since/--until, else the person's current cycle, else all notes.
    Drafts rest on confirmed evidence ('feedback-writer evidence accept'); with none in the
    window it stops (exit 2) unless --threshold S is given. With no model configured the
    offline drafter writes an evidence outline. --section KEY redrafts one section of a
    stored draft instead (--force over human edits, which stay in the section's history)."""
    from feedback_writer.drafting.service import create_draft, plan_draft

    ctx.set_flag("prompts_dir", prompts_dir)
    ctx.set_flag("model", model)

    if section_key is not None:
        _regenerate(ctx, person, draft_id, section_key, force, fmt)
        return
    if draft_id is not None or force:
        raise click.UsageError("--draft and --force go with --section KEY")

    from feedback_writer.cli.people_cmd import level_slug

    # As `people set`: a level's slug or name, in any case ("Mid", "SENIOR").
    level = level_slug(ctx.ladder, level) if level else None
    target = level_slug(ctx.ladder, target) if target else None
    common: dict[str, Any] = {
        "level": level, "target": target, "mode": mode, "since": since, "until": until,
        "exclude": exclude, "threshold": threshold, "include_undated": include_undated,
    }  # fmt: skip
    if dry_run:
        plan = plan_draft(ctx, person, **common)
        for w in plan.warnings:
            click.echo(f"warning: {w}", err=True)
        if not plan.messages:
            click.echo("dry run: offline drafter, nothing would be sent")
            return
        if fmt == "json":
            click.echo(
                json.dumps(
                    {
                        "model": plan.model,
                        "messages": plan.messages,
                        "prompt_tokens": plan.prompt_tokens,
                    },
                    indent=2,
                )
            )
        else:
            click.echo(
                f"dry run: {plan.model}, {plan.prompt_tokens} prompt tokens; "
                "nothing was sent. These messages would be:"
            )
            for m in plan.messages:
                click.echo(f"\n--- {m['role']} ---\n{m['content']}")
        if plan.needs_condensing:
            click.echo(
                "(the notes exceed the model's context: they would be condensed first)", err=True
            )
        return
    from feedback_writer.cli._progress import ProgressLine

    # The line is ended however drafting stops (an error, Ctrl-C), so an error message
    # starts on its own line; on a pipe no \r line is written at all.
    with ProgressLine() as progress:
        record = create_draft(ctx, person, on_progress=progress, **common)
    print_draft(ctx, record.id, fmt)


def _regenerate(
    ctx: AppContext,
    person: str,
    draft_id: int | None,
    key: str,
    force: bool,
    fmt: str,
) -> None:
    """``draft --section KEY``: add a drafter version of one section and print it."""
    from feedback_writer.drafting.regenerate import regenerate_section
    from feedback_writer.errors import UsageError

    record = ctx.repo.latest_draft(person) if draft_id is None else ctx.repo.get_draft(draft_id)
    if record.person != person:
        raise UsageError(f"draft {record.id} is {record.person}'s, not {person}'s")
    from feedback_writer.cli._progress import ProgressLine

    with ProgressLine() as progress:
        done = regenerate_section(ctx, record.id, key, force=force, on_progress=progress)
    for w in done.warnings:
        click.echo(f"warning: {w}", err=True)
    s = done.section
    if fmt == "json":
        out = {"draft_id": record.id, "key": s.key, "version": s.version, "changed": done.changed,
               "drafter": done.drafter, "model": done.model, "text": s.model_text}  # fmt: skip
        echo_json(out)
        return
    click.echo(f"## {s.title}\n\n{s.model_text}")
    what = f"version {s.version}" if done.changed else "unchanged (same drafter text)"
    click.echo(
        f"Section '{key}' of draft {record.id}: {what}. It needs a human edit before export: "
        f'feedback-writer review --person "{person}" --draft {record.id}',
        err=True,
    )
