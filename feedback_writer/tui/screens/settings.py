"""Provides the Settings screen: model, ladder, prompts folder, and the rendered prompt.

Changes apply to this session (like command-line flags, over the config file and the
environment); the screen shows the config file to make them permanent. API keys are not
settings: providers read them from their own environment variables.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from feedback_writer.tui.screens.base import MainScreen

FIELDS: list[tuple[str, str, str]] = [
    ("model", "Model", "empty: offline drafter (nothing leaves the machine)"),
    ("api_base", "API base", "only for a local Ollama or a LiteLLM proxy"),
    ("ladder", "Ladder file", "empty: the default ladder"),
    ("prompts_dir", "Prompts folder", "empty: the shipped prompts"),
]


class PromptPreview(Message):
    """The rendered prompt (or why it cannot be rendered yet)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def _check(name: str, value: str) -> str | None:
    """A problem with ``value`` for setting ``name``, or None."""
    if name == "ladder" and value:
        from feedback_writer.ladder.loader import load_ladder

        load_ladder(Path(value).expanduser())  # raises LadderError naming file and line
    if name == "prompts_dir" and value and not Path(value).expanduser().is_dir():
        return f"{value}: no such folder (create one with: feedback-writer prompts init DIR)"
    return None


class SettingsScreen(MainScreen):
    """Each field applies on Enter; the preview re-renders with the new values."""

    MODE = "settings"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "preview", "Re-render prompt"),
    ]
    DEFAULT_CSS = """
    SettingsScreen #fields { width: 46; padding: 0 1; }
    SettingsScreen .field { color: $text-muted; margin-top: 1; }
    SettingsScreen #preview-box { width: 1fr; border-left: vkey $panel; padding: 0 1; }
    SettingsScreen #config-path, SettingsScreen #policy { color: $text-muted; height: auto; }
    """

    def body(self) -> Iterable[Widget]:
        settings = self.ctx.settings
        items: list[Widget] = []
        for name, title, hint in FIELDS:
            items.append(Label(title, classes="field"))
            items.append(Input(getattr(settings, name) or "", placeholder=hint, id=f"set-{name}"))
        items.append(Label(f"Export policy: {settings.export_policy}", id="policy"))
        items.append(Static("", id="config-path"))
        yield Horizontal(
            VerticalScroll(*items, id="fields"),
            Vertical(
                Label("[b]Prompt preview[/b] (what a model would be sent)"),
                VerticalScroll(Static("", id="preview", markup=False)),
                id="preview-box",
            ),
        )

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        # The file's path is not shown: 'feedback-writer config path' prints it, and a
        # path on screen would make the screenshots depend on the machine.
        self.query_one("#config-path", Static).update(
            "Enter applies a field for this session. To keep it, put it in the config "
            "file ('feedback-writer config path' shows where)."
        )
        self.action_preview()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = (event.input.id or "").removeprefix("set-")
        value = event.value.strip()
        try:
            problem = _check(name, value)
        except Exception as exc:
            self.fw.show_error(exc)
            return
        if problem:
            self.notify(problem, severity="error")
            return
        # An empty field means "unset": flags of None are ignored, so drop it instead.
        if value:
            self.ctx.set_flag(name, value)
        else:
            self.ctx.flags.pop(name, None)
            self.ctx.__dict__.pop("loaded", None)
            if name == "ladder":
                self.ctx.__dict__.pop("ladder", None)
        self.notify(f"{name} = {value or '(unset)'} for this session.")
        self.action_preview()

    def action_preview(self) -> None:
        self.query_one("#preview", Static).update("rendering…")
        self._render_preview(self.person)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _render_preview(self, person: str | None) -> None:
        try:
            text = render_prompt_preview(self.ctx, person)
        except Exception as exc:
            from feedback_writer.tui.errors import describe_error

            _title, message = describe_error(exc)
            text = f"The prompt does not render:\n{message}"
        self.post_message(PromptPreview(text))

    def on_prompt_preview(self, message: PromptPreview) -> None:
        self.query_one("#preview", Static).update(message.text)


def render_prompt_preview(ctx: object, person: str | None) -> str:
    """The messages ``person``'s next draft would send, exactly (names pseudonymised)."""
    from feedback_writer.context import AppContext
    from feedback_writer.drafting.checks import render_for_person

    assert isinstance(ctx, AppContext)
    if person is None:
        return "Pick a person (1) to see the prompt their draft would use."
    p = ctx.repo.get_person(person)
    if not p.current_level:
        return f"Set {person}'s current level on People (1) to see the prompt."
    messages = render_for_person(ctx, f"draft_{p.mode}", person)
    return "\n\n".join(f"── {m['role']} ──\n{m['content']}" for m in messages)
