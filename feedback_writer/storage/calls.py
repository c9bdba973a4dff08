"""Provides the log of model calls: one row per HTTP attempt, never an API key."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from feedback_writer.errors import NotFoundError
from feedback_writer.storage.db import Database, now
from feedback_writer.storage.records import CallRecord


class CallLog(Database):
    """Every model call the gateway made, newest first when read back."""

    def log_call(
        self,
        *,
        model: str,
        provider: str,
        purpose: str,
        prompt_tokens: int | None,
        completion_tokens: int | None,
        cost_usd: float | None,
        latency_ms: float,
        request: dict[str, Any],
        response: str | None,
        error: str | None,
        at: dt.datetime | None = None,
        id: int | None = None,  # a CallRecord field: asdict() passes it
        person: str | None = None,
    ) -> None:
        """Log one call; takes ``**asdict(record)`` of a :class:`CallRecord`.

        ``at`` defaults to now; ``id`` is not used, the log numbers its own rows. ``person``
        is who the call was about: removing them removes the call too.
        """
        with self.transaction() as db:
            found = (
                db.execute("SELECT id FROM people WHERE name = ?", (person,)).fetchone()
                if person is not None
                else None
            )
            db.execute(
                "INSERT INTO model_calls (at, model, provider, purpose, prompt_tokens, "
                "completion_tokens, cost_usd, latency_ms, request, response, error, person_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (at or now()).isoformat(),
                    model,
                    provider,
                    purpose,
                    prompt_tokens,
                    completion_tokens,
                    cost_usd,
                    latency_ms,
                    json.dumps(request, default=str),
                    response,
                    error,
                    found[0] if found else None,
                ),
            )

    def count_calls_about(self, person: str) -> int:
        """How many logged model calls were about ``person`` (removed with them)."""
        row = self._one(
            "SELECT count(*) FROM model_calls c JOIN people p ON p.id = c.person_id "
            "WHERE p.name = ?",
            (person,),
        )
        return int(row[0]) if row else 0

    def list_calls(self, limit: int = 50) -> list[CallRecord]:
        rows = self._all("SELECT * FROM model_calls ORDER BY id DESC LIMIT ?", (limit,))
        return [_record(r) for r in rows]

    def get_call(self, call_id: int) -> CallRecord:
        """One logged call, exactly as stored; NotFoundError for an unknown id."""
        row = self._one("SELECT * FROM model_calls WHERE id = ?", (call_id,))
        if row is None:
            raise NotFoundError(
                f"no model call {call_id} in the log", hint="list them with: feedback-writer log"
            )
        return _record(row)


def _record(r: sqlite3.Row) -> CallRecord:
    return CallRecord(
        model=r["model"],
        provider=r["provider"],
        purpose=r["purpose"],
        prompt_tokens=r["prompt_tokens"],
        completion_tokens=r["completion_tokens"],
        cost_usd=r["cost_usd"],
        latency_ms=r["latency_ms"],
        request=json.loads(r["request"]),
        response=r["response"],
        error=r["error"],
        at=dt.datetime.fromisoformat(r["at"]),
        id=r["id"],
    )
