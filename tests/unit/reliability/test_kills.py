"""SIGKILL a real ``notes import`` at random moments: the workspace holds every time.

The small version of ``bench/kill_soak.py`` (which also kills map, review, export and a
first open): five kills, each followed by the integrity, migrations and all-or-nothing
checks.
"""

from __future__ import annotations

import importlib.util
import random
import sqlite3
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def soak() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kill_soak", ROOT / "bench/kill_soak.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_killed_imports_are_all_or_nothing(tmp_path: Path, soak: ModuleType) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = soak.environment(home)
    expect = soak.Expect()
    first = soak.notes_file(tmp_path / "import-0.md", 3000, "import-0")
    took = soak.run(["notes", "import", "--person", "Imp", str(first)], env)
    expect.imports[str(first)] = 3000
    db_path = soak.database(home)
    assert soak.check(db_path, expect) == []

    rng = random.Random(5)
    kills = 0
    for i in range(1, 6):
        source = soak.notes_file(tmp_path / f"import-{i}.md", 3000, f"import-{i}")
        expect.imports[str(source)] = 3000
        delay = rng.uniform(0.2 * took, 0.8 * took)
        args = ["notes", "import", "--person", "Imp", str(source)]
        kills += soak.run_and_kill(args, env, delay)
        assert soak.check(db_path, expect) == [], f"kill {i} at {delay:.2f} s"
    assert kills >= 2  # not every import ended before its kill

    # The workspace still works after the kills, and the checks are not vacuous.
    soak.run(["notes", "import", "--person", "Imp", str(first)], env)
    with sqlite3.connect(db_path) as db:
        db.execute("DELETE FROM notes WHERE id IN (SELECT max(id) FROM notes)")
    problems = soak.check(db_path, expect)
    assert any("of 3000 notes stored" in p for p in problems)
