"""Provides drafts, their sections, and every version of each section's text.

A section's row holds its current text (``human_text``), its latest drafter text
(``model_text``) and its current version number; ``section_versions`` keeps every text
any drafter or human gave it, with actor and time, including saves refused as stale.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from feedback_writer.errors import NotFoundError, SaveConflict
from feedback_writer.storage.db import now, timestamp
from feedback_writer.storage.people import PeopleStore
from feedback_writer.storage.records import (
    DraftRecord,
    EditRecord,
    SectionRecord,
    VersionKind,
    VersionRecord,
)

SectionChange = tuple[int, str, str, bool, int | None]
"""(section id, new text, actor, counts as an edit, version it was based on or None)."""


def _kind(actor: str) -> VersionKind:
    if actor.startswith("drafter:"):
        return "drafter"
    return "human" if actor == "human" else "other"


_DRAFT_SQL = (
    "SELECT drafts.*, people.name AS person_name FROM drafts "
    "JOIN people ON people.id = drafts.person_id "
)


def _draft(row: sqlite3.Row) -> DraftRecord:
    return DraftRecord(
        row["id"],
        row["person_name"],
        row["mode"],
        row["drafter"],
        row["model"],
        row["template_hash"],
        row["ladder_name"],
        row["ladder_version"],
        dt.datetime.fromisoformat(row["created_at"]),
        json.loads(row["content"]),
        json.loads(row["meta"]),
    )


def _section(row: sqlite3.Row) -> SectionRecord:
    return SectionRecord(
        row["id"],
        row["draft_id"],
        row["key"],
        row["title"],
        row["position"],
        row["model_text"],
        row["human_text"],
        timestamp(row["edited_at"]),
        timestamp(row["approved_at"]),
        row["version"],
    )


class DraftStore(PeopleStore):
    """Drafts keep the model's text beside the human's; every change leaves a history row."""

    def save_draft(
        self,
        person: str,
        *,
        mode: str,
        drafter: str,
        model: str | None,
        template_hash: str | None,
        ladder_name: str,
        ladder_version: str,
        content: dict[str, Any],
        sections: Sequence[tuple[str, str, str]],
        meta: dict[str, Any] | None = None,
    ) -> DraftRecord:
        """Store a draft and its sections (key, title, text) in one transaction."""
        p = self.ensure_person(person)
        stamp = now().isoformat()
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO drafts (person_id, mode, drafter, model, template_hash, "
                "ladder_name, ladder_version, content, meta, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    p.id,
                    mode,
                    drafter,
                    model,
                    template_hash,
                    ladder_name,
                    ladder_version,
                    json.dumps(content),
                    json.dumps(meta or {}),
                    stamp,
                ),
            )
            draft_id = int(cur.lastrowid or 0)
            for position, (key, title, text) in enumerate(sections):
                cur = db.execute(
                    "INSERT INTO sections (draft_id, key, title, position, model_text, "
                    "human_text, version) VALUES (?, ?, ?, ?, ?, ?, 1)",
                    (draft_id, key, title, position, text, text),
                )
                db.execute(
                    "INSERT INTO section_versions (section_id, number, kind, actor, text, "
                    "at) VALUES (?, 1, 'drafter', ?, ?, ?)",
                    (cur.lastrowid, f"drafter:{drafter}", text, stamp),
                )
        return self.get_draft(draft_id)

    def get_draft(self, draft_id: int) -> DraftRecord:
        row = self._one(_DRAFT_SQL + "WHERE drafts.id = ?", (draft_id,))
        if row is None:
            raise NotFoundError(f"no draft {draft_id}")
        return _draft(row)

    def latest_draft(self, person: str) -> DraftRecord:
        p = self.get_person(person)
        row = self._one(
            _DRAFT_SQL + "WHERE drafts.person_id = ? ORDER BY drafts.id DESC LIMIT 1",
            (p.id,),
        )
        if row is None:
            raise NotFoundError(
                f"no draft for '{person}' yet",
                hint=f"create one with: feedback-writer draft --person '{person}'",
            )
        return _draft(row)

    def sections(self, draft_id: int) -> list[SectionRecord]:
        rows = self._all("SELECT * FROM sections WHERE draft_id = ? ORDER BY position", (draft_id,))
        return [_section(r) for r in rows]

    def section(self, draft_id: int, key: str) -> SectionRecord:
        row = self._one("SELECT * FROM sections WHERE draft_id = ? AND key = ?", (draft_id, key))
        if row is None:
            keys = ", ".join(s.key for s in self.sections(draft_id))
            raise NotFoundError(f"no section '{key}' in draft {draft_id} (sections: {keys})")
        return _section(row)

    def record_section_text(
        self,
        section_id: int,
        text: str,
        *,
        actor: str,
        counts_as_edit: bool = False,
        based_on: int | None = None,
    ) -> SectionRecord:
        """Store a section's new text as its next version; ``counts_as_edit`` is decided
        by the review rules, never here. An actor ``drafter:<name>`` adds a drafter
        version (the section's drafter text). ``based_on`` is the version the writer saw:
        when the section has moved on since, the text is kept as a stale version and
        :class:`SaveConflict` is raised (None: no check, for callers holding no version)."""
        return self.record_section_texts([(section_id, text, actor, counts_as_edit, based_on)])[0]

    def record_section_texts(self, changes: Sequence[SectionChange]) -> list[SectionRecord]:
        """Several sections' new texts in ONE transaction: all are stored, or none is.

        A stale change (see :meth:`record_section_text`) refuses the whole batch; the
        stale texts are kept in their sections' histories and :class:`SaveConflict`
        lists each with the newer text.
        """
        stamp = now().isoformat()
        conflicts: list[dict[str, Any]] = []
        with self.transaction() as db:
            rows = []
            for section_id, _text, _actor, _counts, based_on in changes:
                row = db.execute("SELECT * FROM sections WHERE id = ?", (section_id,)).fetchone()
                if row is None:
                    raise NotFoundError(f"no section {section_id}")
                rows.append(row)
                if based_on is not None and based_on != row["version"]:
                    conflicts.append({"row": row, "based_on": based_on})
            if not conflicts:
                for row, (section_id, text, actor, counts, based_on) in zip(
                    rows, changes, strict=True
                ):
                    self._add_version(db, row, text, actor, stamp, based_on, stale=False)
                    drafter = _kind(actor) == "drafter"
                    db.execute(
                        "UPDATE sections SET human_text = ?, version = version + 1, "
                        "model_text = CASE WHEN ? THEN ? ELSE model_text END, "
                        "edited_at = CASE WHEN ? THEN ? ELSE edited_at END WHERE id = ?",
                        (text, int(drafter), text, int(counts), stamp, section_id),
                    )
        if conflicts:
            self._keep_stale(conflicts, changes, stamp)
        return [self._section_by_id(c[0]) for c in changes]

    def _keep_stale(
        self, conflicts: list[dict[str, Any]], changes: Sequence[SectionChange], stamp: str
    ) -> None:
        """Keep refused texts as stale versions (their own transaction), then raise."""
        texts = {c[0]: (c[1], c[2]) for c in changes}
        out = []
        with self.transaction() as db:
            for c in conflicts:
                row = db.execute(
                    "SELECT * FROM sections WHERE id = ?", (c["row"]["id"],)
                ).fetchone()
                text, actor = texts[row["id"]]
                kept = self._add_version(db, row, text, actor, stamp, c["based_on"], stale=True)
                head = db.execute(
                    "SELECT actor FROM section_versions WHERE section_id = ? AND number = ?",
                    (row["id"], row["version"]),
                ).fetchone()
                out.append(
                    {
                        "key": row["key"],
                        "section_id": row["id"],
                        "based_on": c["based_on"],
                        "current": row["version"],
                        "actor": head["actor"] if head else "unknown",
                        "text": row["human_text"],
                        "kept": kept,
                    }
                )
        raise SaveConflict(out)

    @staticmethod
    def _add_version(
        db: sqlite3.Connection,
        row: sqlite3.Row,
        text: str,
        actor: str,
        stamp: str,
        based_on: int | None,
        *,
        stale: bool,
    ) -> int:
        number = int(
            db.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM section_versions WHERE section_id = ?",
                (row["id"],),
            ).fetchone()[0]
        )
        db.execute(
            "INSERT INTO section_versions (section_id, number, kind, actor, text, at, "
            "based_on, stale) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (row["id"], number, _kind(actor), actor, text, stamp, based_on, int(stale)),
        )
        return number

    def _section_by_id(self, section_id: int) -> SectionRecord:
        row = self._one("SELECT * FROM sections WHERE id = ?", (section_id,))
        if row is None:
            raise NotFoundError(f"no section {section_id}")
        return _section(row)

    def approve_section(self, section_id: int) -> SectionRecord:
        stamp = now().isoformat()
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE sections SET approved_at = ? WHERE id = ?", (stamp, section_id)
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no section {section_id}")
            row = db.execute("SELECT * FROM sections WHERE id = ?", (section_id,)).fetchone()
        return _section(row)

    def section_versions(self, section_id: int) -> list[VersionRecord]:
        """Every version of a section, oldest first, stale ones included."""
        rows = self._all(
            "SELECT * FROM section_versions WHERE section_id = ? ORDER BY number", (section_id,)
        )
        return [
            VersionRecord(
                r["section_id"],
                r["number"],
                r["kind"],
                r["actor"],
                r["text"],
                dt.datetime.fromisoformat(r["at"]),
                r["based_on"],
                bool(r["stale"]),
            )
            for r in rows
        ]

    def section_history(self, section_id: int) -> list[EditRecord]:
        """Each change that became current: who, when, the text before and after."""
        kept = [v for v in self.section_versions(section_id) if not v.stale]
        return [
            EditRecord(section_id, v.at, v.actor, prev.text, v.text)
            for prev, v in itertools.pairwise(kept)
        ]

    def drafts_for(self, person: str) -> list[DraftRecord]:
        """Every draft of ``person``, newest first."""
        p = self.get_person(person)
        rows = self._all(_DRAFT_SQL + "WHERE drafts.person_id = ? ORDER BY drafts.id DESC", (p.id,))
        return [_draft(r) for r in rows]
