"""Provides the settings object and its layered loading with the origin of each value.

Precedence, lowest first: built-in defaults, the TOML config file, ``FEEDBACK_WRITER_*``
environment variables, command-line flags. ``feedback-writer config show`` prints each
effective value with where it came from. API keys are never settings: providers read them
from their own environment variables (OPENAI_API_KEY, ...), and nothing here stores them.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from feedback_writer import paths
from feedback_writer.errors import ConfigError

ENV_PREFIX = "FEEDBACK_WRITER_"


class Settings(BaseModel):
    """Everything a user can configure. Each field documents itself for ``config show``."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    model: str | None = Field(
        None,
        description="litellm model string (e.g. gpt-4o-mini, anthropic/claude-3-5-haiku-20241022, "
        "ollama_chat/llama3.1). Unset: the offline drafter, nothing leaves the machine.",
    )
    api_base: str | None = Field(
        None, description="Base URL for a local Ollama or a LiteLLM proxy."
    )
    ladder: str | None = Field(
        None, description="Path of the company ladder file. Unset: the default ladder."
    )
    prompts_dir: str | None = Field(
        None, description="Folder of company prompt templates overriding the defaults by name."
    )
    export_policy: Literal["edit", "review"] = Field(
        "edit",
        description="edit: every section must be edited by a human before export; "
        "review: edited or explicitly approved.",
    )
    timeout: float = Field(60.0, gt=0, description="Seconds to wait for a model answer.")
    max_retries: int = Field(3, ge=0, le=10, description="Retries on 429, 5xx and timeouts.")
    max_repairs: int = Field(2, ge=0, le=5, description="Repair turns for invalid model output.")
    pseudonymise: list[str] = Field(
        default_factory=list,
        description="Other names to replace with placeholders before any remote call.",
    )

    @classmethod
    def field_names(cls) -> list[str]:
        return list(cls.model_fields)


Origin = str


@dataclass
class LoadedSettings:
    """Settings plus where each value came from (default, file path, env var, flag)."""

    settings: Settings
    origins: dict[str, Origin] = field(default_factory=dict)
    config_file: Path | None = None


def _coerce_env(name: str, raw: str) -> Any:
    info = Settings.model_fields[name]
    if name == "pseudonymise":
        return [p.strip() for p in raw.split(",") if p.strip()]
    if info.annotation in (float, int):
        return raw
    return raw or None


def load_settings(
    flags: dict[str, Any] | None = None, *, config_file: Path | None = None
) -> LoadedSettings:
    """Merge defaults < config file < environment < flags, validating the result."""
    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {name: "default" for name in Settings.field_names()}
    path = config_file or paths.config_path()
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{path}: not UTF-8 text") from None
        section = data.get("feedback-writer", data)
        for key, value in section.items():
            name = key.replace("-", "_")
            if name not in Settings.model_fields:
                raise ConfigError(
                    f"{path}: unknown setting '{key}'",
                    hint="known settings: " + ", ".join(Settings.field_names()),
                )
            values[name] = value
            origins[name] = str(path)
    for name in Settings.field_names():
        env = ENV_PREFIX + name.upper()
        if env in os.environ:
            values[name] = _coerce_env(name, os.environ[env])
            origins[name] = f"env {env}"
    for name, value in (flags or {}).items():
        if value is not None:
            values[name] = value
            origins[name] = "flag --" + name.replace("_", "-")
    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(map(str, e['loc']))} (from {origins.get(str(e['loc'][0]), '?')}): "
            f"{e['msg']}"
            for e in exc.errors()
        ]
        raise ConfigError("invalid settings:\n" + "\n".join(problems)) from None
    return LoadedSettings(settings, origins, path if path.is_file() else None)
