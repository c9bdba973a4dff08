"""Provides ``feedback-writer demo``: sample notes imported, mapped and drafted offline.

Fast and offline by construction: the matcher and the offline drafter only, never a
model, whatever is configured. Re-running it adds nothing twice (imports de-duplicate).
"""

from __future__ import annotations

from importlib import resources

import click

from feedback_writer.cli._common import app, common_options
from feedback_writer.context import AppContext

DEMO_PERSON = "Alex Example (demo)"
DEMO_LEVEL = "mid"
DEMO_TARGET = "senior"
DEMO_THRESHOLD = 0.5


def setup_demo(ctx: AppContext) -> int:
    """Import, map and draft the demo person; returns the draft id."""
    from feedback_writer.drafting.offline import OfflineDrafter
    from feedback_writer.drafting.service import finish, prepare
    from feedback_writer.mapping.service import suggest
    from feedback_writer.notes.model import AuthorKind
    from feedback_writer.notes.parse import parse_markdown

    repo = ctx.repo
    data = resources.files("feedback_writer.demo_data")
    repo.ensure_person(DEMO_PERSON)
    for name, kind, author in (
        ("notes.md", AuthorKind.MANAGER, None),
        ("peer_notes.md", AuthorKind.PEER, "Sam Peer"),
    ):
        text = data.joinpath(name).read_text(encoding="utf-8")
        repo.import_notes(
            DEMO_PERSON, parse_markdown(text, f"demo:{name}"), author_kind=kind, author_name=author
        )
    suggest(repo, ctx.ladder, DEMO_PERSON)
    prepared = prepare(
        ctx, DEMO_PERSON, level=DEMO_LEVEL, target=DEMO_TARGET, mode="manager",
        threshold=DEMO_THRESHOLD,  # explicit: nothing is confirmed yet; labelled unconfirmed
    )  # fmt: skip
    return finish(repo, prepared, OfflineDrafter().draft(prepared.request)).id


@click.command("demo")
@click.option("--no-tui", is_flag=True, help="Print the draft instead of opening the TUI.")
@common_options
@app
def demo(ctx: AppContext, no_tui: bool) -> None:
    """Try it: a sample person's notes imported, mapped and drafted offline (no network)."""
    draft_id = setup_demo(ctx)
    if not no_tui:
        from feedback_writer.cli.tui_cmd import run_tui

        run_tui(ctx, person=DEMO_PERSON)
        return
    from feedback_writer.cli.draft_cmd import print_draft

    print_draft(ctx, draft_id, "md")
    click.echo(
        f'Next: feedback-writer review --person "{DEMO_PERSON}" (edit every section), '
        f'then feedback-writer export --person "{DEMO_PERSON}"',
        err=True,
    )
