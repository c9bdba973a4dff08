"""Provides ``feedback-writer log``: the model calls made from this workspace.

``log`` lists them (newest first): when, the person's placeholder, the model, the
endpoint the call really went to, tokens, cost, latency and outcome. ``log show ID``
prints one call's request and response exactly as stored (names already pseudonymised,
keys already redacted: the log holds only what was sent and received).
"""

from __future__ import annotations

import re
from typing import Any

import click

from feedback_writer.cli._common import app, common_options
from feedback_writer.cli._output import echo_json
from feedback_writer.context import AppContext
from feedback_writer.storage.records import CallRecord

_PLACEHOLDER = re.compile(r"PERSON_\d+", re.IGNORECASE)


def _person(record: CallRecord) -> str:
    """The first placeholder the request names (the subject is PERSON_1), else '-'."""
    for message in record.request.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        m = _PLACEHOLDER.search(content) if isinstance(content, str) else None
        if m:
            return m.group(0).upper()
    return "-"


def _outcome(record: CallRecord) -> str:
    if not record.error:
        return "ok"
    return record.error.split(":", 1)[0]


def _row(record: CallRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "at": record.at.isoformat(timespec="seconds") if record.at else None,
        "person": _person(record),
        "purpose": record.purpose,
        "model": record.model,
        "api_base": record.request.get("api_base"),
        "prompt_tokens": record.prompt_tokens,
        "completion_tokens": record.completion_tokens,
        "cost_usd": record.cost_usd,
        "latency_ms": round(record.latency_ms),
        "outcome": _outcome(record),
    }


def _cost(value: float | None) -> str:
    return "?" if value is None else f"${value:.4f}"


@click.group("log", invoke_without_command=True)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@common_options
@click.pass_context
def log(click_ctx: click.Context, limit: int, fmt: str) -> None:
    """List the model calls (newest first); 'log show ID' prints one exactly as stored."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx = click_ctx.find_root().obj
    assert isinstance(ctx, AppContext)
    rows = [_row(r) for r in ctx.repo.list_calls(limit)]
    if fmt == "json":
        echo_json(rows)
        return
    if not rows:
        click.echo("no model calls yet (offline runs send nothing)")
        return
    for r in rows:
        tokens = f"{r['prompt_tokens'] or 0}+{r['completion_tokens'] or 0} tok"
        click.echo(
            f"{r['id']:>4}  {r['at']}  {r['person']:<9} {r['purpose']:<9} {r['model']}  "
            f"{r['api_base'] or '(provider default)'}  {tokens}  {_cost(r['cost_usd'])}  "
            f"{r['latency_ms']} ms  {r['outcome']}"
        )


@log.command("show")
@click.argument("call_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@common_options
@app
def show(ctx: AppContext, call_id: int, fmt: str) -> None:
    """Print call CALL_ID's request and response exactly as stored."""
    record = ctx.repo.get_call(call_id)
    if fmt == "json":
        data = {**_row(record), "request": record.request, "response": record.response,
                "error": record.error}  # fmt: skip
        echo_json(data, ensure_ascii=False)
        return
    row = _row(record)
    click.echo(
        f"call {record.id} at {row['at']}: {record.purpose} with {record.model} "
        f"({record.provider}) via {row['api_base'] or '(provider default)'}\n"
        f"tokens {row['prompt_tokens']}+{row['completion_tokens']}, cost "
        f"{_cost(record.cost_usd)}, {row['latency_ms']} ms, {row['outcome']}"
    )
    request = {k: v for k, v in record.request.items() if k != "messages"}
    click.echo("\n=== request ===")
    echo_json(request, ensure_ascii=False)
    for m in record.request.get("messages") or []:
        click.echo(f"\n--- {m.get('role')} ---\n{m.get('content')}")
    click.echo("\n=== response ===")
    click.echo(record.response if record.response is not None else "(none)")
    if record.error:
        click.echo(f"\n=== error ===\n{record.error}")
