"""Provides the options every command takes and the app context they build."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from feedback_writer.context import AppContext

F = TypeVar("F", bound=Callable[..., Any])


def _store(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None:
        root = ctx.find_root()
        pending = root.meta.setdefault("fw.common", {})
        pending[param.name] = value
        if isinstance(root.obj, AppContext):
            if param.name == "ladder":
                root.obj.set_flag("ladder", value)
            elif param.name == "workspace":
                root.obj.workspace_override = value
                root.obj.__dict__.pop("repo", None)
    return value


def common_options(f: F) -> F:
    """``--ladder`` and ``--workspace``, accepted on the group and on every command."""
    f = click.option(
        "--workspace",
        type=click.Path(file_okay=False),
        callback=_store,
        expose_value=False,
        is_eager=False,
        help="Workspace folder (default: $FEEDBACK_WRITER_HOME or the user data dir).",
    )(f)
    f = click.option(
        "--ladder",
        type=click.Path(dir_okay=False),
        callback=_store,
        expose_value=False,
        help="Ladder file (YAML or JSON) to use instead of the configured one.",
    )(f)
    return f


def make_context(ctx: click.Context, *, config_file: str | None = None, **_: Any) -> AppContext:
    pending = ctx.find_root().meta.get("fw.common", {})
    obj = AppContext(
        workspace=pending.get("workspace"),
        ladder=pending.get("ladder"),
        config_file=config_file,
    )
    ctx.obj = obj
    return obj


def app(f: Callable[..., Any]) -> Callable[..., Any]:
    """Pass the :class:`AppContext` as the first argument of a command."""

    @click.pass_context
    @functools.wraps(f)
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        obj = ctx.find_root().obj
        assert isinstance(obj, AppContext)
        return f(obj, *args, **kwargs)

    return wrapper


person_option = click.option(
    "--person", "-p", required=True, help="Whose notes: the person's name as stored."
)
