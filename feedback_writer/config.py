"""Provides the settings object and its layered loading with the origin of each value.

Precedence, lowest first: built-in defaults, the TOML config file, ``FEEDBACK_WRITER_*``
environment variables, command-line flags. ``feedback-writer config show`` prints each
effective value with where it came from. API keys are never settings: providers read them
from their own environment variables (OPENAI_API_KEY, ...), and nothing here stores them.

Nothing is silently ignored: an unknown or misplaced key, a value of the wrong type (a
boolean is not a number, a number must be finite) and a config file that is missing or a
folder are each a :class:`ConfigError` naming the file and, for a key, its line.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from feedback_writer import paths
from feedback_writer.errors import ConfigError

ENV_PREFIX = "FEEDBACK_WRITER_"
TABLE = "feedback-writer"


class Settings(BaseModel):
    """Everything a user can configure. Each field documents itself for ``config show``."""

    # strict: no coercion (a TOML ``true`` is not a number, ``"3"`` is not an int);
    # environment strings are converted by :func:`_coerce_env` before validation.
    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, strict=True, use_attribute_docstrings=True
    )

    model: str | None = None
    """litellm model string (e.g. gpt-4o-mini, anthropic/claude-3-5-haiku-20241022,
    ollama_chat/llama3.1). Unset: the offline drafter, nothing leaves the machine."""

    api_base: str | None = None
    """Base URL for a local Ollama or a LiteLLM proxy."""

    ladder: str | None = None
    """Path of the company ladder file. Unset: the default ladder."""

    prompts_dir: str | None = None
    """Folder of company prompt templates overriding the defaults by name."""

    quality_rules_dir: str | None = None
    """Folder of company quality-check rule files (``lint``), each replacing the shipped
    file of the same name. Unset: the shipped rules."""

    export_policy: Literal["edit", "review"] = "edit"
    """edit: every section must be edited by a human before export; review: edited or
    explicitly approved."""

    min_edit: float = Field(0.15, ge=0, le=1, allow_inf_nan=False)
    """Under export_policy 'edit': the share of the drafter's words a human must change,
    remove or add for a section to count as edited (never fewer than 3 words; whitespace,
    punctuation, case and invisible characters do not count). See docs/authorship.md."""

    timeout: float = Field(60.0, gt=0, allow_inf_nan=False)
    """Seconds to wait for a model answer."""

    max_retries: int = Field(3, ge=0, le=10)
    """Retries on 429, 5xx and timeouts."""

    max_repairs: int = Field(2, ge=0, le=5)
    """Repair turns for invalid model output."""

    max_prompt_tokens: int = Field(24000, ge=2000, le=2_000_000)
    """Most tokens a draft prompt may take. A window whose notes would need more is
    condensed per competency: the strongest and most recent evidence of each expectation
    is quoted, the other notes are counted per expectation and polarity (``--dry-run``
    says how many). The offline outline quotes the same notes."""

    pseudonymise: list[str] = Field(default_factory=list)
    """Other names to replace with placeholders before any remote call."""

    @classmethod
    def field_names(cls) -> list[str]:
        return list(cls.model_fields)


Origin = str
"""Where a value came from: ``default``, the config file's path, ``env NAME`` or ``flag --x``."""


@dataclass(frozen=True)
class LoadedSettings:
    """Settings plus where each value came from (default, file path, env var, flag)."""

    settings: Settings
    origins: dict[str, Origin] = field(default_factory=dict)
    config_file: Path | None = None


# --- the config file -------------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\[?([^\[\]]+)\]\]?\s*(?:#.*)?$")


def _bare(name: str) -> str:
    return re.sub(r"\s+", "", name).replace('"', "").replace("'", "")


def key_line(text: str, key: str, table: str | None = None) -> int | None:
    """The 1-based line where ``key`` is set in ``table`` (None: top level), or None.

    tomllib gives no positions, so this scans the text: a bare or quoted key followed by
    ``=`` (or by ``.`` for a dotted key) under the right table header, else the first line
    naming the key at all.
    """
    k = re.escape(key)
    own = re.compile(rf"""^\s*(?:{k}|"{k}"|'{k}')\s*[=.]""")
    dotted = (
        re.compile(rf"""^\s*["']?{re.escape(table)}["']?\s*\.\s*["']?{k}["']?\s*=""")
        if table
        else None
    )
    current: str | None = None
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        header = _HEADER.match(line)
        if header:
            current = _bare(header.group(1))
            if table is None and current.split(".")[0] == key:
                return number  # ``[key]`` itself: a top-level key written as a table
            continue
        if current == table and own.match(line):
            return number
        if dotted is not None and current is None and dotted.match(line):
            return number
    anywhere = re.compile(rf"(?<![\w-]){k}(?![\w-])")
    return next((n for n, line in enumerate(lines, 1) if anywhere.search(line)), None)


def _deepest_line(text: str) -> int:
    """The first line where bracket nesting gets deep (for a file tomllib cannot nest)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        for char in line:
            depth += (char in "[{") - (char in "]}")
            if depth > 50:
                return number
    return 1


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


def check_config_file(path: Path) -> None:
    """A config file named explicitly (``--config``) must exist and be a file."""
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder, not a config file")
    if not path.is_file():
        raise ConfigError(
            f"{path}: no such config file",
            hint="'feedback-writer config template' prints one to start from",
        )


def _read_file(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(
            f"{_where(path, _deepest_line(text))}: invalid TOML: arrays or tables nested too deeply"
        ) from None


def _toml_type(value: Any) -> str:
    kinds = {dict: "a table", list: "an array", str: "a string", bool: "a boolean"}
    kinds |= {int: "an integer", float: "a float"}
    return kinds.get(type(value), "a date or time")


def _file_section(path: Path, text: str, data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The settings table of the file and its name (None: settings at top level)."""
    if TABLE not in data:
        return data, None
    section = data[TABLE]
    if not isinstance(section, dict):
        raise ConfigError(
            f"{_where(path, key_line(text, TABLE))}: '{TABLE}' must be a table, "
            f"not {_toml_type(section)}",
            hint=f"write the settings below a [{TABLE}] line",
        )
    for key in data:
        if key == TABLE:
            continue
        where = _where(path, key_line(text, key))
        if key.replace("-", "_") in Settings.model_fields:
            raise ConfigError(
                f"{where}: '{key}' is outside the [{TABLE}] table, where it would be ignored",
                hint=f"move it below the [{TABLE}] line (keys above the first table header "
                "are top-level keys in TOML)",
            )
        raise ConfigError(
            f"{where}: unknown top-level key '{key}'",
            hint=f"settings go in the [{TABLE}] table",
        )
    return section, TABLE


def _file_values(path: Path) -> tuple[dict[str, Any], dict[str, int | None]]:
    """The settings the file sets, and the line of each."""
    text, data = _read_file(path)
    section, table = _file_section(path, text, data)
    values: dict[str, Any] = {}
    lines: dict[str, int | None] = {}
    for key, value in section.items():
        name = key.replace("-", "_")
        line = key_line(text, key, table)
        if name not in Settings.model_fields:
            raise ConfigError(
                f"{_where(path, line)}: unknown setting '{key}'",
                hint="known settings: " + ", ".join(Settings.field_names()),
            )
        if name in values:
            raise ConfigError(f"{_where(path, line)}: '{name}' is set twice")
        values[name] = value
        lines[name] = line
    return values, lines


# --- environment -----------------------------------------------------------------------


def _coerce_env(name: str, env: str, raw: str) -> Any:
    """An environment string as the field's type; the model then validates range and kind."""
    annotation = Settings.model_fields[name].annotation
    if name == "pseudonymise":
        return [p.strip() for p in raw.split(",") if p.strip()]
    if annotation is int:
        try:
            return int(raw.strip())
        except ValueError:
            raise ConfigError(f"env {env}={raw!r}: {name} must be a whole number") from None
    if annotation is float:
        try:
            number = float(raw.strip())
        except ValueError:
            raise ConfigError(f"env {env}={raw!r}: {name} must be a number") from None
        if not math.isfinite(number):
            raise ConfigError(f"env {env}={raw!r}: {name} must be a finite number")
        return number
    return raw or None


# --- loading ---------------------------------------------------------------------------


def load_settings(
    flags: dict[str, Any] | None = None, *, config_file: Path | None = None
) -> LoadedSettings:
    """Merge defaults < config file < environment < flags, validating the result.

    ``config_file`` (``--config``) must exist; the default file (or
    ``$FEEDBACK_WRITER_CONFIG``) may be absent, but not a folder.
    """
    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {name: "default" for name in Settings.field_names()}
    lines: dict[str, int | None] = {}
    if config_file is not None:
        check_config_file(config_file)
    path = config_file or paths.config_path()
    if path.is_dir():
        check_config_file(path)
    if path.is_file():
        values, lines = _file_values(path)
        origins.update(dict.fromkeys(values, str(path)))
    for name in Settings.field_names():
        env = ENV_PREFIX + name.upper()
        if env in os.environ:
            values[name] = _coerce_env(name, env, os.environ[env])
            origins[name] = f"env {env}"
    for name, value in (flags or {}).items():
        if value is not None:
            values[name] = value
            origins[name] = "flag --" + name.replace("_", "-")
    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "?"
            origin = origins.get(name, "?")
            if origin == str(path):
                origin = _where(path, lines.get(name))
            loc = ".".join(map(str, error["loc"]))
            problems.append(f"{origin}: {loc}: {error['msg']}")
        raise ConfigError("invalid settings:\n" + "\n".join(problems)) from None
    return LoadedSettings(settings, origins, path if path.is_file() else None)
