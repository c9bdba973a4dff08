"""Provides the application context: settings, ladder and workspace, loaded on demand.

The CLI and the TUI build one :class:`AppContext` from the same flags (the app factory),
so both see the same configuration and the same workspace.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedback_writer import paths

if TYPE_CHECKING:
    from feedback_writer.config import LoadedSettings, Settings
    from feedback_writer.ladder.model import Ladder
    from feedback_writer.storage.repository import Repository


class AppContext:
    """What every command needs, each part loaded the first time it is used."""

    def __init__(
        self,
        *,
        workspace: str | None = None,
        ladder: str | None = None,
        config_file: str | None = None,
        flags: dict[str, Any] | None = None,
    ) -> None:
        self.workspace_override = workspace
        self.flags = dict(flags or {})
        if ladder:
            self.flags["ladder"] = ladder
        self.config_file = Path(config_file) if config_file else None

    @cached_property
    def loaded(self) -> LoadedSettings:
        from feedback_writer.config import load_settings  # pydantic: not for --help

        return load_settings(self.flags, config_file=self.config_file)

    @property
    def settings(self) -> Settings:
        return self.loaded.settings

    @property
    def ladder_path(self) -> Path:
        configured = self.loaded.settings.ladder
        return Path(configured).expanduser() if configured else paths.default_ladder_path()

    @cached_property
    def ladder(self) -> Ladder:
        from feedback_writer.ladder.loader import load_ladder

        return load_ladder(self.ladder_path)

    @property
    def workspace(self) -> Path:
        return paths.workspace_dir(self.workspace_override)

    @cached_property
    def repo(self) -> Repository:
        from feedback_writer.storage.repository import Repository

        return Repository(paths.database_path(self.workspace))

    def set_flag(self, name: str, value: Any) -> None:
        """A subcommand flag (e.g. ``--model``) over config and environment."""
        if value is None:
            return
        self.flags[name] = value
        self.__dict__.pop("loaded", None)
        if name == "ladder":
            self.__dict__.pop("ladder", None)
