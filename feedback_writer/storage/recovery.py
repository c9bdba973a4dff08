"""Provides the workspace's rescue file: text a person typed that could not be stored.

When the workspace stays busy or broken until the terminal UI closes, the editor's last
texts go to ``WORKSPACE/unsaved-text.md`` (owner-only, appended, never overwritten) so that
nothing typed is lost; the person pastes them back or imports them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

UNSAVED_TEXT = "unsaved-text.md"


def keep_unsaved_texts(workspace: Path, what: str, texts: Sequence[str]) -> Path:
    """Append ``texts`` (one heading each, naming ``what`` they were for) to the rescue
    file of ``workspace`` and return its path."""
    path = workspace / UNSAVED_TEXT
    workspace.mkdir(parents=True, exist_ok=True, mode=0o700)
    when = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        for text in texts:
            out.write(f"## not saved: {what} ({when})\n\n{text.rstrip()}\n\n")
    return path
