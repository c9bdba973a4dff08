"""Provides ``feedback-writer config``: the effective settings and where each comes from."""

from __future__ import annotations

import json

import click

from feedback_writer import paths
from feedback_writer.cli._common import app, common_options
from feedback_writer.cli._output import echo_json
from feedback_writer.config import ENV_PREFIX, Settings
from feedback_writer.context import AppContext


@click.group()
def config() -> None:
    """Settings come from defaults < the config file < FEEDBACK_WRITER_* environment
    variables < command-line flags. API keys are never settings: providers read them
    from their own environment variables (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...)."""


@config.command("show")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@common_options
@app
def show(ctx: AppContext, fmt: str) -> None:
    """Print each effective setting with its origin."""
    loaded = ctx.loaded
    values = loaded.settings.model_dump()
    rows = [(name, values[name], loaded.origins[name]) for name in Settings.field_names()]
    if fmt == "json":
        echo_json({n: {"value": v, "origin": o} for n, v, o in rows})
        return
    click.echo(
        f"config file: {loaded.config_file or paths.config_path()}"
        f"{'' if loaded.config_file else ' (not present)'}"
    )
    click.echo(f"workspace:   {ctx.workspace}")
    click.echo(f"ladder file: {ctx.ladder_path}")
    width = max(len(n) for n, _, _ in rows)
    for name, value, origin in rows:
        shown = "(unset)" if value in (None, []) else value
        click.echo(f"  {name.ljust(width)}  {shown!s:<40}  {origin}")


@config.command("path")
def path() -> None:
    """Print the config file's path (set FEEDBACK_WRITER_CONFIG to use another)."""
    click.echo(paths.config_path())


@config.command("template")
def template() -> None:
    """Print a commented config file to start from."""
    lines = ["# feedback-writer config (TOML). Environment: " + ENV_PREFIX + "<NAME>."]
    for name, info in Settings.model_fields.items():
        lines.append(f"# {info.description}")
        default = info.get_default(call_default_factory=True)
        lines.append(
            f"# {name} = {json.dumps(default)}" if default not in (None, []) else f"# {name} = ..."
        )
    click.echo("\n".join(lines))
