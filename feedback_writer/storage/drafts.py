"""Provides drafts, their sections, and each section's edit history."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from feedback_writer.errors import NotFoundError
from feedback_writer.storage.db import now, timestamp
from feedback_writer.storage.people import PeopleStore
from feedback_writer.storage.records import DraftRecord, EditRecord, SectionRecord

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
                db.execute(
                    "INSERT INTO sections (draft_id, key, title, position, model_text, "
                    "human_text) VALUES (?, ?, ?, ?, ?, ?)",
                    (draft_id, key, title, position, text, text),
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
        self, section_id: int, text: str, *, actor: str, counts_as_edit: bool
    ) -> SectionRecord:
        """Store a section's new text and its history row; ``counts_as_edit`` is decided
        by the review rules, never here."""
        stamp = now().isoformat()
        with self.transaction() as db:
            row = db.execute("SELECT * FROM sections WHERE id = ?", (section_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no section {section_id}")
            db.execute(
                "INSERT INTO section_edits (section_id, at, actor, before, after) "
                "VALUES (?, ?, ?, ?, ?)",
                (section_id, stamp, actor, row["human_text"], text),
            )
            db.execute(
                "UPDATE sections SET human_text = ?, "
                "edited_at = CASE WHEN ? THEN ? ELSE edited_at END WHERE id = ?",
                (text, int(counts_as_edit), stamp, section_id),
            )
            row = db.execute("SELECT * FROM sections WHERE id = ?", (section_id,)).fetchone()
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

    def section_history(self, section_id: int) -> list[EditRecord]:
        rows = self._all(
            "SELECT * FROM section_edits WHERE section_id = ? ORDER BY id", (section_id,)
        )
        return [
            EditRecord(
                r["section_id"],
                dt.datetime.fromisoformat(r["at"]),
                r["actor"],
                r["before"],
                r["after"],
            )
            for r in rows
        ]
