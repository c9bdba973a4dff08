"""Provides the people of the workspace and their review cycles."""

from __future__ import annotations

import datetime as dt
import sqlite3

from feedback_writer.errors import NotFoundError, UsageError
from feedback_writer.storage.db import Database, day, now
from feedback_writer.storage.records import Cycle, Person


def _person(row: sqlite3.Row) -> Person:
    return Person(
        row["id"],
        row["name"],
        row["current_level"],
        row["target_level"],
        row["mode"],
        dt.datetime.fromisoformat(row["created_at"]),
    )


class PeopleStore(Database):
    """People (created on first use) and the cycles they are reviewed in."""

    def list_people(self) -> list[Person]:
        return [_person(r) for r in self._all("SELECT * FROM people ORDER BY name")]

    def find_person(self, name: str) -> Person | None:
        """The person called ``name``: the exact name first, then ignoring case (so
        "dana whitfield" finds "Dana Whitfield"); None when nobody matches. Two people
        matching only ignoring case is an error that lists them."""
        name = name.strip()
        row = self._one("SELECT * FROM people WHERE name = ?", (name,))
        if row:
            return _person(row)
        folded = name.casefold()
        matches = [p for p in self.list_people() if p.name.casefold() == folded]
        if len(matches) > 1:
            names = ", ".join(f"'{p.name}'" for p in matches)
            raise UsageError(
                f"'{name}' could be any of {names}", hint="give the name exactly as stored"
            )
        return matches[0] if matches else None

    def get_person(self, name: str) -> Person:
        person = self.find_person(name)
        if person is None:
            known = ", ".join(p.name for p in self.list_people()) or "none yet"
            raise NotFoundError(f"no person named '{name}' (people: {known})")
        return person

    def ensure_person(self, name: str) -> Person:
        name = name.strip()
        if not name:
            raise UsageError("a person needs a name")
        with self.transaction() as db:
            if self.find_person(name) is None:
                db.execute(
                    "INSERT OR IGNORE INTO people (name, created_at) VALUES (?, ?)",
                    (name, now().isoformat()),
                )
        return self.get_person(name)

    def rename_person(self, old: str, new: str) -> Person:
        """Give a person another name; their notes, drafts and cycles go with them."""
        new = new.strip()
        if not new:
            raise UsageError("a person needs a name")
        with self.transaction() as db:
            person = self.get_person(old)
            other = self.find_person(new)
            if other is not None and other.id != person.id:
                raise UsageError(f"there is already a person named '{other.name}'")
            db.execute("UPDATE people SET name = ? WHERE id = ?", (new, person.id))
        return self.get_person(new)

    def person_footprint(self, name: str) -> tuple[int, int]:
        """(notes, drafts) of a person: what removing them removes too."""
        p = self.get_person(name)
        notes = self._one("SELECT count(*) FROM notes WHERE person_id = ?", (p.id,))
        drafts = self._one("SELECT count(*) FROM drafts WHERE person_id = ?", (p.id,))
        return (notes[0] if notes else 0, drafts[0] if drafts else 0)

    def remove_person(self, name: str) -> tuple[int, int]:
        """Remove a person with their notes (and evidence), drafts and cycles, in one
        transaction; returns the (notes, drafts) removed."""
        with self.transaction() as db:
            person = self.get_person(name)
            removed = self.person_footprint(person.name)
            db.execute("DELETE FROM people WHERE id = ?", (person.id,))
        return removed

    def update_person(
        self,
        name: str,
        *,
        current_level: str | None = None,
        target_level: str | None = None,
        mode: str | None = None,
    ) -> Person:
        person = self.ensure_person(name)
        with self.transaction() as db:
            db.execute(
                "UPDATE people SET current_level = coalesce(?, current_level), "
                "target_level = coalesce(?, target_level), mode = coalesce(?, mode) "
                "WHERE id = ?",
                (current_level, target_level, mode, person.id),
            )
        return self.get_person(name)

    def start_cycle(
        self, person: str, name: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> Cycle:
        p = self.ensure_person(person)
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO cycles (person_id, name, start_date, end_date, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    p.id,
                    name,
                    start.isoformat() if start else None,
                    end.isoformat() if end else None,
                    now().isoformat(),
                ),
            )
        return Cycle(int(cur.lastrowid or 0), p.id, name, start, end)

    def current_cycle(self, person: str) -> Cycle | None:
        p = self.get_person(person)
        row = self._one(
            "SELECT * FROM cycles WHERE person_id = ? ORDER BY id DESC LIMIT 1", (p.id,)
        )
        if row is None:
            return None
        return Cycle(row["id"], p.id, row["name"], day(row["start_date"]), day(row["end_date"]))
