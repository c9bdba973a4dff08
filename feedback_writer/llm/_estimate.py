"""Provides prompt sizes without importing litellm (``--dry-run`` stays fast and local).

:func:`count_tokens` counts a chat prompt with tiktoken's ``cl100k_base`` encoding, read
offline from the copy bundled in litellm's package folder, found without importing
litellm; it adds the chat format's per-message overhead as litellm's counter does for
OpenAI models. Without tiktoken (or the bundled file) it falls back to four characters
per token. :func:`context_window` reads the model's input limit from litellm's bundled
price map, again without importing litellm.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import os
from pathlib import Path
from typing import Any

# The chat format's overhead (OpenAI's cookbook; litellm's openai_token_counter).
_PER_MESSAGE = 3
_REPLY_PRIMING = 3


def _litellm_dir() -> Path | None:
    """litellm's package folder, found without importing it."""
    spec = importlib.util.find_spec("litellm")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(locations[0]) if locations else None


@functools.cache
def _encoding() -> Any:
    folder = _litellm_dir()
    cache = folder / "litellm_core_utils" / "tokenizers" if folder is not None else None
    if cache is None or not cache.is_dir():
        return None
    previous = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)  # never download: the bundled copy only
    try:
        import tiktoken

        return tiktoken.get_encoding("cl100k_base")
    except Exception:
        return None
    finally:
        if previous is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = previous


def count_tokens(messages: list[dict[str, Any]]) -> int:
    """Prompt tokens of chat ``messages`` (see the module docstring)."""
    encoding = _encoding()
    total = _REPLY_PRIMING
    for message in messages:
        total += _PER_MESSAGE
        for key in ("role", "content", "name"):
            value = message.get(key)
            if isinstance(value, str) and value:
                if encoding is not None:
                    total += len(encoding.encode(value, disallowed_special=()))
                else:
                    total += math.ceil(len(value) / 4)
    return total


@functools.cache
def _model_map() -> dict[str, Any]:
    folder = _litellm_dir()
    path = folder / "model_prices_and_context_window_backup.json" if folder else None
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def context_window(model: str) -> int | None:
    """Max input tokens of ``model`` from litellm's bundled map; None when unknown."""
    table = _model_map()
    bare = model.split("/", 1)[1] if "/" in model else model
    for key in (model, bare):
        info = table.get(key)
        if isinstance(info, dict):
            value = info.get("max_input_tokens") or info.get("max_tokens")
            if isinstance(value, int | float) and value > 0:
                return int(value)
    return None
