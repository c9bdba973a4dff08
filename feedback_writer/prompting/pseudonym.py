"""Provides pseudonymisation: names swapped for placeholders before a remote call.

The subject becomes ``PERSON_1``, every other listed name ``PERSON_2``, ``PERSON_3``...
:func:`pseudonymiser_for_person` builds the one list every path uses (drafting,
regenerating, model-assisted mapping, condensing): the subject, the configured
``pseudonymise`` names and the authors of the person's notes.

What is caught, for each name and each of its parts (``Alex`` and ``Kim`` of ``Alex Kim``):

- the full name in any case on letter boundaries (``alex kim``, ``ALEX KIM``), and its
  possessive (``Alex Kim's``); ``Alex Kims`` or ``Alexander`` are not names;
- joined forms of a full name, either order, any case: ``AlexKim``, ``alex.kim``,
  ``alex_kim``, ``alex-kim``;
- an e-mail address or handle whose local part holds a name part or the initial+surname
  (``alex.kim@example.com``, ``bo.lee@``, ``akim@corp``): the whole address goes;
- a part in any case (``alex``), except a part that is also an everyday English word
  (``Peer``, ``Wood``, ``Will``): those only capitalised or in capitals, and a capitalised
  part also inside CamelCase (``fixedByAlex``);
- an accented name also without its accents (``Tomás``, ``Tomas``).

Restoring turns ``PERSON_1``, ``Person_1`` and ``person_1`` back into the full name as
listed; placeholders never reach storage.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from feedback_writer.errors import NotFoundError

if TYPE_CHECKING:
    from feedback_writer.config import Settings
    from feedback_writer.storage.repository import Repository

PLACEHOLDER = "PERSON_{}"
_PLACEHOLDER_RE = re.compile(r"(?<![0-9_])PERSON_(\d+)(?![0-9])", re.IGNORECASE)
# Name parts this short are too likely to be ordinary words ("Al", "Jo" still count).
_MIN_PART = 2
# The end of a text that may be the start of a placeholder still on its way.
_PARTIAL_TAIL = re.compile(r"P(?:E(?:R(?:S(?:O(?:N(?:_\d*)?)?)?)?)?)?$", re.IGNORECASE)
# While replacing, a placeholder is a sentinel no later pattern can match inside.
_SENTINEL = "\x00{}\x01"
_SENTINEL_RE = re.compile("\x00(\\d+)\x01")
_LETTER = r"[^\W_]"
_BEFORE = rf"(?<!{_LETTER})"
_AFTER = rf"(?!{_LETTER})"
# A capitalised part may also start or end a CamelCase word ("fixedByAlex", "AlexFix").
_CAMEL_BEFORE = rf"(?:{_BEFORE}|(?<=[a-z]))"
_CAMEL_AFTER = r"(?![a-z0-9])"
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+'-]+)@(?:[\w-]+(?:\.[\w-]+)*)?")
_WORDS = re.compile(r"[^\W\d_]+")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Name parts that are also everyday words: hidden in lower case they would hide the word.
COMMON_WORDS = _wordset(
    """
    will mark bill rose may june april august grace hope joy faith art bob jack frank sue
    pat rob ray dean chase hunter cook baker wood woods peer long young brown green white
    black gray grey king hall hill lane park rich fox bird stone field ford major bishop
    page price penny summer autumn dawn eve sky river guy miles max case lead best bond
    coach bell ash bay cash gold little love moon north west law mason walker carter cole
    drew wade gene sol cliff glen reed forest holly iris ivy lily olive violet ruby amber
    jade crystal pearl sunny early worth read nick van von de del da la le di du al
    """
)


def _fold(text: str) -> str:
    """``text`` without accents (``Tomás`` -> ``Tomas``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _variants(text: str) -> set[str]:
    return {text, _fold(text)}


def _compile(
    alternatives: Iterable[str], before: str, after: str, flags: int = 0
) -> re.Pattern[str] | None:
    unique = sorted(set(alternatives), key=len, reverse=True)
    if not unique:
        return None
    body = "|".join(re.escape(a) for a in unique)
    return re.compile(rf"{before}(?:{body}){after}", flags)


class Pseudonymiser:
    """Replaces names with placeholders and back. An empty name list changes nothing."""

    def __init__(self, subject: str, others: Sequence[str] = ()) -> None:
        names: list[str] = []
        for name in [subject, *others]:
            clean = " ".join(str(name).split())
            if clean and clean.casefold() not in {n.casefold() for n in names}:
                names.append(clean)
        self.names = names
        # key (casefolded) -> placeholder number, the first person listed wins a clash.
        self._full: dict[str, int] = {}
        self._any_case_parts: dict[str, int] = {}
        self._capital_parts: dict[str, int] = {}
        self._mail: dict[str, int] = {}
        for i, name in enumerate(names, start=1):
            parts = [p for p in re.findall(r"[^\W_][\w'-]*", name) if len(p) >= _MIN_PART]
            for variant in _variants(name):
                self._full.setdefault(variant.casefold(), i)
            if len(parts) > 1:
                for a, b in ((parts[0], parts[-1]), (parts[-1], parts[0])):
                    for sep in ("", ".", "_", "-"):
                        for v in _variants(a + sep + b):
                            self._full.setdefault(v.casefold(), i)
                for v in _variants(parts[0][0] + parts[-1]):
                    self._mail.setdefault(v.casefold(), i)
            for part in parts if len(parts) > 1 else [name]:
                for v in _variants(part):
                    self._mail.setdefault(v.casefold(), i)
                    if v.casefold() not in COMMON_WORDS or len(parts) == 1:
                        self._any_case_parts.setdefault(v.casefold(), i)
                    self._capital_parts.setdefault(v[:1].upper() + v[1:], i)
                    self._capital_parts.setdefault(v.upper(), i)
        flags = re.IGNORECASE
        self._full_re = _compile(self._full, _BEFORE, _AFTER, flags)
        self._any_re = _compile(self._any_case_parts, _BEFORE, _AFTER, flags)
        self._capital_re = _compile(self._capital_parts, _CAMEL_BEFORE, _CAMEL_AFTER)

    @property
    def placeholders(self) -> dict[str, str]:
        """placeholder -> the name it stands for."""
        return {PLACEHOLDER.format(i): n for i, n in enumerate(self.names, start=1)}

    def _mail_owner(self, local: str) -> int | None:
        words = [w.casefold() for w in _WORDS.findall(local)]
        joined = "".join(words)
        for key in (joined, *words):
            if key in self._mail:
                return self._mail[key]
            if _fold(key) in self._mail:
                return self._mail[_fold(key)]
        return self._full.get(joined)

    def apply(self, text: str) -> str:
        if not self.names:
            return text

        def mail(m: re.Match[str]) -> str:
            owner = self._mail_owner(m.group(1))
            return m.group(0) if owner is None else _SENTINEL.format(owner)

        text = _EMAIL.sub(mail, text)
        if self._full_re is not None:
            full = self._full
            text = self._full_re.sub(lambda m: _SENTINEL.format(full[m.group(0).casefold()]), text)
        if self._any_re is not None:
            parts = self._any_case_parts
            text = self._any_re.sub(lambda m: _SENTINEL.format(parts[m.group(0).casefold()]), text)
        if self._capital_re is not None:
            caps = self._capital_parts
            text = self._capital_re.sub(lambda m: _SENTINEL.format(caps[m.group(0)]), text)
        return _SENTINEL_RE.sub(lambda m: PLACEHOLDER.format(m.group(1)), text)

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

    def apply_data(self, data: Any) -> Any:
        """Every string inside nested dicts and lists pseudonymised (template variables)."""
        if isinstance(data, str):
            return self.apply(data)
        if isinstance(data, list | tuple):
            return [self.apply_data(v) for v in data]
        if isinstance(data, dict):
            return {k: self.apply_data(v) for k, v in data.items()}
        return data

    def restore_data(self, data: Any) -> Any:
        """Every string inside nested dicts and lists restored (for a dumped model)."""
        if isinstance(data, str):
            return self.restore(data)
        if isinstance(data, list):
            return [self.restore_data(v) for v in data]
        if isinstance(data, dict):
            return {k: self.restore_data(v) for k, v in data.items()}
        return data


def names_to_hide(
    subject: str, configured: Iterable[str] = (), authors: Iterable[str | None] = ()
) -> list[str]:
    """The subject first, then the configured names, then note authors, once each."""
    out: list[str] = []
    seen: set[str] = set()
    for name in [subject, *configured, *authors]:
        clean = " ".join(str(name or "").split())
        if clean and clean.casefold() not in seen:
            seen.add(clean.casefold())
            out.append(clean)
    return out


def person_names(repo: Repository, person: str, configured: Iterable[str] = ()) -> list[str]:
    """Every name to hide in a model call about ``person``: the subject, the ``configured``
    names (setting ``pseudonymise``) and the author of each of the person's notes
    (excluded ones too, so a placeholder means the same person in a draft, a later
    regenerate and a mapping run)."""
    try:
        authors = repo.note_authors(person)  # each once, in note order
    except NotFoundError:  # an unknown person has no notes to send either
        authors = []
    return names_to_hide(person, configured, authors)


def pseudonymiser_for_person(repo: Repository, person: str, settings: Settings) -> Pseudonymiser:
    """The one pseudonymiser for every model call about ``person``
    (see :func:`person_names`)."""
    names = person_names(repo, person, settings.pseudonymise)
    return Pseudonymiser(names[0], names[1:])


_CAPITALISED = re.compile(r"(?<![\w.@])[^\W\d_a-z][^\W\d_A-Z]+(?![\w@])")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*|[-*•]\s+|[\"'(]\s*)$")
# Capitalised words that are not names (beyond a sentence's first word).
_NOT_NAMES = _wordset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december i the a an and or but in on
    at to of for with by from this that these those it he she they we you his her their
    our its person notes note candidates shorten answer use names placeholders
    """
)


def unlisted_names(texts: Iterable[str], hide: Pseudonymiser) -> list[str]:
    """Capitalised words in ``texts`` (already pseudonymised) that look like names and are
    sent as they are: a hint for ``--dry-run`` (``Priya, Tomás``). A word counts when it
    appears other than as a sentence's first word and is not a known non-name."""
    found: dict[str, None] = {}
    for text in texts:
        for m in _CAPITALISED.finditer(text):
            word = m.group(0)
            if word.casefold() in _NOT_NAMES or word.casefold() in COMMON_WORDS:
                continue
            if _SENTENCE_START.search(text[: m.start()]):
                continue
            if hide.apply(word) != word:
                continue
            found.setdefault(word)
    return list(found)


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
