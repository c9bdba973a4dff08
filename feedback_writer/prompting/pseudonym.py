"""Provides pseudonymisation: names swapped for placeholders before a remote call.

The subject becomes ``PERSON_1``, every other listed name ``PERSON_2``, ``PERSON_3``...
A full name matches case-insensitively on word boundaries, so ``alex example``, ``ALEX
EXAMPLE`` and ``Alex Example's`` are caught and ``Alex Examples`` is not. A multi-word
name also hides its parts (``Alex`` and ``Example`` of ``Alex Example``), because notes
rarely use full names; parts match only capitalised or in capitals (``Alex``, ``ALEX``),
because a surname such as ``Peer`` or ``Wood`` is also an ordinary lower-case word.
Restoring puts the full name back as it was listed; placeholders never reach storage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

PLACEHOLDER = "PERSON_{}"
_PLACEHOLDER_RE = re.compile(r"(?<![A-Za-z0-9_])PERSON_(\d+)(?![0-9])")
# Name parts this short are too likely to be ordinary words ("Al", "Jo" still count).
_MIN_PART = 2
# The end of a text that may be the start of a placeholder still on its way.
_PARTIAL_TAIL = re.compile(r"P(?:E(?:R(?:S(?:O(?:N(?:_\d*)?)?)?)?)?)?$")


def _bounded(alternatives: Iterable[str], flags: int = 0) -> re.Pattern[str] | None:
    # Lookarounds instead of \b: a name may end in punctuation ("Alex Example (demo)").
    unique = sorted(set(alternatives), key=len, reverse=True)
    if not unique:
        return None
    body = "|".join(re.escape(a) for a in unique)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", flags)


class Pseudonymiser:
    """Replaces names with placeholders and back. An empty name list changes nothing."""

    def __init__(self, subject: str, others: Sequence[str] = ()) -> None:
        names: list[str] = []
        for name in [subject, *others]:
            clean = " ".join(name.split())
            if clean and clean.casefold() not in {n.casefold() for n in names}:
                names.append(clean)
        self.names = names
        self._full: dict[str, str] = {}
        self._parts: dict[str, str] = {}
        for i, name in enumerate(names, start=1):
            self._full.setdefault(name.casefold(), PLACEHOLDER.format(i))
        # A part shared by two people maps to the first one listed.
        for i, name in enumerate(names, start=1):
            parts = re.findall(r"\w[\w'-]*", name)
            if len(parts) > 1:
                for part in parts:
                    if len(part) >= _MIN_PART:
                        for form in (part[:1].upper() + part[1:], part.upper()):
                            self._parts.setdefault(form, PLACEHOLDER.format(i))
        self._full_re = _bounded(self._full, re.IGNORECASE)
        self._parts_re = _bounded(self._parts)

    @property
    def placeholders(self) -> dict[str, str]:
        """placeholder -> the name it stands for."""
        return {PLACEHOLDER.format(i): n for i, n in enumerate(self.names, start=1)}

    def apply(self, text: str) -> str:
        if self._full_re is not None:
            text = self._full_re.sub(lambda m: self._full[m.group(0).casefold()], text)
        if self._parts_re is not None:
            text = self._parts_re.sub(lambda m: self._parts[m.group(0)], text)
        return text

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


class StreamRestorer:
    """Restores names in a text that arrives in pieces (a streamed answer).

    A placeholder may be split across pieces (``PERS`` + ``ON_1``), so the tail that could
    still become one is held back until the next piece, or :meth:`flush`. The whole text
    so far is restored each time, so the lookarounds see the same context as
    :meth:`Pseudonymiser.restore` on the finished text.
    """

    def __init__(self, pseudonymiser: Pseudonymiser) -> None:
        self._pseud = pseudonymiser
        self._raw = ""
        self._sent = 0  # characters of restored text already handed out

    def feed(self, piece: str) -> str:
        """The restored text that became safe to show with ``piece`` (may be empty)."""
        self._raw += piece
        tail = _PARTIAL_TAIL.search(self._raw)
        return self._take(self._raw[: tail.start()] if tail else self._raw)

    def flush(self) -> str:
        """Whatever is still held back, restored."""
        return self._take(self._raw)

    def _take(self, raw: str) -> str:
        restored = self._pseud.restore(raw)
        new = restored[self._sent :]
        self._sent = max(self._sent, len(restored))
        return new
