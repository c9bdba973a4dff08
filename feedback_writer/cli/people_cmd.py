"""Provides ``feedback-writer people``: list people, set level, target and mode, cycles."""

from __future__ import annotations

import datetime as dt

import click

from feedback_writer.cli._common import app, common_options
from feedback_writer.context import AppContext


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
@click.option("--mode", type=click.Choice(["manager", "self"]))
@common_options
@app
def set_(
    ctx: AppContext, name: str, level: str | None, target: str | None, mode: str | None
) -> None:
    """Create a person or set their level, target level and review mode."""
    for lv in (level, target):
        if lv:
            ctx.ladder.level_index(lv)
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
