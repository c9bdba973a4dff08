"""Provides ``feedback-writer lint``: quality checks on any text (a file or stdin)."""

from __future__ import annotations

import json
import sys

import click

from feedback_writer.cli._common import common_options
from feedback_writer.errors import UsageError


def _read(source: str) -> str:
    if source == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        name = source
        try:
            with open(source, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise UsageError(f"{source}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not UTF-8 text") from None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@click.command("lint")
@click.argument("source", metavar="FILE|-")
@click.option(
    "--mode",
    type=click.Choice(["manager", "self"]),
    default="manager",
    show_default=True,
    help="Whose review the text is: a manager's, or the person's own.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one array of findings with character offsets into the input.",
)
@click.option(
    "--rules-dir",
    type=click.Path(file_okay=False),
    help="Company folder of rule files replacing the shipped ones of the same name.",
)
@common_options
def lint(source: str, mode: str, fmt: str, rules_dir: str | None) -> None:
    """Check feedback text for trait words, vague praise, absolutes, hype, team credit,
    growth points with no next step, gendered wording and person slips. Exits 0 whatever
    it finds; 2 when the input cannot be read."""
    from feedback_writer.quality import check_text

    text = _read(source)
    findings = check_text(text, mode="self" if mode == "self" else "manager", rules_dir=rules_dir)
    if fmt == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
        return
    label = "<stdin>" if source == "-" else source
    for f in findings:
        line, col = _line_col(text, f.start)
        click.echo(f"{label}:{line}:{col}: {f.category} [{f.rule}] {f.message}")
        if f.suggestion:
            click.echo(f"    suggestion: {f.suggestion}")
    click.echo(f"{len(findings)} finding(s)", err=True)
