"""Provides the ``feedback-writer`` command line: a lazy click group.

Subcommands live in their own modules and are imported only when invoked, so that
``feedback-writer --help`` never imports litellm, textual or pydantic-heavy code.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn

import click

from feedback_writer import __version__
from feedback_writer.cli._common import common_options, make_context
from feedback_writer.errors import FeedbackWriterError

# name -> (module, attribute, one-line help shown by --help without importing the module)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": (
        "feedback_writer.cli.demo_cmd",
        "demo",
        "Try it: sample notes mapped and drafted offline.",
    ),
    "notes": ("feedback_writer.cli.notes_cmd", "notes", "Add, import, list and remove notes."),
    "map": ("feedback_writer.cli.map_cmd", "map_command", "Map notes to ladder expectations."),
    "evidence": (
        "feedback_writer.cli.evidence_cmd",
        "evidence",
        "Confirm, reject or add evidence; coverage.",
    ),
    "draft": (
        "feedback_writer.cli.draft_cmd",
        "draft",
        "Draft feedback for a person (offline or model).",
    ),
    "review": ("feedback_writer.cli.review_cmd", "review", "Edit the latest draft in $EDITOR."),
    "approve": (
        "feedback_writer.cli.review_cmd",
        "approve",
        "Approve a section (policy 'review').",
    ),
    "export": (
        "feedback_writer.cli.review_cmd",
        "export",
        "Export reviewed feedback (md, txt, json).",
    ),
    "people": (
        "feedback_writer.cli.people_cmd",
        "people",
        "List people; set level, target and mode.",
    ),
    "ladder": (
        "feedback_writer.cli.ladder_cmd",
        "ladder",
        "Show, validate, import and copy ladders.",
    ),
    "prompts": (
        "feedback_writer.cli.prompts_cmd",
        "prompts",
        "Copy, render and check prompt templates.",
    ),
    "lint": ("feedback_writer.cli.lint_cmd", "lint", "Check feedback text for quality problems."),
    "eval": (
        "feedback_writer.cli.eval_cmd",
        "eval_group",
        "Measure mapping quality on labelled notes.",
    ),
    "config": (
        "feedback_writer.cli.config_cmd",
        "config",
        "Show effective settings and their origin.",
    ),
    "log": ("feedback_writer.cli.log_cmd", "log", "List model calls; show one exactly as sent."),
    "tui": ("feedback_writer.cli.tui_cmd", "tui", "Open the terminal UI (also: no command)."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """User errors become one clean message and the error's exit code."""
        try:
            return super().invoke(ctx)
        except FeedbackWriterError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_) for name, (_, _, help_) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


EPILOG = """\b
Typical session:
  feedback-writer notes import --person "Ana" notes.md
  feedback-writer map --person "Ana"
  feedback-writer draft --person "Ana" --level mid --target senior
  feedback-writer review --person "Ana"        # a human edits every section
  feedback-writer export --person "Ana" -o ana.md

With no model configured everything runs offline; set one with --model or
FEEDBACK_WRITER_MODEL (keys come from the provider's own environment variable).
"""


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="feedback-writer")
@click.option(
    "--config",
    "config_file",
    type=click.Path(),
    help="Config file to use instead of the default (it must exist).",
)
@common_options
@click.pass_context
def cli(ctx: click.Context, /, config_file: str | None, **common: Any) -> None:
    """Turn raw notes about an engineer's work into review feedback grounded in a career
    ladder. With no command, opens the terminal UI."""
    if config_file:
        from feedback_writer.config import check_config_file

        check_config_file(Path(config_file))  # at once, not when a command reads settings
    make_context(ctx, config_file=config_file, **common)
    if ctx.invoked_subcommand is None:
        tui_cmd = importlib.import_module("feedback_writer.cli.tui_cmd")
        tui_cmd.run_tui(ctx.obj)


def main(argv: list[str] | None = None) -> None:
    """Runs the command line on ``argv`` (default: the process's arguments); ends with
    ``SystemExit`` carrying the exit code, as click's commands do."""
    cli.main(args=argv, prog_name="feedback-writer")


def run() -> NoReturn:
    """The ``feedback-writer`` program: :func:`main`, then a quick exit.

    A 10,000-note ``map`` leaves about a hundred megabytes of small objects (the matcher's
    index and models, the results); freeing them one by one at interpreter shutdown took
    about 0.1 s of the run. Here the exit handlers still run and the output is flushed;
    only that freeing is skipped (as mypy does, ``mypy.util.hard_exit``). While another
    thread still runs, or for an exit code that is not a number, the exit is the normal one.
    """
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code if exc.code is not None else 0
    if not isinstance(code, int) or threading.active_count() > 1:
        sys.exit(code)  # type: ignore[arg-type]
    atexit._run_exitfuncs()  # what a normal exit would run next
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe ("... | head"): nothing more can be said on it.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
