"""Provides the mapping service tests' shared data: the tiny ladder's path and notes."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
TINY = HERE / "tiny-ladder.yaml"

NOTES = [
    "Led the outage response and wrote the postmortem",
    "Improved the runbook for the billing service",
    "Mentored the new hire through pairing sessions",
    "Took two weeks of holiday in August",
    "Paged twice and ignored the pager, incident dragged on",
]
