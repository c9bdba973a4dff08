"""Provides evaluation of a matcher on labelled notes: top-1/top-3 competency accuracy, level
within one, the no-evidence abstain rate and polarity accuracy.

A labelled notes file is JSON Lines, one note a line::

    {"id": "d001", "text": "...", "competencies": ["ai", "ownership"], "level": "junior",
     "polarity": "+"}

``competencies`` lists the acceptable competencies, primary first; empty means the note shows
no ladder evidence. ``polarity`` is ``"+"`` or ``"-"`` (or null for no-evidence notes).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from feedback_writer.errors import UsageError
from feedback_writer.ladder.model import Ladder
from feedback_writer.mapping.matcher import Match

# Enough ranked expectations to see several competencies even when one dominates the top.
_RANK_DEPTH = 60

_POLARITY = {"+": "positive", "-": "negative", "positive": "positive", "negative": "negative"}


class SupportsMatch(Protocol):
    """What :func:`evaluate` needs: a ladder and a ``match`` method (the matcher, a baseline)."""

    ladder: Ladder

    def match(self, text: str, top_k: int = 5) -> list[Match]: ...


@dataclass
class LabelledNote:
    """A note with the answer a reader would give."""

    id: str
    text: str
    competencies: list[str]
    level: str | None = None
    polarity: str | None = None

    @property
    def has_evidence(self) -> bool:
        return bool(self.competencies)


def _bad(path: Path, line: int, why: str) -> UsageError:
    return UsageError(
        f"{path}:{line}: {why}",
        hint='each line is {"id", "text", "competencies": [...], "level", "polarity"}',
    )


def load_labelled(path: str | Path) -> list[LabelledNote]:
    """Read a labelled notes file; a bad line raises :class:`UsageError` naming file:line."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UsageError(f"{p}: no such labelled notes file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{p}: cannot read: {exc}") from None
    notes: list[LabelledNote] = []
    seen: set[str] = set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _bad(p, n, f"invalid JSON: {exc.msg}") from None
        except RecursionError:
            raise _bad(p, n, "invalid JSON: nested too deeply") from None
        except ValueError as exc:  # an integer past Python's digit limit
            raise _bad(p, n, f"invalid JSON: {str(exc).split(';')[0]}") from None
        if not isinstance(row, dict):
            raise _bad(p, n, "a line must be a JSON object")
        text, comps = row.get("text"), row.get("competencies", [])
        if not isinstance(text, str) or not text.strip():
            raise _bad(p, n, "'text' must be a non-empty string")
        if not isinstance(comps, list) or not all(isinstance(c, str) for c in comps):
            raise _bad(p, n, "'competencies' must be a list of competency slugs")
        level, polarity = row.get("level"), row.get("polarity")
        if level is not None and not isinstance(level, str):
            raise _bad(p, n, "'level' must be a level slug or null")
        if polarity is not None and polarity not in _POLARITY:
            raise _bad(p, n, f"'polarity' must be '+', '-' or null, not {polarity!r}")
        note_id = str(row.get("id") or f"line{n}")
        if note_id in seen:
            raise _bad(p, n, f"duplicate id '{note_id}'")
        seen.add(note_id)
        notes.append(LabelledNote(note_id, text, list(comps), level, polarity))
    return notes


@dataclass
class EvalReport:
    """Figures of one evaluation. Rates are over evidence notes unless the name says not."""

    n: int
    evidence: int
    top1: float
    top3: float
    level_within_one: float
    no_evidence_total: int
    no_evidence_unmatched: int
    polarity_accuracy: float
    """Over matched evidence notes with a polarity label: the best match's polarity."""
    evidence_unmatched: int
    """Evidence notes the matcher wrongly left without a match."""
    misses: list[str] = field(default_factory=list)
    """Ids of evidence notes whose top-1 competency is wrong, or no-evidence notes matched."""

    @property
    def no_evidence_rate(self) -> float:
        """Share of no-evidence notes left unmatched (1.0 when there are none)."""
        if not self.no_evidence_total:
            return 1.0
        return self.no_evidence_unmatched / self.no_evidence_total

    def format_table(self) -> str:
        rows = [
            ("notes", f"{self.n} ({self.evidence} with evidence)"),
            ("competency top-1", f"{self.top1:.3f}"),
            ("competency top-3", f"{self.top3:.3f}"),
            ("level within one", f"{self.level_within_one:.3f}"),
            (
                "no-evidence unmatched",
                f"{self.no_evidence_unmatched}/{self.no_evidence_total}"
                f" ({self.no_evidence_rate:.3f})",
            ),
            ("evidence notes unmatched", str(self.evidence_unmatched)),
            ("polarity accuracy", f"{self.polarity_accuracy:.3f}"),
        ]
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["no_evidence_rate"] = self.no_evidence_rate
        return out


def _ranked_competencies(matches: list[Match]) -> list[str]:
    return list(dict.fromkeys(m.competency for m in matches))


def evaluate(matcher: SupportsMatch, notes: list[LabelledNote]) -> EvalReport:
    """Score ``matcher`` on ``notes``; see the module docstring for the figures' meaning."""
    levels = matcher.ladder.level_slugs
    evidence = [n for n in notes if n.has_evidence]
    top1 = top3 = level_ok = polarity_ok = polarity_n = unmatched = 0
    no_ev_unmatched = 0
    misses: list[str] = []
    for note in notes:
        matches = matcher.match(note.text, top_k=_RANK_DEPTH)
        if not note.has_evidence:
            if matches:
                misses.append(note.id)
            else:
                no_ev_unmatched += 1
            continue
        if not matches:
            unmatched += 1
            misses.append(note.id)
            continue
        ranked = _ranked_competencies(matches)
        if ranked[0] in note.competencies:
            top1 += 1
        else:
            misses.append(note.id)
        if set(ranked[:3]) & set(note.competencies):
            top3 += 1
        best = next((m for m in matches if m.competency in note.competencies), None)
        if (
            best is not None
            and note.level in levels
            and abs(levels.index(best.level) - levels.index(note.level)) <= 1
        ):
            level_ok += 1
        if note.polarity in _POLARITY:
            polarity_n += 1
            if matches[0].polarity == _POLARITY[note.polarity]:
                polarity_ok += 1
    n_ev = len(evidence) or 1
    return EvalReport(
        n=len(notes),
        evidence=len(evidence),
        top1=top1 / n_ev,
        top3=top3 / n_ev,
        level_within_one=level_ok / n_ev,
        no_evidence_total=len(notes) - len(evidence),
        no_evidence_unmatched=no_ev_unmatched,
        polarity_accuracy=polarity_ok / (polarity_n or 1),
        evidence_unmatched=unmatched,
        misses=misses,
    )
