"""Provides every filesystem path the tool uses: shipped data, workspace, config.

Nothing reads the environment at import time; call the functions.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "feedback-writer"
HOME_ENV = "FEEDBACK_WRITER_HOME"
CONFIG_ENV = "FEEDBACK_WRITER_CONFIG"

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    """Shipped data: inside the wheel (``feedback_writer/_data``) or the source checkout."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def default_ladder_path() -> Path:
    return _data_dir("ladder") / "default.yaml"


def default_prompts_dir() -> Path:
    return _data_dir("prompts")


def workspace_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The workspace folder: ``--workspace``, else $FEEDBACK_WRITER_HOME, else platformdirs."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_path(workspace: Path) -> Path:
    return workspace / "workspace.sqlite3"


def config_path() -> Path:
    """The config file: $FEEDBACK_WRITER_CONFIG, else the platformdirs config dir."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"
