"""Provides the drafting tests' fixtures: an app context with a person, notes and evidence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.drafting.drafting_fakes import World, build_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = build_world(tmp_path)
    yield w
    w.ctx.repo.close()
