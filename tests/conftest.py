"""Shared fixtures: every test runs with its own workspace and config, never the user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Send the workspace, the config file and HOME to temp dirs; drop FEEDBACK_WRITER_*
    and provider keys from the developer's environment so no test sees them."""
    home = tmp_path_factory.mktemp("home")
    import os

    for name in list(os.environ):
        if name.startswith("FEEDBACK_WRITER_") or name.endswith("_API_KEY"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("FEEDBACK_WRITER_HOME", str(home / "workspace"))
    monkeypatch.setenv("FEEDBACK_WRITER_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    monkeypatch.setenv("DISABLE_AIOHTTP_TRANSPORT", "True")
    yield home


@pytest.fixture
def default_ladder():  # type: ignore[no-untyped-def]
    from feedback_writer.ladder.loader import load_ladder
    from feedback_writer.paths import default_ladder_path

    return load_ladder(default_ladder_path())


@pytest.fixture
def repo(tmp_path: Path):  # type: ignore[no-untyped-def]
    from feedback_writer.storage.repository import Repository

    r = Repository(tmp_path / "ws" / "workspace.sqlite3")
    yield r
    r.close()
