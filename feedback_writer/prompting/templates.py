"""Provides the prompt templates: sandboxed, strict jinja2 with company overrides by name.

Templates live in ``prompts/`` (shipped in the wheel); a company folder (setting
``prompts_dir`` or ``--prompts DIR``) overrides any of them by file name. Rendering is
sandboxed (a template cannot reach Python internals) and strict (an undefined variable
is an error). Every failure becomes a :class:`TemplateError` naming the template and line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from feedback_writer import paths
from feedback_writer.errors import TemplateError, UsageError
from feedback_writer.storage.atomic import atomic_write_text

SUFFIX = ".j2"
# The templates the code renders; a company folder may override any subset.
NAMES = ("system", "draft_manager", "draft_self", "repair", "condense", "map")

_FENCE_TAGS = re.compile(r"<(/?)(notes|note|peer_notes|peer_note)\b", re.IGNORECASE)


def fence(text: Any) -> str:
    """Note text made safe inside the ``<notes>`` block.

    A note cannot close the block and talk to the model as the user: any tag that looks
    like one of our fences is defused (``</notes>`` becomes ``‹/notes>``).
    """
    return _FENCE_TAGS.sub(lambda m: f"‹{m.group(1)}{m.group(2)}", str(text))


def oneline(text: Any) -> str:
    """Whitespace collapsed: notes keep their words, not their layout (fewer tokens)."""
    return " ".join(str(text).split())


def _template_line(tb: TracebackType | None, filename: str | None) -> int | None:
    """The template line of an error raised while rendering (jinja rewrites the frames)."""
    line = None
    while tb is not None:
        code = tb.tb_frame.f_code.co_filename
        if filename and code == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class PromptTemplates:
    """The effective template set: a company folder over the shipped defaults."""

    def __init__(self, company_dir: str | Path | None = None) -> None:
        self.default_dir = paths.default_prompts_dir()
        self.company_dir = Path(company_dir).expanduser() if company_dir else None
        if self.company_dir is not None and not self.company_dir.is_dir():
            raise UsageError(
                f"{self.company_dir}: prompts folder not found",
                hint="create one with: feedback-writer prompts init DIR",
            )
        search = [str(d) for d in (self.company_dir, self.default_dir) if d is not None]
        self.env = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader(search),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["fence"] = fence
        self.env.filters["oneline"] = oneline

    def path(self, name: str) -> Path:
        """The file a template name resolves to (company first)."""
        for folder in (self.company_dir, self.default_dir):
            if folder is not None and (folder / (name + SUFFIX)).is_file():
                return folder / (name + SUFFIX)
        raise TemplateError([f"{name}{SUFFIX}: no such template (known: {', '.join(NAMES)})"])

    def is_overridden(self, name: str) -> bool:
        return self.company_dir is not None and (self.company_dir / (name + SUFFIX)).is_file()

    def source(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def hash(self, names: Iterable[str] = NAMES) -> str:
        """A short hash of the effective sources: stored with each draft."""
        digest = hashlib.sha256()
        for name in names:
            digest.update(name.encode() + b"\0" + self.source(name).encode() + b"\0")
        return digest.hexdigest()[:16]

    def render(self, name: str, variables: Mapping[str, Any]) -> str:
        """Render one template strictly; any failure is a TemplateError with file and line."""
        label = str(self.path(name))
        try:
            template = self.env.get_template(name + SUFFIX)
            return template.render(**variables).strip()
        except jinja2.TemplateSyntaxError as exc:
            where = f"{exc.filename or label}:{exc.lineno}"
            raise TemplateError([f"{where}: syntax error: {exc.message}"]) from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError([f"{label}: includes a missing template '{exc.name}'"]) from None
        except jinja2.exceptions.SecurityError as exc:
            line = _template_line(exc.__traceback__, label)
            raise TemplateError([f"{label}:{line or '?'}: blocked by the sandbox: {exc}"]) from None
        except jinja2.UndefinedError as exc:
            line = _template_line(exc.__traceback__, label)
            message = str(exc)
            if "unsafe" in message:
                message = f"blocked by the sandbox: {message}"
            raise TemplateError([f"{label}:{line or '?'}: {message}"]) from None
        except Exception as exc:  # a filter or test failing on a value
            line = _template_line(exc.__traceback__, label)
            raise TemplateError([f"{label}:{line or '?'}: {type(exc).__name__}: {exc}"]) from None


def init_folder(target: str | Path, *, force: bool = False) -> list[Path]:
    """Copy the shipped templates and their README into ``target`` to edit."""
    folder = Path(target).expanduser()
    source = paths.default_prompts_dir()
    files = sorted(p for p in source.iterdir() if p.suffix == SUFFIX or p.name == "README.md")
    existing = [folder / p.name for p in files if (folder / p.name).exists()]
    if existing and not force:
        raise UsageError(
            f"{folder}: would overwrite {', '.join(p.name for p in existing)}",
            hint="pass --force to overwrite",
        )
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for p in files:
        atomic_write_text(folder / p.name, p.read_text(encoding="utf-8"), mode=0o644)
        out.append(folder / p.name)
    return out
