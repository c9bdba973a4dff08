"""Provides ``feedback-writer eval``: measure mapping quality on labelled notes."""

from __future__ import annotations

import click

from feedback_writer.cli._common import app, common_options
from feedback_writer.cli._output import echo_json
from feedback_writer.context import AppContext
from feedback_writer.errors import UsageError


@click.group("eval")
def eval_group() -> None:
    """Measure how well notes are mapped to the ladder, on notes labelled by hand."""


@eval_group.command("mapping")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@common_options
@app
def mapping(ctx: AppContext, file: str, fmt: str) -> None:
    """Score the offline matcher on a labelled JSONL file: one
    {"id", "text", "competencies": [...], "level", "polarity": "+"|"-"} per line
    (empty competencies: the note shows no ladder evidence). Use --ladder for a
    company ladder; the labels must name its competencies."""
    from feedback_writer.mapping.evaluate import evaluate, load_labelled
    from feedback_writer.mapping.service import matcher_for

    ladder = ctx.ladder
    notes = load_labelled(file)
    known = {c.slug for c in ladder.competencies}
    unknown = sorted({c for n in notes for c in n.competencies if c not in known})
    if unknown:
        raise UsageError(
            f"{file}: labels name competencies that ladder '{ladder.name}' does not have: "
            + ", ".join(unknown),
            hint="pass the ladder the notes were labelled for with --ladder FILE",
        )
    levels = set(ladder.level_slugs)
    odd_levels = sorted({n.level for n in notes if n.level and n.level not in levels})
    if odd_levels:
        raise UsageError(
            f"{file}: labels name levels that ladder '{ladder.name}' does not have: "
            + ", ".join(odd_levels),
            hint="levels are: " + ", ".join(ladder.level_slugs),
        )
    report = evaluate(matcher_for(ladder), notes)
    if fmt == "json":
        echo_json({"ladder": ladder.name, "file": file, **report.to_dict()})
    else:
        click.echo(f"ladder {ladder.name} (version {ladder.version}), {file}")
        click.echo(report.format_table())
