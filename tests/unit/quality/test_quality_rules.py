"""Each word-list rule: failing examples, clean ones, and the innocent uses it must leave."""

from __future__ import annotations

import pytest

from feedback_writer.quality import check_text
from tests.unit.quality.categories import cats

FLAGGED = [
    ("trait", "She can be abrasive with reviewers.", "manager"),
    ("trait", "Marcus is bossy in planning meetings.", "manager"),
    ("trait", "Comes across as arrogant to newer engineers.", "manager"),
    ("trait", "Honestly, she's just not a culture fit here.", "manager"),
    ("trait", "He has a great attitude.", "manager"),
    ("vague", "Great job this year!", "manager"),
    ("vague", "Sam is a real team player.", "manager"),
    ("vague", "Needs to step up.", "manager"),
    ("vague", "Solid performer overall.", "manager"),
    ("absolute", "He always interrupts people in standup.", "manager"),
    ("absolute", "Never asks for help.", "manager"),
    ("absolute", "She is maybe a bit too quiet in design reviews.", "manager"),
    ("absolute", "Her code reviews are always late.", "manager"),
    ("hype", "She spearheaded the migration to Kubernetes.", "manager"),
    ("hype", "Priya leveraged cross-team synergies to deliver value.", "manager"),
    ("hype", "He was instrumental in the launch.", "manager"),
    ("hype", "Her dashboard was a game-changer for support.", "manager"),
    ("team-credit", "The team shipped the new checkout flow in Q2.", "manager"),
    ("team-credit", "We delivered the data platform two weeks early.", "self"),
    ("no-next-step", "She needs to communicate better.", "manager"),
    ("no-next-step", "Delegation is a growth area for her.", "manager"),
    ("gendered", "She's bubbly and keeps the mood light.", "manager"),
    ("gendered", "He wrote the postmortem. She then presented it at the all-hands.", "manager"),
    ("person", "He led the migration and he wrote the docs.", "self"),
    ("person", "You handled the outage calmly. He then wrote the postmortem.", "manager"),
]

INNOCENT = [
    ("trait", "She turned on aggressive caching for the catalog API.", "manager"),
    ("trait", "The Q3 deadline was aggressive, so she cut scope on day one.", "manager"),
    ("trait", "She took on a difficult migration and finished it early.", "manager"),
    ("trait", "It was difficult for her to get time with the vendor.", "manager"),
    (
        "vague",
        "Great job on the billing migration: batch time fell from 3 hours to 40 min.",
        "manager",
    ),
    ("absolute", "The job always runs at 2 am.", "manager"),
    ("absolute", "The alert always fires at 3 am because of the batch import.", "manager"),
    ("absolute", "She fixed the alert that always fired at night.", "manager"),
    ("absolute", "This kind of bug is hard to reproduce.", "manager"),
    ("absolute", "She has run every sprint retro since March.", "manager"),
    ("absolute", "Latency was a bit high in March until he added the cache.", "manager"),
    ("hype", "She led the move to Kubernetes and wrote the rollback plan.", "manager"),
    ("team-credit", "She helped the team ship the checkout flow.", "manager"),
    ("team-credit", "The team, led by Priya, shipped the new search.", "manager"),
    ("team-credit", "I wrote the migration scripts for the new data platform.", "self"),
    (
        "no-next-step",
        "Next quarter she should write a design doc and review it with a staff engineer.",
        "manager",
    ),
    ("no-next-step", "The test should pass on main.", "manager"),
    ("no-next-step", "We should have caught this earlier.", "manager"),
    (
        "gendered",
        "She paired with Tom on the parser; he said her tests caught two bugs.",
        "manager",
    ),
    ("gendered", "He paired with his manager, who said she was impressed.", "manager"),
    ("person", "I paired with Ana; she showed me the profiler.", "self"),
    ("person", "You cut the deploy time from 40 to 12 minutes.", "manager"),
]


@pytest.mark.parametrize(("category", "text", "mode"), FLAGGED)
def test_flagged(category: str, text: str, mode: str) -> None:
    assert category in cats(text, mode)


@pytest.mark.parametrize(("category", "text", "mode"), INNOCENT)
def test_innocent(category: str, text: str, mode: str) -> None:
    assert category not in cats(text, mode)


def test_clean_text_has_no_findings() -> None:
    text = (
        "In the March incident, she found the bad config push within 15 minutes and rolled "
        "it back. She wrote the API style guide; three teams adopted it by June."
    )
    assert check_text(text) == []


def test_offsets_index_into_the_input() -> None:
    text = "Intro line.\n\n- He always interrupts.\n- She spearheaded it."
    for f in check_text(text):
        assert text[f.start : f.end] == f.text


def test_hedges_only_in_self_mode_person_rule() -> None:
    assert "person" not in cats("He led the migration.", "manager")


def test_one_finding_per_span_and_category() -> None:
    found = [f for f in check_text("He gets too emotional.") if f.category == "trait"]
    assert len(found) == 1
