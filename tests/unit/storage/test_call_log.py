"""The call log: the gateway's CallRecord goes in and comes back with its row id and time."""

from __future__ import annotations

from dataclasses import asdict, replace

from feedback_writer.llm.gateway import CallRecord as GatewayCallRecord
from feedback_writer.storage.records import CallRecord


def _record(**changes: object) -> CallRecord:
    base = CallRecord(
        model="gpt-4o-mini",
        provider="openai",
        purpose="map",
        prompt_tokens=30,
        completion_tokens=12,
        cost_usd=None,
        latency_ms=410.0,
        request={"messages": [{"role": "user", "content": "map n1"}], "params": {}},
        response='{"matches": []}',
        error=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_gateway_and_the_log_share_one_record_type():
    assert GatewayCallRecord is CallRecord


def test_a_gateway_record_round_trips_through_the_log(repo):
    sent = _record()
    repo.log_call(**asdict(sent))  # as mapping and drafting log it
    (got,) = repo.list_calls()
    assert got.id == 1 and got.at is not None
    assert replace(got, id=None, at=None) == sent


def test_a_logged_record_logged_again_gets_a_new_row(repo):
    repo.log_call(**asdict(_record(error="RateLimitError: slow down", response=None)))
    (first,) = repo.list_calls()
    repo.log_call(**asdict(first))
    newest, oldest = repo.list_calls()
    assert (newest.id, oldest.id) == (2, 1)
    assert newest.at == first.at and newest.error == "RateLimitError: slow down"
