"""Provides ``feedback-writer ladder``: show, validate, schema, init and import."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from feedback_writer import paths
from feedback_writer.cli._common import app, common_options
from feedback_writer.cli._output import echo_json
from feedback_writer.context import AppContext
from feedback_writer.errors import UsageError
from feedback_writer.ladder.model import Ladder
from feedback_writer.storage.atomic import atomic_write_text

if TYPE_CHECKING:
    from feedback_writer.ladder.enrich import Ask, Check


@click.group()
def ladder() -> None:
    """Show, validate and edit career ladders. A company ladder replaces the default one:
    copy it with 'ladder init', or build one from a spreadsheet with 'ladder import'."""


def ladder_to_dict(lad: Ladder, level: str | None = None) -> dict[str, object]:
    top = lad.level_index(level) if level else None
    return {
        "name": lad.name,
        "version": lad.version,
        "levels": [lv.model_dump() for lv in lad.levels],
        "areas": [a.model_dump() for a in lad.areas],
        "competencies": [
            {**c.model_dump(exclude={"signals", "examples"})} for c in lad.competencies
        ],
        "expectations": [
            {"id": e.id, "competency": e.competency, "level": e.level, "text": e.text}
            for e in lad.expectations
            if top is None or lad.level_index(e.level) <= top
        ],
    }


def _markdown(lad: Ladder, level: str | None) -> str:
    out = [f"# {lad.spec.title or lad.name} (version {lad.version})", ""]
    levels = lad.level_slugs[: lad.level_index(level) + 1] if level else lad.level_slugs
    for area in lad.areas:
        out.append(f"## {area.name}")
        for comp in (c for c in lad.competencies if c.area == area.slug):
            out += ["", f"### {comp.name} (`{comp.slug}`)"]
            if comp.motto:
                out.append(f"> {comp.motto}")
            for lv in levels:
                cell = lad.cell(comp.slug, lv)
                out.append(f"- **{lad.level(lv).name}** ({cell.status.value})")
                for e in lad.expectations_at(lv, comp.slug):
                    out.append(f"  - {e.text} `{e.id}`")
        out.append("")
    return "\n".join(out)


_TEXTS_ONLY_NOTE = (
    "note: no signals or examples in this ladder; the offline matcher borrows those of the "
    "default ladder's nearest expectations (see them with 'ladder show --borrowed --ladder "
    "{path}'). Your own signals and examples match better: see docs/ladders.md."
)


def _borrowed_table(lad: Ladder, level: str | None) -> str:
    from feedback_writer.mapping.matcher import Matcher

    matcher = Matcher(lad)
    top = lad.level_index(level) if level else None
    exps = [e for e in lad.expectations if top is None or lad.level_index(e.level) <= top]
    if not any(matcher.borrowed_from(e.id) for e in exps):
        why = "it has signals or examples of its own" if lad.has_hints else "it is the default"
        return f"{lad.name} borrows no hints: {why}."
    lines = [f"{lad.name}: hints borrowed from the default ladder, nearest first"]
    for e in exps:
        lines.append(f"{e.id}  {e.text}")
        lenders = matcher.borrowed_from(e.id) or ("(none: no default expectation is close)",)
        lines += [f"    <- {lender}" for lender in lenders]
    return "\n".join(lines)


def _table(lad: Ladder, level: str | None) -> str:
    rows = [("ID", "TEXT")]
    top = lad.level_index(level) if level else None
    for e in lad.expectations:
        if top is None or lad.level_index(e.level) <= top:
            rows.append((e.id, e.text))
    width = max(len(r[0]) for r in rows)
    lines = [
        f"{lad.name} v{lad.version}: {len(lad.levels)} levels, "
        f"{len(lad.competencies)} competencies, {len(rows) - 1} expectations"
    ]
    lines += [f"{a.ljust(width)}  {b}" for a, b in rows]
    return "\n".join(lines)


@ladder.command("show")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "md"]),
    default="table",
    show_default=True,
)
@click.option("--level", help="Only expectations up to this level (levels are cumulative).")
@click.option(
    "--borrowed",
    is_flag=True,
    help="For a ladder without signals or examples: list, per expectation, the default "
    "ladder's expectations whose signals and examples the offline matcher borrows.",
)
@common_options
@app
def show(ctx: AppContext, fmt: str, level: str | None, borrowed: bool) -> None:
    """Print the ladder in use (the default, --ladder, or the configured one)."""
    lad = ctx.ladder
    if level:
        lad.level_index(level)
    if borrowed:
        click.echo(_borrowed_table(lad, level))
    elif fmt == "json":
        echo_json(ladder_to_dict(lad, level), ensure_ascii=False)
    elif fmt == "md":
        click.echo(_markdown(lad, level))
    else:
        click.echo(_table(lad, level))


@ladder.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
def validate(path: str) -> None:
    """Check a ladder file; print every problem as FILE:LINE: field: message (exit 2)."""
    from feedback_writer.ladder.loader import load_ladder

    lad = load_ladder(path)
    click.echo(
        f"{path}: valid ladder '{lad.name}' v{lad.version}: {len(lad.levels)} levels, "
        f"{len(lad.competencies)} competencies, {len(lad.expectations)} expectations"
    )
    if not lad.has_hints:
        click.echo(_TEXTS_ONLY_NOTE.format(path=path))


@ladder.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file.")
def schema(output: str | None) -> None:
    """Print the JSON Schema of ladder files (point your editor's YAML plugin at it)."""
    from feedback_writer.ladder.loader import ladder_json_schema

    text = json.dumps(ladder_json_schema(), indent=2) + "\n"
    if output:
        atomic_write_text(Path(output), text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@ladder.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing ladder.yaml.")
def init(directory: str, force: bool) -> None:
    """Copy the default ladder into DIRECTORY for a company to edit."""
    target = Path(directory) / "ladder.yaml"
    if target.exists() and not force:
        raise UsageError(f"{target} exists; pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(paths.default_ladder_path(), target)
    click.echo(
        f"wrote {target}\nuse it with: feedback-writer --ladder {target} ...  "
        f"(or set 'ladder' in the config file)"
    )


@ladder.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The ladder file to write (YAML).",
)
@click.option("--name", help="Ladder name (default: from the file name).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def import_(csv_file: str, output: str, name: str | None, force: bool) -> None:
    """Build a ladder from a CSV with columns area, competency, level, expectation
    (optional: signals, examples; ';' between items). See docs/ladders.md."""
    from feedback_writer.ladder.csv_import import import_csv

    out = Path(output)
    if out.exists() and not force:
        raise UsageError(f"{out} exists; pass --force to overwrite it")
    text, lad = import_csv(csv_file, name)
    atomic_write_text(out, text)
    click.echo(
        f"wrote {out}: {len(lad.levels)} levels, {len(lad.competencies)} competencies, "
        f"{len(lad.expectations)} expectations"
    )
    if not lad.has_hints:
        click.echo(_TEXTS_ONLY_NOTE.format(path=out))


@ladder.command("enrich")
@click.argument("ladder_file", metavar="LADDER", type=click.Path(dir_okay=False, exists=True))
@click.option("--model", help="litellm model string (default: the 'model' setting).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="The copy to write.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@click.option("--dry-run", is_flag=True, help="Print exactly what would be sent; send nothing.")
@common_options
@app
def enrich_cmd(
    ctx: AppContext,
    ladder_file: str,
    model: str | None,
    output: str | None,
    force: bool,
    dry_run: bool,
) -> None:
    """Have a model write signals and 3-6 example notes per expectation into a copy of
    LADDER (one call per competency; only the ladder is sent, never a note). The copy
    marks them generated_signals/generated_examples: review it before using it."""
    from feedback_writer.ladder import enrich as core
    from feedback_writer.ladder.loader import load_ladder

    source = load_ladder(ladder_file)
    if dry_run:
        for comp in source.competencies:
            if not any(e.competency == comp.slug for e in source.expectations):
                continue
            click.echo(f"=== {comp.slug}: one call ===")
            for m in core.enrich_messages(source, comp.slug):
                click.echo(f"--- {m['role']} ---\n{m['content']}\n")
        click.echo("dry run: nothing was sent", err=True)
        return
    if not output:
        raise UsageError("pass -o OUTPUT: the enriched copy is written there")
    out = Path(output)
    if out.exists() and not force:
        raise UsageError(f"{out} exists; pass --force to overwrite it")
    ask = _gateway_ask(ctx, model)
    answers = core.enrich(source, ask, on_progress=lambda line: click.echo(line, err=True))
    text = core.dump_ladder(core.apply_hints(source, answers), out.suffix.lower() == ".json")
    enriched = core.verify(source, text, str(out))
    atomic_write_text(out, text)  # a temp file renamed at the end: never a partial file
    made = sum(len(e.generated) for e in enriched.expectations)
    click.echo(
        f"wrote {out}: {made} generated signals and examples for "
        f"{len(enriched.expectations)} expectations (ids unchanged). Review them "
        f"(generated_signals / generated_examples) before using it: "
        f"feedback-writer ladder validate {out}"
    )


def _gateway_ask(ctx: AppContext, model: str | None) -> Ask:
    """The enrichment call through the one gateway: structured, checked, repaired."""
    from dataclasses import asdict

    from feedback_writer.ladder.enrich import CompetencyHints
    from feedback_writer.llm.gateway import gateway_for

    repo = ctx.repo
    gateway = gateway_for(ctx.settings, model=model, log=lambda r: repo.log_call(**asdict(r)))
    if gateway is None:
        raise UsageError("no model: pass --model or set the 'model' setting")
    gateway.check_ready()

    def ask(messages: list[dict[str, Any]], check: Check) -> CompetencyHints:
        result = gateway.complete_structured(
            messages, CompetencyHints, purpose="ladder-enrich", validate=check
        )
        return result.value

    return ask
