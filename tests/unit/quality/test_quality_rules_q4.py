"""The rule data added after the q4 set: each with failing examples and the innocent uses
that must stay clean (the full check, shipped rules and models)."""

from __future__ import annotations

import pytest

from tests.unit.quality.categories import cats

FLAGGED = [
    # Failures of one's own work in general words, with no next step.
    ("My code reviews were slower than they should have been this half.", "no-next-step", "self"),
    ("Rosa's handoff notes often leave out in-flight deploys.", "no-next-step", "manager"),
    ("Dong-hyun's changes introduced three regressions.", "no-next-step", "manager"),
    ("The flow Marek built confused users; completion fell.", "no-next-step", "manager"),
    ("Esther's service paged more than any other on the team.", "no-next-step", "manager"),
    ("Kofi is never prepared for sprint planning.", "no-next-step", "manager"),
    ("Jakub is too aggressive in code reviews.", "no-next-step", "manager"),
    ("Arnav always seems distracted in one-on-ones.", "no-next-step", "manager"),
    ("Honestly, Paolo is just not a culture fit for this team.", "no-next-step", "manager"),
    ("Pierre always has an excuse when a deliverable is late.", "no-next-step", "manager"),
]

CLEAN = [
    # A problem found and fixed, or made to go away, is no failure.
    (
        "Shreya spotted that the login form didn't work with password managers, fixed the "
        "autocomplete attributes, and login failures fell by 9%.",
        "no-next-step",
        "manager",
    ),
    (
        "Ike ran the first game day; it surfaced two untested failover paths, which he fixed.",
        "no-next-step",
        "manager",
    ),
    (
        "I added idempotency keys so reruns no longer create duplicate rows.",
        "no-next-step",
        "self",
    ),
    (
        "Gao replaced the scheduler, and missed job runs fell from 15 a month to none.",
        "no-next-step",
        "manager",
    ),
    # A step already taken or asked of the person.
    (
        "I didn't write enough tests early on; since July I've required a failing test "
        "with every bug fix.",
        "no-next-step",
        "self",
    ),
    (
        "Farid is stubborn in reviews; I want him to write down what evidence would change "
        "his mind.",
        "no-next-step",
        "manager",
    ),
    # Innocent uses of the new wording.
    ("None of Jorge's 18 PRs caused an incident.", "no-next-step", "manager"),
    ("Our nightly job often skips weekends by design.", "no-next-step", "manager"),
    ("The pager was too aggressive, so Lea tuned the thresholds.", "no-next-step", "manager"),
]


@pytest.mark.parametrize(("text", "category", "mode"), FLAGGED)
def test_flagged(text: str, category: str, mode: str) -> None:
    assert category in cats(text, mode)


@pytest.mark.parametrize(("text", "category", "mode"), CLEAN)
def test_clean(text: str, category: str, mode: str) -> None:
    assert category not in cats(text, mode)


TRAIT_AND_VAGUE_FLAGGED = [
    ("Mirela acts like a control freak about the release process.", "trait"),
    ("Emil has a chip on his shoulder.", "trait"),
    ("Björn is a genuinely warm and generous person.", "trait"),
    ("Tyler needs to get better at estimating.", "vague"),
    ("I need to get better at estimating.", "vague"),
]

TRAIT_AND_VAGUE_CLEAN = [
    # A product name before a system noun: the word is about the thing.
    (
        "Lucía cut flaky Cypress failures by replacing fixed sleeps with network-idle waits.",
        "trait",
    ),
    ("Ana set a generous timeout on the export job.", "trait"),
    ("Ben was generous with his time during onboarding week, pairing on 6 deploys.", "trait"),
    ("The chip on the payments board was replaced.", "trait"),
    # A growth point with its evidence is not vague.
    (
        "I need to get better at estimating: three of my five tickets this quarter ran over "
        "by more than a week, so I now split work into tasks under two days.",
        "vague",
    ),
]


@pytest.mark.parametrize(("text", "category"), TRAIT_AND_VAGUE_FLAGGED)
def test_trait_and_vague_flagged(text: str, category: str) -> None:
    assert category in cats(text)


@pytest.mark.parametrize(("text", "category"), TRAIT_AND_VAGUE_CLEAN)
def test_trait_and_vague_clean(text: str, category: str) -> None:
    assert category not in cats(text)
