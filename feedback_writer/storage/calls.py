"""Provides the log of model calls: one row per HTTP attempt, never an API key."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from feedback_writer.storage.db import Database, now
from feedback_writer.storage.records import CallLogRecord


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
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO model_calls (at, model, provider, purpose, prompt_tokens, "
                "completion_tokens, cost_usd, latency_ms, request, response, error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    now().isoformat(),
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
                ),
            )

    def list_calls(self, limit: int = 50) -> list[CallLogRecord]:
        rows = self._all("SELECT * FROM model_calls ORDER BY id DESC LIMIT ?", (limit,))
        return [
            CallLogRecord(
                r["id"],
                dt.datetime.fromisoformat(r["at"]),
                r["model"],
                r["provider"],
                r["purpose"],
                r["prompt_tokens"],
                r["completion_tokens"],
                r["cost_usd"],
                r["latency_ms"],
                json.loads(r["request"]),
                r["response"],
                r["error"],
            )
            for r in rows
        ]
