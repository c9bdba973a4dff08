"""Provides the drafting tests' fixtures: an app context with a person, notes and evidence."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# --import-mode=importlib puts no test dir on sys.path; share helpers through one
# uniquely named module.
sys.path.insert(0, str(Path(__file__).parent))

from drafting_fakes import World, build_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = build_world(tmp_path)
    yield w
    w.ctx.repo.close()
