"""Provides pseudonymisation: names swapped for placeholders before a remote call.

The subject becomes ``PERSON_1``, every other listed name ``PERSON_2``, ``PERSON_3``...
Matching is case-insensitive on word boundaries, so ``alex``, ``ALEX`` and ``Alex's`` are
caught and ``Alexander`` is not. A multi-word name also hides its parts (``Alex`` and
``Example`` of ``Alex Example``), because notes rarely use full names. Restoring puts the
name back as it was listed; the placeholders never reach storage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

PLACEHOLDER = "PERSON_{}"
_PLACEHOLDER_RE = re.compile(r"(?<![A-Za-z0-9_])PERSON_(\d+)(?![0-9])")
# Name parts this short are too likely to be ordinary words ("Al", "Jo" still count).
_MIN_PART = 2


def _bounded(alternatives: Iterable[str]) -> re.Pattern[str]:
    # Lookarounds instead of \b: a name may end in punctuation ("Alex Example (demo)").
    body = "|".join(re.escape(a) for a in sorted(set(alternatives), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


class Pseudonymiser:
    """Replaces names with placeholders and back. An empty name list changes nothing."""

    def __init__(self, subject: str, others: Sequence[str] = ()) -> None:
        names: list[str] = []
        for name in [subject, *others]:
            clean = " ".join(name.split())
            if clean and clean.casefold() not in {n.casefold() for n in names}:
                names.append(clean)
        self.names = names
        self._alias: dict[str, str] = {}
        # Full names first, so a part shared by two people maps to the first one listed.
        for i, name in enumerate(names, start=1):
            self._alias.setdefault(name.casefold(), PLACEHOLDER.format(i))
        for i, name in enumerate(names, start=1):
            parts = re.findall(r"\w[\w'-]*", name)
            if len(parts) > 1:
                for part in parts:
                    if len(part) >= _MIN_PART:
                        self._alias.setdefault(part.casefold(), PLACEHOLDER.format(i))
        self._pattern = _bounded(self._alias) if self._alias else None

    @property
    def placeholders(self) -> dict[str, str]:
        """placeholder -> the name it stands for."""
        return {PLACEHOLDER.format(i): n for i, n in enumerate(self.names, start=1)}

    def apply(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._alias[m.group(0).casefold()], text)

    def restore(self, text: str) -> str:
        names = self.names

        def back(m: re.Match[str]) -> str:
            i = int(m.group(1))
            return names[i - 1] if 1 <= i <= len(names) else m.group(0)

        return _PLACEHOLDER_RE.sub(back, text)

    def apply_messages(self, messages: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**m, "content": self.apply(m["content"])} if isinstance(m.get("content"), str) else m
            for m in messages
        ]

    def restore_data(self, data: Any) -> Any:
        """Every string inside nested dicts and lists restored (for a dumped model)."""
        if isinstance(data, str):
            return self.restore(data)
        if isinstance(data, list):
            return [self.restore_data(v) for v in data]
        if isinstance(data, dict):
            return {k: self.restore_data(v) for k, v in data.items()}
        return data
