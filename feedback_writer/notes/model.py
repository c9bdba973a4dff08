"""Provides the note models: a parsed note from a file, and a stored note."""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class AuthorKind(StrEnum):
    """Who wrote the note. Peer notes are summarised apart and attributed as peer input."""

    MANAGER = "manager"
    SELF = "self"
    PEER = "peer"
    OTHER = "other"


class ParsedNote(BaseModel):
    """A note read from a file (or typed), before it is stored."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(min_length=1)
    date: dt.date | None = None
    external_id: str | None = Field(None, description="The id given in the file, if any.")
    source_file: str | None = None
    source_line: int | None = None
    tags: tuple[str, ...] = ()

    def dedupe_key(self, author_kind: AuthorKind, author_name: str | None) -> str:
        """Same text, date and author: the same note, whichever file it came from."""
        basis = "\x1f".join(
            [
                " ".join(self.text.split()).casefold(),
                self.date.isoformat() if self.date else "",
                author_kind.value,
                (author_name or "").casefold(),
            ]
        )
        return hashlib.sha256(basis.encode()).hexdigest()[:32]


class Note(BaseModel):
    """A stored note. ``id`` (``n<number>``) is what drafts cite."""

    model_config = ConfigDict(frozen=True)

    id: str
    person: str
    text: str
    date: dt.date | None = None
    author_kind: AuthorKind = AuthorKind.MANAGER
    author_name: str | None = None
    source: str = "typed"
    source_file: str | None = None
    source_line: int | None = None
    external_id: str | None = None
    tags: tuple[str, ...] = ()
    excluded: bool = False
    proposed: bool = False  # imported (git) and not kept yet: drafts ignore it
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def source_label(self) -> str:
        if self.source_file:
            return (
                f"{self.source_file}:{self.source_line}" if self.source_line else self.source_file
            )
        return self.source


class UndatedNote(BaseModel):
    """A note whose first line starts with a date that could not be read (ambiguous day
    and month, no year): it was kept, undated, with the date left in its text."""

    model_config = ConfigDict(frozen=True)

    source_file: str | None = None
    source_line: int
    raw: str = Field(description="The date as written.")
    reason: str

    def __str__(self) -> str:
        where = f"{self.source_file}:" if self.source_file else "line "
        return f"{where}{self.source_line}: {self.reason}; the note was kept undated"


class ParsedNotes(BaseModel):
    """What a notes file gave: its notes, and those left undated for a date not read."""

    model_config = ConfigDict(frozen=True)

    notes: list[ParsedNote]
    undated: list[UndatedNote] = Field(default_factory=list)
