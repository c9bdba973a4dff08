"""Provides the evidence and people CLI tests' shared data: the notes, the person."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import Result

NOTES = [
    "Led the incident review for the payments outage and wrote the postmortem",
    "Improved the on-call runbooks after the database failover drill",
    "Mentored two junior engineers through their first code reviews",
    "Shipped the billing export behind a feature flag, on time, with tests",
    "Wrote the design doc for the new ledger and got sign-off from three teams",
]
PERSON = "Dana Whitfield"

Run = Callable[..., Result]
