"""Provides ``feedback-writer review``, ``approve`` and ``export``: the CLI face of the
review rules in :mod:`feedback_writer.review` (the gate lives there, not here)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from feedback_writer.cli._common import app, common_options, person_option
from feedback_writer.context import AppContext
from feedback_writer.errors import UsageError
from feedback_writer.review.gate import GateStatus

if TYPE_CHECKING:
    from feedback_writer.review.export import Finding

draft_option = click.option(
    "--draft", "draft_id", type=int, help="Draft id (default: the person's latest draft)."
)


def _draft_id(ctx: AppContext, person: str, draft_id: int | None) -> int:
    if draft_id is None:
        return ctx.repo.latest_draft(person).id
    draft = ctx.repo.get_draft(draft_id)
    if draft.person != person:
        raise UsageError(f"draft {draft_id} is {draft.person}'s, not {person}'s")
    return draft_id


def _echo_status(status: GateStatus) -> None:
    if status.edited:
        click.echo("edited by a human: " + ", ".join(status.edited))
    if status.approved:
        click.echo("approved: " + ", ".join(status.approved))
    if status.allowed:
        click.echo(f"ready to export (policy '{status.policy}')")
    else:
        need = "edited" if status.policy == "edit" else "edited or approved"
        click.echo(
            f"still untouched ({need} needed before export, policy '{status.policy}'): "
            + ", ".join(status.untouched)
        )
        for key in status.untouched:
            click.echo(f"  - {key}: {status.refusal(key)}")


def _echo_findings(findings: list[Finding]) -> None:
    """The quality findings grouped by section; suggestions only, never blocking."""
    if not findings:
        return
    click.echo(f"quality findings (not blocking): {len(findings)}")
    by_section: dict[str, list[Finding]] = {}
    for f in findings:
        by_section.setdefault(f.section, []).append(f)
    for key, items in by_section.items():
        title = items[0].title or key
        click.echo(f"  {title} ({key})" if title != key else f"  {key}")
        for f in items:
            span = " ".join(f.text.split())
            click.echo(f"    - {f.category} “{span}”: {f.message}")
            if f.suggestion:
                click.echo(f"      suggestion: {f.suggestion}")


@click.command()
@person_option
@draft_option
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Resume from a kept review file (e.g. one in the workspace's recovered/ folder).",
)
@click.option("--no-editor", is_flag=True, help="Apply --from FILE as it is, without an editor.")
@common_options
@app
def review(
    ctx: AppContext, person: str, draft_id: int | None, source: Path | None, no_editor: bool
) -> None:
    """Edit a draft in $EDITOR: each section sits between <!-- fw:section KEY --> and
    <!-- fw:end KEY --> markers. Changed sections are saved as your edits; if a marker is
    removed or mangled nothing is applied and your file is kept in recovered/."""
    from feedback_writer.review.editor import review_in_editor
    from feedback_writer.review.export import findings_for
    from feedback_writer.review.gate import gate_status

    did = _draft_id(ctx, person, draft_id)
    outcome = review_in_editor(
        ctx.repo, ctx.workspace, did, source=source, open_editor=not no_editor
    )
    for notice in outcome.notices:
        click.echo(f"note: {notice}", err=True)
    applied = outcome.applied
    if applied.changed:
        click.echo("saved your edits to: " + ", ".join(applied.changed))
    if applied.whitespace_only:
        click.echo(
            "whitespace-only changes (not counted as edits): " + ", ".join(applied.whitespace_only)
        )
    if not applied.changed and not applied.whitespace_only:
        click.echo("no section changed")
    _echo_status(gate_status(ctx.repo, did, ctx.settings.export_policy, ctx.settings.min_edit))
    _echo_findings(findings_for(ctx.repo, ctx.ladder, did, ctx.settings.quality_rules_dir))


@click.command()
@person_option
@draft_option
@click.option(
    "--section",
    "-s",
    "keys",
    multiple=True,
    required=True,
    help="Section key to approve (summary, competency:<slug>, peer-input); repeatable.",
)
@common_options
@app
def approve(ctx: AppContext, person: str, draft_id: int | None, keys: tuple[str, ...]) -> None:
    """Approve sections as they stand (counts towards export under policy 'review')."""
    from feedback_writer.review import sections
    from feedback_writer.review.gate import gate_status

    did = _draft_id(ctx, person, draft_id)
    for key in keys:
        ctx.repo.section(did, key)  # every key checked before any is approved
    for key in keys:
        sections.approve(ctx.repo, did, key)
        click.echo(f"approved {key}")
    policy = ctx.settings.export_policy
    if policy == "edit":
        click.echo(
            "note: the export policy is 'edit': approvals do not unlock export; "
            "edit the sections (feedback-writer review)",
            err=True,
        )
    _echo_status(gate_status(ctx.repo, did, policy, ctx.settings.min_edit))


@click.command()
@person_option
@draft_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "txt", "json"]),
    default="md",
    show_default=True,
    help="md: ready to paste; json: with provenance.",
)
@click.option(
    "--output",
    "-o",
    default="-",
    show_default=True,
    help="File to write, or '-' for standard output.",
)
@click.option(
    "--citations",
    type=click.Choice(["none", "footnotes", "inline"]),
    default="none",
    show_default=True,
    help="md/txt: drop citations, or show their sources as footnotes or inline.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@common_options
@app
def export(
    ctx: AppContext,
    person: str,
    draft_id: int | None,
    fmt: str,
    output: str,
    citations: str,
    force: bool,
) -> None:
    """Export a reviewed draft. Refused until a human has edited every section (policy
    'edit') or edited or approved it (policy 'review'); the refusal lists the sections."""
    from feedback_writer.review.export import findings_for, findings_report, write_export

    did = _draft_id(ctx, person, draft_id)
    from feedback_writer.review.export import render_export

    text = render_export(
        ctx.repo, ctx.ladder, did, fmt, policy=ctx.settings.export_policy,
        min_edit=ctx.settings.min_edit, citations=citations,
        rules_dir=ctx.settings.quality_rules_dir,
    )  # fmt: skip
    findings = findings_for(ctx.repo, ctx.ladder, did, ctx.settings.quality_rules_dir)
    if output == "-":
        click.echo(text, nl=False)
        if findings:
            click.echo(findings_report(findings, "the export"), err=True)
        return
    written = write_export(text, Path(output), force, findings=findings)
    click.echo(f"wrote {written[0]}")
    for extra in written[1:]:
        click.echo(f"quality findings (not blocking): {extra}")
