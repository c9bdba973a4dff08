"""Provides notes about a person's work: the model and parsing of notes files."""

from feedback_writer.notes.model import AuthorKind, Note, ParsedNote

__all__ = ["AuthorKind", "Note", "ParsedNote"]
