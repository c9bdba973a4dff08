"""Provides the prompt templates: sandboxed, strict jinja2 with company overrides by name.

Templates live in ``prompts/`` (shipped in the wheel); a company folder (setting
``prompts_dir`` or ``--prompts DIR``) overrides any of them by file name. Rendering is
sandboxed (a template cannot reach Python internals) and strict (an undefined variable
is an error). Every failure becomes a :class:`TemplateError` naming the template and line.

The sandbox also bounds the work a template may do, so a company template cannot hang a
command: ``range`` gives at most :data:`MAX_RANGE` items, every ``for`` loop and call
counts against a per-render budget and a deadline, string/list repetition and
concatenation may not outgrow the output bound, and the output itself is streamed
(``generate()``) and stopped past :data:`MAX_OUTPUT_CHARS` (plus twice the input size).
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

from feedback_writer import paths
from feedback_writer.errors import TemplateError, UsageError
from feedback_writer.storage.atomic import atomic_write_text

SUFFIX = ".j2"
# The templates the code renders; a company folder may override any subset.
NAMES = ("system", "draft_manager", "draft_self", "repair", "condense", "map")

# Bounds on one render (class attributes of PromptTemplates may override them).
MAX_RANGE = 10_000  # items one range() may give
MAX_OUTPUT_CHARS = 2_000_000  # output beyond twice the input's own text
MAX_STEPS = 1_000_000  # loop iterations and calls, beyond ten per input item
TIME_LIMIT = 10.0  # seconds of wall time
MAX_ARGUMENT = 10_000_000  # largest number a call or filter may be given
_BIG_NUMBER = re.compile(r"\d{7,}")  # a width or precision in a format string

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


class TemplateLimitError(Exception):
    """A render stopped by one of the sandbox's bounds (time, output, loop steps)."""


class _Budget:
    """The work one render may still do; checked by loops, calls and the output stream."""

    def __init__(self, *, steps: int, output: int, seconds: float) -> None:
        self.steps_left = self.max_steps = steps
        self.max_output = output
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def step(self) -> None:
        self.steps_left -= 1
        if self.steps_left < 0:
            raise TemplateLimitError(
                f"stopped: more than {self.max_steps:,} loop iterations and calls (a runaway loop?)"
            )
        if self.steps_left % 64 == 0:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(f"stopped: rendering took longer than {self.seconds:g} s")

    def check_size(self, size: int, what: str = "output") -> None:
        if size > self.max_output:
            raise TemplateLimitError(
                f"stopped: the {what} would be over {self.max_output:,} characters"
            )


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "feedback_writer_template_budget", default=None
)


def _step() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.step()


def _check_size(size: int, what: str) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.check_size(size, what)


def bounded_range(*args: int) -> range:
    """``range`` for templates: at most MAX_RANGE items."""
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise TemplateLimitError(
            f"range() of {len(rng):,} items; templates may use at most {MAX_RANGE:,}"
        )
    return rng


@jinja2.pass_context
def _loop_guard(context: Any, iterable: Any) -> Iterator[Any]:
    """Every ``for`` loop iterates through this: each item is one step of the budget."""
    for item in iterable:
        _step()
        yield item


@jinja2.pass_context
def _bounded_concat(context: Any, parts: list[Any]) -> str:
    """``a ~ b``: refused before joining when the result would outgrow the output bound."""
    texts = [str(p) for p in parts]
    _check_size(sum(len(t) for t in texts), "joined text")
    return "".join(texts)


def _result_size(op: str, left: Any, right: Any) -> int:
    """The length a ``*``/``+``/``%`` of strings or lists would have (0: not a sequence)."""
    seqs = (str, list, tuple)
    if op == "*":
        if isinstance(left, seqs) and isinstance(right, int):
            return len(left) * max(right, 0)
        if isinstance(right, seqs) and isinstance(left, int):
            return len(right) * max(left, 0)
    if op == "+" and isinstance(left, seqs) and isinstance(right, seqs):
        return len(left) + len(right)
    return 0


class _Bounded(NodeTransformer):
    """Routes every ``for`` loop through the loop guard and every ``~`` through the bound."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)  # children first, in place
        node.iter = nodes.Filter(node.iter, "_fw_loop", [], [], None, None, lineno=node.iter.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)  # children first, in place
        parts = nodes.List(node.nodes, lineno=node.lineno)
        return nodes.Filter(parts, "_fw_concat", [], [], None, None, lineno=node.lineno)


class BoundedSandbox(SandboxedEnvironment):
    """jinja2's sandbox with bounds on the work a template may do (see the module doc)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = bounded_range
        self.filters = {name: _checked_filter(f) for name, f in self.filters.items()}
        self.filters["_fw_loop"] = _loop_guard
        self.filters["_fw_concat"] = _bounded_concat

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        result = _Bounded().visit(tree)
        assert isinstance(result, nodes.Template)
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_size(_result_size(operator, left, right), f"result of '{operator}'")
        if operator == "**" and isinstance(right, int) and abs(right) > 1000:
            raise TemplateLimitError(f"'**' with an exponent of {right:,} (at most 1,000)")
        if operator == "%" and isinstance(left, str) and _BIG_NUMBER.search(left):
            raise TemplateLimitError("a '%' format with a width or precision over 999,999")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_args(args, kwargs)
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        if isinstance(owner, str) and _BIG_NUMBER.search(owner):
            raise TemplateLimitError("a format string with a width or precision over 999,999")
        return super().call(__context, __obj, *args, **kwargs)


def _check_args(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """One step of the budget; no number big enough to allocate gigabytes (``center(10**10)``)."""
    _step()
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_ARGUMENT:
            raise TemplateLimitError(f"a call with the number {value:,} (at most {MAX_ARGUMENT:,})")


def _checked_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose arguments are checked like a call's (its jinja pass-arg marks kept)."""

    skip = 2 if hasattr(func, "jinja_pass_arg") else 1  # (context,) value: not arguments

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _check_args(args[skip:], kwargs)
        return func(*args, **kwargs)

    return wrapper


def _input_size(value: Any, depth: int = 0) -> tuple[int, int]:
    """(characters, items) in the render's variables: the bounds grow with the data."""
    if isinstance(value, str):
        return len(value), 1
    if depth > 20:
        return 0, 1
    chars = items = 0
    children: Iterable[Any] = ()
    if isinstance(value, Mapping):
        children = list(value.values())
    elif isinstance(value, list | tuple | set | frozenset):
        children = value
    for child in children:
        c, i = _input_size(child, depth + 1)
        chars, items = chars + c, items + i
    return chars, items + 1


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

    max_output_chars = MAX_OUTPUT_CHARS
    max_steps = MAX_STEPS
    time_limit = TIME_LIMIT

    def __init__(self, company_dir: str | Path | None = None) -> None:
        self.default_dir = paths.default_prompts_dir()
        self.company_dir = Path(company_dir).expanduser() if company_dir else None
        if self.company_dir is not None and not self.company_dir.is_dir():
            raise UsageError(
                f"{self.company_dir}: prompts folder not found",
                hint="create one with: feedback-writer prompts init DIR",
            )
        search = [str(d) for d in (self.company_dir, self.default_dir) if d is not None]
        self.env = BoundedSandbox(
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
        chars, items = _input_size(dict(variables))
        budget = _Budget(
            steps=self.max_steps + 10 * items,
            output=self.max_output_chars + 2 * chars,
            seconds=self.time_limit,
        )
        token = _BUDGET.set(budget)
        try:
            template = self.env.get_template(name + SUFFIX)
            out: list[str] = []
            size = 0
            for chunk in template.generate(**variables):
                size += len(chunk)
                budget.check_size(size)
                budget.check_time()
                out.append(chunk)
            return "".join(out).strip()
        except jinja2.TemplateSyntaxError as exc:
            where = f"{exc.filename or label}:{exc.lineno}"
            raise TemplateError([f"{where}: syntax error: {exc.message}"]) from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError([f"{label}: includes a missing template '{exc.name}'"]) from None
        except TemplateLimitError as exc:
            line = _template_line(exc.__traceback__, label)
            raise TemplateError([f"{label}:{line or '?'}: {exc}"]) from None
        except RecursionError:
            raise TemplateError([f"{label}: stopped: macros or includes nest too deeply"]) from None
        except jinja2.exceptions.SecurityError as exc:
            line = _template_line(exc.__traceback__, label)
            raise TemplateError([f"{label}:{line or '?'}: blocked by the sandbox: {exc}"]) from None
        except jinja2.UndefinedError as exc:
            line = _template_line(exc.__traceback__, label)
            message = str(exc)
            if "unsafe" in message:
                message = f"blocked by the sandbox: {message}"
            raise TemplateError([f"{label}:{line or '?'}: {message}"]) from None
        except MemoryError:
            raise TemplateError([f"{label}: stopped: the template ran out of memory"]) from None
        except Exception as exc:  # a filter or test failing on a value
            line = _template_line(exc.__traceback__, label)
            raise TemplateError([f"{label}:{line or '?'}: {type(exc).__name__}: {exc}"]) from None
        finally:
            _BUDGET.reset(token)


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
