"""Provides the mapping service tests' fixtures: a tiny company ladder, a stored person
with notes, and a runner for the real CLI entry point (exit codes, stdout, stderr)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.unit.mapping_service.mapsvc_data import NOTES, TINY


@pytest.fixture
def tiny_ladder():
    from feedback_writer.ladder.loader import load_ladder

    return load_ladder(TINY)


@pytest.fixture
def ana(repo):
    """A person 'Ana' at level l2 with the five NOTES stored (n1..n5)."""
    from feedback_writer.notes.model import ParsedNote

    for text in NOTES:
        repo.add_note("Ana", ParsedNote(text=text))
    repo.update_person("Ana", current_level="l2")
    return repo


CliResult = tuple[int, str, str]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., CliResult]]:
    """Run ``feedback-writer ARGS`` through ``main`` (exit code, stdout, stderr)."""
    from feedback_writer.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    yield run
