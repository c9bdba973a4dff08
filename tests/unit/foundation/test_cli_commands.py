"""The lazy command group: every listed command imports, and a broken import is not hidden."""

from __future__ import annotations

import click
import pytest

from feedback_writer import cli as cli_mod


@pytest.mark.parametrize("name", list(cli_mod.COMMANDS))
def test_every_listed_command_imports(name):
    ctx = click.Context(cli_mod.cli)
    command = cli_mod.cli.get_command(ctx, name)
    assert isinstance(command, click.Command)


def test_a_missing_command_module_is_an_import_error_not_a_stub(monkeypatch):
    monkeypatch.setitem(cli_mod.COMMANDS, "ghost", ("feedback_writer.cli.no_such", "x", "?"))
    with pytest.raises(ModuleNotFoundError):
        cli_mod.cli.get_command(click.Context(cli_mod.cli), "ghost")


def test_unknown_command_is_none():
    assert cli_mod.cli.get_command(click.Context(cli_mod.cli), "nope") is None
