"""Provides ``feedback-writer prompts``: copy, render and check the prompt templates."""

from __future__ import annotations

import click

from feedback_writer.cli._common import app, common_options
from feedback_writer.context import AppContext
from feedback_writer.errors import TemplateError


@click.group()
def prompts() -> None:
    """The jinja2 prompt templates. A company folder (setting prompts_dir or --prompts DIR)
    overrides the shipped templates by file name; see its README.md for the variables."""


@prompts.command("init")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite templates already in FOLDER.")
def init(folder: str, force: bool) -> None:
    """Copy the default templates into FOLDER to edit."""
    from feedback_writer.prompting.templates import init_folder

    for path in init_folder(folder, force=force):
        click.echo(f"wrote {path}")
    click.echo(f'use them with: feedback-writer config / prompts_dir = "{folder}" or --prompts')


@prompts.command("render")
@click.argument("name")
@click.option("--person", "-p", required=True, help="Whose draft to render the prompt for.")
@click.option(
    "--prompts", "prompts_dir", type=click.Path(file_okay=False), help="Company templates folder."
)
@common_options
@app
def render(ctx: AppContext, name: str, person: str, prompts_dir: str | None) -> None:
    """Print the exact messages NAME would send for PERSON (pseudonymised)."""
    from feedback_writer.drafting.checks import render_for_person

    ctx.set_flag("prompts_dir", prompts_dir)
    for m in render_for_person(ctx, name.removesuffix(".j2"), person):
        click.echo(f"--- {m['role']} ---\n{m['content']}\n")


@prompts.command("check")
@click.argument("folder", type=click.Path(file_okay=False), required=False)
def check(folder: str | None) -> None:
    """Render every template (FOLDER over the defaults) against sample data."""
    from feedback_writer.drafting.checks import check_templates

    problems, checked = check_templates(folder)
    for name, where in checked:
        if not any(p.startswith(where) for p in problems):
            click.echo(f"ok  {name} ({where})")
    if problems:
        raise TemplateError(problems, hint="fix the template(s) named above")
