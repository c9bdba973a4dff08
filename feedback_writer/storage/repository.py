"""Provides the repository: the one object callers use to read and write the workspace.

The SQL lives in one module per aggregate, each a store the repository is made of:
:mod:`.people` (people and cycles), :mod:`.notes`, :mod:`.mappings`, :mod:`.drafts`
(drafts, sections and their edit history), :mod:`.git_notes` (notes proposed from git)
and :mod:`.calls` (the model call log), all on the connection of :mod:`.db`;
:mod:`.migrations` owns the schema.
"""

from __future__ import annotations

import os

from feedback_writer import paths
from feedback_writer.storage.calls import CallLog
from feedback_writer.storage.drafts import DraftStore
from feedback_writer.storage.git_notes import GitNoteStore
from feedback_writer.storage.notes import NoteStore


class Repository(NoteStore, GitNoteStore, DraftStore, CallLog):
    """All reads and writes of the workspace. Thread-safe through one lock."""

    @classmethod
    def open(cls, workspace: str | os.PathLike[str] | None = None) -> Repository:
        return cls(paths.database_path(paths.workspace_dir(workspace)))
