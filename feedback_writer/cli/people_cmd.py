"""Provides ``feedback-writer people``: list people, set level, target and mode, cycles,
rename and remove."""

from __future__ import annotations

import datetime as dt

import click

from feedback_writer.cli._common import app, common_options
from feedback_writer.context import AppContext
from feedback_writer.errors import UsageError
from feedback_writer.ladder.model import Ladder


def level_slug(ladder: Ladder, text: str) -> str:
    """A level as a user types it: its slug or its name, in any case ("Mid" -> "mid")."""
    wanted = text.strip().casefold()
    for lv in ladder.levels:
        if wanted in (lv.slug.casefold(), lv.name.casefold()):
            return lv.slug
    ladder.level_index(text)  # raises, naming the levels
    return text


@click.group()
def people() -> None:
    """People whose work you write feedback about, and their review cycles."""


@people.command("list")
@common_options
@app
def list_(ctx: AppContext) -> None:
    """List people with their level, target and mode."""
    rows = ctx.repo.list_people()
    if not rows:
        click.echo("nobody yet: add notes with 'feedback-writer notes add --person NAME ...'")
    for p in rows:
        n = ctx.repo.count_notes(p.name)
        click.echo(
            f"{p.name}: level {p.current_level or '?'} -> {p.target_level or '?'}, "
            f"{p.mode} review, {n} note(s)"
        )


@people.command("set")
@click.argument("name")
@click.option("--level", help="Current level (a level slug of the ladder).")
@click.option("--target", help="Target level.")
@click.option("--mode", type=click.Choice(["manager", "self"], case_sensitive=False))
@common_options
@app
def set_(
    ctx: AppContext, name: str, level: str | None, target: str | None, mode: str | None
) -> None:
    """Create a person or set their level, target level and review mode.

    Levels are the ladder's slugs or names, in any case (--level Mid)."""
    level = level_slug(ctx.ladder, level) if level else None
    target = level_slug(ctx.ladder, target) if target else None
    mode = mode.lower() if mode else None
    p = ctx.repo.update_person(name, current_level=level, target_level=target, mode=mode)
    click.echo(f"{p.name}: level {p.current_level or '?'} -> {p.target_level or '?'}, {p.mode}")


@people.command("cycle")
@click.argument("name")
@click.option("--title", required=True, help="e.g. 'H1 2026'.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day (YYYY-MM-DD).")
@common_options
@app
def cycle(
    ctx: AppContext, name: str, title: str, since: dt.datetime | None, until: dt.datetime | None
) -> None:
    """Start a review cycle: drafts cover the current cycle by default."""
    c = ctx.repo.start_cycle(
        name, title, since.date() if since else None, until.date() if until else None
    )
    click.echo(f"{name}: cycle '{c.name}' {c.start or '...'} to {c.end or '...'}")


@people.command("rename")
@click.argument("old")
@click.argument("new")
@common_options
@app
def rename(ctx: AppContext, old: str, new: str) -> None:
    """Give a person another name; their notes, drafts and cycles go with them."""
    before = ctx.repo.get_person(old).name
    p = ctx.repo.rename_person(before, new)
    click.echo(f"renamed {before} -> {p.name}")


@people.command("remove")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Remove without asking.")
@common_options
@app
def remove(ctx: AppContext, name: str, yes: bool) -> None:
    """Remove a person with their notes, evidence, drafts, cycles and the log of model calls
    about them (all or nothing)."""
    person = ctx.repo.get_person(name).name
    notes, drafts = ctx.repo.person_footprint(person)
    calls = ctx.repo.count_calls_about(person)
    parts = [f"{notes} note(s)", f"{drafts} draft(s)"] + (
        [f"{calls} logged model call(s)"] if calls else []
    )
    contents = ", ".join(parts[:-1]) + " and " + parts[-1]
    what = f"{person} with {contents}"
    if not yes:
        if not _interactive():
            raise UsageError(f"not a terminal, so not asking: add --yes to remove {what}")
        if not click.confirm(f"Remove {what}?", default=False):
            raise click.Abort()
    ctx.repo.remove_person(person)
    click.echo(f"removed {what}")


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()
