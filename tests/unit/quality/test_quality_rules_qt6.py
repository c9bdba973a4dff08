"""The rule data added after the qt6 set: each with failing examples and the innocent uses
that must stay clean (the rules alone, then the full check)."""

from __future__ import annotations

import pytest

from feedback_writer.quality import check_text
from feedback_writer.quality.engine import Matcher, run_rules
from feedback_writer.quality.rules import load_rules
from feedback_writer.quality.text import tokens


def rule_cats(text: str, mode: str = "manager") -> set[str]:
    return {f.category for f in run_rules(load_rules(None), text, mode, None)}


def cats(text: str, mode: str = "manager") -> set[str]:
    return {f.category for f in check_text(text, mode=mode)}  # type: ignore[arg-type]


FLAGGED = [
    # A name of one list with only the other list's pronouns: a pronoun slip.
    ("Ahmed rebuilt the rate limiter, and she also wrote the load tests.", "gendered"),
    ("Rebecca set the direction for streaming, and his RFC is now the reference.", "gendered"),
    # Coded words after a degree word, a modal verb, or before "one".
    ("Aaliyah should try to be less shrill when she disagrees in meetings.", "gendered"),
    ("Chanel is a feisty one in budget talks.", "gendered"),
    ("Hamza needs to be more of a man about taking his turn on call.", "gendered"),
    ("Alessandra is a pretty little thing but a tough reviewer.", "gendered"),
]

INNOCENT = [
    # Two people, each with their own pronoun.
    (
        "Leticia reviewed Paul's design and pointed out that his retry logic would amplify "
        "outages; she suggested backoff, and he adopted it.",
        "gendered",
    ),
    (
        "Maddie and her co-lead Sam split the redesign: she wrote the policy and he built "
        "the integration.",
        "gendered",
    ),
    # The name's own pronoun; a name of neither list.
    ("Sarah wrote the migration plan, and she ran the cutover herself.", "gendered"),
    ("Sam wrote the migration plan, and he ran the cutover himself.", "gendered"),
    # "their" for a group, "themselves" for things.
    (
        "Isolde turned the common questions into an FAQ that new analysts read in their "
        "first week.",
        "gendered",
    ),
    ("Daniel cut release time in half; the results speak for themselves.", "gendered"),
]


@pytest.mark.parametrize(("text", "category"), FLAGGED)
def test_flagged(text: str, category: str) -> None:
    assert category in rule_cats(text)
    assert category in cats(text)


@pytest.mark.parametrize(("text", "category"), INNOCENT)
def test_innocent(text: str, category: str) -> None:
    assert category not in rule_cats(text)
    assert category not in cats(text)


def test_listed_first_names_are_still_names() -> None:
    text = "Sarah shipped the exporter and Paul's team reviewed it."
    m = Matcher(load_rules(None), text, None)
    assert m.name_count(tokens(text)) == 2
