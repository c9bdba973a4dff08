"""The rule data added after the qt6 set: each with failing examples and the innocent uses
that must stay clean (the rules alone, then the full check)."""

from __future__ import annotations

import pytest

from feedback_writer.quality.engine import Matcher
from feedback_writer.quality.rules import load_rules
from feedback_writer.quality.text import tokens
from tests.unit.quality.categories import cats, rule_cats

FLAGGED = [
    # Coded words after a degree word, a modal verb, or before "one".
    ("Aaliyah should try to be less shrill when she disagrees in meetings.", "gendered"),
    ("Chanel is a feisty one in budget talks.", "gendered"),
    ("Hamza needs to be more of a man about taking his turn on call.", "gendered"),
    ("Alessandra is a pretty little thing but a tough reviewer.", "gendered"),
    # "never" as a claim about the person.
    ("Ode never speaks up in design reviews.", "absolute"),
    ("Kai will never ask for help.", "absolute"),
    # Personality words, also after "the most", and names with accents.
    ("Ximena is easily the most easygoing person on the team.", "trait"),
    ("Hélène is a genius, plain and simple.", "trait"),
    ("Nico is a lone wolf.", "trait"),
    ("Lucía is such a people person.", "trait"),
    # A judgement with no evidence anywhere after it.
    ("I'm proud of this year. It went well overall.", "vague"),
    # A first name is no named piece of work; attitude and level without evidence.
    ("Overall, Juan is doing fine and should keep it up.", "vague"),
    ("Ricardo is a sharp kid with a great attitude.", "vague"),
    ("As a staff engineer, Nia needs to operate more at the staff level.", "vague"),
    # The person only belonged to the group whose result is told.
    ("Zeynep was part of the team that cut the app size by 35%.", "team-credit"),
    ("Bartholomew is the staff engineer for a group that delivered the tool.", "team-credit"),
    # Failures in general words, with no next step.
    ("Finn's first two deploys both needed rollbacks.", "no-next-step"),
    ("I let my test coverage slip on the scheduler service.", "no-next-step"),
    ("Yara had limited cross-team influence this year.", "no-next-step"),
    ("Esra's pull requests added lint warnings that others then had to clean up.", "no-next-step"),
    ("Björn is brilliant, and people avoid working with him.", "no-next-step"),
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
    # No gender is ever guessed from a first name: any pronouns used consistently for one
    # person are theirs.
    ("Ahmed rebuilt the rate limiter, and she also wrote the load tests.", "gendered"),
    ("Rebecca set the direction for streaming, and his RFC is now the reference.", "gendered"),
    ("Sarah wrote the migration plan, and she ran the cutover herself.", "gendered"),
    ("Sam wrote the migration plan, and he ran the cutover himself.", "gendered"),
    # "their" for a group, "themselves" for things.
    (
        "Isolde turned the common questions into an FAQ that new analysts read in their "
        "first week.",
        "gendered",
    ),
    ("Daniel cut release time in half; the results speak for themselves.", "gendered"),
    # A perfect or passive "never": a record or a past fact.
    ("Vikram wrote the billing wiki in March, which had never been documented.", "absolute"),
    ("Before this year I had never worked in Go, so I started with small bugs.", "absolute"),
    ("Ilse's migrations have never caused a production incident.", "absolute"),
    # A judgement followed by its evidence in the next sentence.
    ("I'm proud of this year. Rodrigo led the overhaul and halved the night pages.", "vague"),
    # Uncertainty voiced, nothing left to change, a past state that has changed.
    (
        "When Zara wasn't sure whether a migration was safe, she asked in the channel.",
        "no-next-step",
    ),
    ("She reviewed my write-ups, and by the third she had no changes to suggest.", "no-next-step"),
    ("The syncs I chair now end on time, which was not true in the spring.", "no-next-step"),
    # A step already taken.
    (
        "I wasn't happy with how I handled the July incident, so I've since done the "
        "incident-commander training.",
        "no-next-step",
    ),
    ("Ximena built the rota with a lone-wolf approach to nothing.", "trait"),
    # A named piece of work is evidence; a level named with its evidence.
    ("Nia led the Q3 storage RFC, which three teams adopted.", "vague"),
    # Membership with no team result, or with the person's own part.
    ("Zeynep is on a team that owns billing.", "team-credit"),
    (
        "Zeynep was part of the team that cut app size by 35%; she wrote the size check.",
        "team-credit",
    ),
    # No rollback needed; a failure with its next step.
    ("Ruben moved 12 services, and none of them needed a rollback.", "no-next-step"),
    ("Finn's deploys both needed rollbacks, so he'll now test against a copy.", "no-next-step"),
]

SELF_FLAGGED = [
    # A self-review describing its author by name beside "I" (feelings only).
    "In Q2 Fatima redesigned the alerting rules and cut pages by 60%, which I'm proudest of.",
    "I believe Gretchen exceeded expectations this year: she launched the pricing page.",
    "Jorge is a hard worker and a reliable teammate, and I hope my manager agrees.",
    "Looking back at the year, Liesel quickly became a key contributor to the CI migration.",
]

SELF_INNOCENT = [
    # Someone else's part beside the writer's own acts, feedback, a planned review.
    "I paired with Hamid on the retry logic; he caught a race condition in my first draft.",
    "Marco reviewed the cache design with me, and I changed the eviction policy.",
    "I added test sharding to CI, and Fernando wrote the flaky-test quarantine.",
    "Brigid wrote in her peer review that I made the migration boring, in the best way.",
    "Next quarter I'll estimate in ranges and review them with Lars at the midpoint.",
    "In H1 I'll use the RFC template and ask Kwame to review a draft before I circulate it.",
    "I always deliver on time, and the audit-log UI shipped on 3 April as planned.",
]


@pytest.mark.parametrize("text", SELF_FLAGGED)
def test_self_review_naming_its_author(text: str) -> None:
    assert "person" in rule_cats(text, "self")
    assert "person" in cats(text, "self")


@pytest.mark.parametrize("text", SELF_INNOCENT)
def test_self_review_naming_someone_else(text: str) -> None:
    assert "person" not in rule_cats(text, "self")


def test_addressed_by_name_then_described() -> None:
    assert "person" in rule_cats("Great work this year, Oscar! He's a real team player.")
    assert "person" not in rule_cats("Great work this year, Oscar! You're a real team player.")
    assert "person" not in rule_cats("Oscar moved us to Kafka, Redis and Postgres; he led it.")


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


def test_first_names_are_no_evidence_but_named_work_is() -> None:
    rules = load_rules(None)
    for text, expected in [
        ("Overall, Juan is doing fine.", False),
        ("Overall, Nia needs to step up.", False),
        ("It went fine, with Kafka as the queue.", True),
    ]:
        assert Matcher(rules, text, None).has("evidence", text, tokens(text)) is expected
