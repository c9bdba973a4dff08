"""Guards: the core never imports textual or litellm; --help imports neither."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORE = [
    "feedback_writer.ladder.loader",
    "feedback_writer.notes.parse",
    "feedback_writer.storage.repository",
    "feedback_writer.config",
    "feedback_writer.context",
    "feedback_writer.cli",
]
OPTIONAL_CORE = [
    "feedback_writer.mapping.service",
    "feedback_writer.drafting.service",
    "feedback_writer.review.gate",
    "feedback_writer.review.export",
]


def _imported(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_core_imports_without_textual_or_litellm():
    root = Path(__file__).resolve().parents[3]
    modules = list(CORE)
    for name in OPTIONAL_CORE:
        if (root / (name.replace(".", "/") + ".py")).exists():
            modules.append(name)
    loaded = _imported("\n".join(f"import {m}" for m in modules))
    assert "textual" not in loaded
    assert "litellm" not in loaded


def test_help_imports_no_heavy_module():
    loaded = _imported(
        "from feedback_writer.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert not {"textual", "litellm", "jinja2", "feedback_writer.storage.repository"} & loaded


def test_only_the_gateway_imports_litellm_and_only_the_repository_writes_sql():
    pkg = Path(__file__).resolve().parents[3] / "feedback_writer"
    litellm_users, sql_users = [], []
    for path in pkg.rglob("*.py"):
        text = path.read_text()
        rel = path.relative_to(pkg).as_posix()
        if "import litellm" in text or "from litellm" in text:
            litellm_users.append(rel)
        if "import sqlite3" in text or "CREATE TABLE" in text or "INSERT INTO" in text:
            sql_users.append(rel)
    assert set(litellm_users) <= {"llm/gateway.py"}, litellm_users
    assert all(rel.startswith("storage/") for rel in sql_users), sql_users
