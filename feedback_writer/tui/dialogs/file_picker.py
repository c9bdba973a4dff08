"""Provides the import dialog: pick a notes file (tree or typed path) and who wrote it, or
a git repository's folder to propose notes from its history (the CLI's defaults)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label, Select

from feedback_writer.notes.model import AuthorKind

SUFFIXES = (".md", ".markdown", ".txt", ".text", ".jsonl", ".ndjson")


@dataclass(frozen=True)
class ImportRequest:
    """What to import: a file, and who wrote the notes in it."""

    path: Path
    author_kind: AuthorKind = AuthorKind.MANAGER
    author_name: str | None = None


@dataclass(frozen=True)
class GitRequest:
    """Propose notes from the history of the git repository at ``path``; as
    ``notes import --git PATH`` without options: the commits of the repository's
    ``git config user.email`` in the person's current cycle."""

    path: Path


class NotesTree(DirectoryTree):
    """A directory tree showing folders and notes files only (no dot files)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in SUFFIXES)
        ]


class FilePickerDialog(ModalScreen[ImportRequest | GitRequest | None]):
    """Choose a file in the tree (or type its path); Enter on the path field imports. A
    folder holding a git repository proposes notes from its history instead."""

    DEFAULT_CSS = """
    FilePickerDialog { align: center middle; }
    FilePickerDialog > Vertical {
        width: 90%; max-width: 100; height: 90%; padding: 0 1;
        border: thick $primary; background: $surface;
    }
    FilePickerDialog NotesTree { height: 1fr; border: round $panel; }
    FilePickerDialog Horizontal { height: auto; }
    FilePickerDialog Select { width: 20; }
    FilePickerDialog #author { width: 1fr; }
    FilePickerDialog #problem { color: $error; height: auto; }
    FilePickerDialog #git-hint { color: $text-muted; width: 100%; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, start: Path | None = None) -> None:
        super().__init__()
        self.start = start or Path.cwd()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]Import notes[/b]  .md .txt .jsonl — each bullet or paragraph is a note")
            yield NotesTree(self.start, id="tree")
            yield Label(
                "or a git repository's folder: its commits by you (git config user.email) "
                "in the current cycle become proposed notes; for other authors or dates: "
                "feedback-writer notes import -p NAME --git PATH --author EMAIL --since DAY",
                id="git-hint",
            )
            yield Input(placeholder="path of the file or repository (Enter to import)", id="path")
            with Horizontal():
                yield Select(
                    [(k.value, k) for k in AuthorKind],
                    value=AuthorKind.MANAGER,
                    allow_blank=False,
                    id="kind",
                )
                yield Input(placeholder="author name (peer notes)", id="author")
                yield Button("Import", id="import", variant="primary")
            yield Label("", id="problem")

    def on_mount(self) -> None:
        self.query_one(NotesTree).focus()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        field = self.query_one("#path", Input)
        field.value = str(event.path)
        field.focus()

    def on_directory_tree_directory_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        if (event.path / ".git").exists():
            self.query_one("#path", Input).value = str(event.path)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._submit()

    def _submit(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        problem = self.query_one("#problem", Label)
        if not raw:
            problem.update("Pick a file or a git repository's folder, or type its path.")
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = self.start / path
        if path.is_dir():
            if not (path / ".git").exists():
                problem.update(f"{path}: a folder, not a notes file or a git repository's top")
                return
            self.dismiss(GitRequest(path))
            return
        if not path.is_file():
            problem.update(f"{path}: no such file")
            return
        kind = self.query_one("#kind", Select).value
        author = self.query_one("#author", Input).value.strip() or None
        self.dismiss(
            ImportRequest(
                path, kind if isinstance(kind, AuthorKind) else AuthorKind.MANAGER, author
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
