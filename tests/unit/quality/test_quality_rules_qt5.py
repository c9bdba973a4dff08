"""The rule data added after the q3 and qt5 sets: each with failing examples and the
innocent uses that must stay clean (the rules alone, then the full check)."""

from __future__ import annotations

import pytest

from tests.unit.quality.categories import cats, rule_cats

FLAGGED = [
    # A team's result with the person only mentioned, not acting.
    (
        "The mobile team reduced app start time by 40% this year, so Ji-ho met his "
        "performance goals.",
        "team-credit",
    ),
    (
        "Engineering shipped 47 releases this year, and Linnea is one of our engineers.",
        "team-credit",
    ),
    ("Our infra team passed the SOC 2 audit with zero findings this spring.", "team-credit"),
    # Words used almost only about women, and gendered wording.
    ("Laura got hysterical when the release pipeline broke.", "gendered"),
    ("Harriet is very pretty and presents well to clients.", "gendered"),
    ("Brian fits right in with the boys on the backend team.", "gendered"),
    # Failures in general words, with no next step.
    (
        "Mohammed's last two rollouts had to be reverted because of missing migrations.",
        "no-next-step",
    ),
    ("Tobias underperformed on the migration project.", "no-next-step"),
    ("Lucas's design docs are hard to follow.", "no-next-step"),
    # Personality words.
    ("Julia is intense in planning meetings.", "trait"),
    ("Björn is a know-it-all.", "trait"),
    ("Jun is genuinely kind and patient with the interns.", "trait"),
    ("Gao is a very intelligent person.", "trait"),
    # "they" and "he"/"she" for one person; gendered wording.
    (
        "Taylor shipped the mobile SDK in August; they documented every public method, and "
        "she gave the SDK talk at the partner summit.",
        "gendered",
    ),
    ("Grace brought a woman's touch to the onboarding docs.", "gendered"),
    ("Ines is a very pretty presenter.", "gendered"),
]

SELF_FLAGGED = [
    "The employee completed the migration of the reporting database to Aurora.",
    "This engineer owned the paging-rotation bot and shipped it in March.",
    "They rewrote the PDF export in Go and cut generation time to 300 ms.",
]

INNOCENT = [
    # The person's own part follows the team's result.
    (
        "The team hit its 99.95% availability target in Q1. Priya's part was the circuit "
        "breaker around the geocoding provider.",
        "team-credit",
    ),
    ("Thanks to his triage rota, the team reduced flaky tests to almost zero.", "team-credit"),
    ("The release notes were the clearest we've had this year.", "team-credit"),
    ("Lars will lead the guild meetings from October.", "team-credit"),
    ("Ming wrote lint rules that flagged 300 missing labels that the team fixed.", "team-credit"),
    # "pretty" as a degree word.
    ("The new dashboard is pretty good and loads in 2 seconds.", "gendered"),
    # A next step already taken, a labelled action, praise with "should".
    (
        "I need to get better at estimating: three tickets ran over, so I now split work into "
        "tasks under two days.",
        "no-next-step",
    ),
    ("Emeka: tests on the invoice service fell to 41%. Action: back to 70% by Q1.", "no-next-step"),
    ("You should be proud of the authentication rewrite.", "no-next-step"),
    # Fixed bugs and other people's misses are no negative evidence.
    ("Ivan fixed the bug where the worker did not reap child processes.", "no-next-step"),
    ("Natalia raised a retention concern that the rest of us had missed.", "no-next-step"),
    # "a bit" as a binary digit; a counted record is checkable.
    ("Olek packed the preferences into a bitmask, a bit per channel.", "absolute"),
    ("Mateo's migration set a bit in the permissions mask.", "absolute"),
    ("Fatima has never missed an on-call handover in 14 rotations.", "absolute"),
    # "kind of", "patient" as a noun, "confident that", "driven by": no traits.
    ("She rewrote the kind of query that timed out.", "trait"),
    ("The patient records service moved to Postgres in May.", "trait"),
    ("I'm confident the migration will land in Q3.", "trait"),
    ("The redesign was driven by the support tickets.", "trait"),
    # "they" for a group or things, "them" for things: no pronoun slip.
    ("Lorenzo will write down two alternatives and why he rejected them.", "gendered"),
    ("She mentored the interns and they shipped their projects in August.", "gendered"),
    ("The design is pretty good and she presented it pretty clearly.", "gendered"),
]


@pytest.mark.parametrize(("text", "category"), FLAGGED)
def test_flagged(text: str, category: str) -> None:
    assert category in rule_cats(text)
    assert category in cats(text)


@pytest.mark.parametrize(("text", "category"), INNOCENT)
def test_innocent(text: str, category: str) -> None:
    assert category not in rule_cats(text)
    assert category not in cats(text)


def test_strongly_coded_words_are_gendered_not_trait() -> None:
    found = rule_cats("Abigail can be catty in code review threads.")
    assert "gendered" in found
    assert "trait" not in found


@pytest.mark.parametrize("text", SELF_FLAGGED)
def test_self_review_in_the_third_person(text: str) -> None:
    assert "person" in rule_cats(text, "self")
    assert "person" not in rule_cats("I " + text[0].lower() + text[1:], "self")
