"""The general mechanisms behind the word-list rules, each with its own examples: a next
step in a later sentence, negations of a negative, a person's own part beside a team's
result, and who a word is about (system nouns, reduced relative clauses)."""

from __future__ import annotations

import pytest

from tests.unit.quality.categories import cats

# A criticism whose next step comes in the following sentence of the same paragraph.
NEXT_STEP_LATER = [
    "Tomás missed the rollout date for the export API by a week. Next sprint he'll split "
    "the remaining work into two-day tickets.",
    "My weak spot is estimating: I said the cache rewrite would take a month and it took "
    "three. Going forward I'll estimate in ranges and check them with Ines halfway.",
    "Growth area: two of Kemal's three RFCs did not list the risks. His next RFC will have a "
    "risks section reviewed by a staff engineer.",
    "I need to improve my written updates. I'm taking the writing workshop in Q2.",
    "Bruno is stubborn in code review, as in the May auth refactor. From now on he will "
    "reply to each comment before re-requesting review.",
    "She talked over two peers in the June retro; she should let each person finish "
    "before answering.",
]

# Good news worded with a negative, or someone else's failing.
NOT_NEGATIVE = [
    "Omar did not miss a single release train in 2024: 24 of 24.",
    "Tess moved 40 nightly jobs to the new scheduler without a missed run.",
    "I added a lint step after the March outage and we have had no schema regressions since.",
    "When the upstream provider changed its API without notice, Lea patched the client in "
    "two hours.",
    "Nadia wrote the on-call handover bot, cutting missed pages from nine a month to one.",
    "In May I merged two schema changes without a review; since June I have asked a second "
    "reviewer for every migration.",
]

STILL_NO_NEXT_STEP = [
    "Rafael's runbook for the billing jobs had no rollback steps, which delayed recovery.",
    "Jonas missed the Q2 migration deadline by three weeks.",
    "Hugo was slow to respond to review requests in March.",
    "Kenji's squad missed its uptime target, with four Sev-1 incidents against a target of one.",
]


@pytest.mark.parametrize("text", NEXT_STEP_LATER + NOT_NEGATIVE)
def test_no_next_step_innocent(text: str) -> None:
    mode = "self" if text.startswith(("I ", "My ")) else "manager"
    assert "no-next-step" not in cats(text, mode)


@pytest.mark.parametrize("text", STILL_NO_NEXT_STEP)
def test_no_next_step_still_flagged(text: str) -> None:
    assert "no-next-step" in cats(text)


def test_next_step_only_counts_after_the_criticism() -> None:
    text = "Next quarter he will own the deploy tooling.\n\nHe missed the June launch by a week."
    assert "no-next-step" in cats(text)


def test_work_on_as_a_noun_is_no_growth_point() -> None:
    assert "no-next-step" not in cats("Zara's careful work on the billing ledger cut refunds.")
    assert "no-next-step" in cats("He should work on his communication.")


@pytest.mark.parametrize(
    "text",
    [
        "The team moved 20 services to the mesh; Ada personally moved six of them.",
        "Ole's squad launched the new pricing page in May; within that, Ole built the tax "
        "calculator.",
        "Pia's team shipped the mobile redesign; Pia designed the navigation.",
        "We launched the new search in May. My part was the ranking features.",
    ],
)
def test_team_result_with_the_persons_part_is_no_team_credit(text: str) -> None:
    mode = "self" if "My part" in text else "manager"
    assert "team-credit" not in cats(text, mode)


@pytest.mark.parametrize(
    "text",
    [
        "The platform group rebuilt the metrics store and saved 30%. Min is part of that group.",
        "The search guild that Dalia joined shipped the new ranking in June.",
    ],
)
def test_membership_is_no_own_part(text: str) -> None:
    assert "team-credit" in cats(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ines's cleanup script is aggressive about deleting temp files, which freed 2 TB.",
        "The timeout Omar inherited was aggressive, so he raised it to 30 s.",
    ],
)
def test_trait_words_about_a_thing(text: str) -> None:
    assert "trait" not in cats(text)


def test_trait_words_about_the_person_still_flag() -> None:
    assert "trait" in cats("Omar is aggressive in design reviews.")


def test_words_coded_for_women_are_not_gendered_about_a_man() -> None:
    found = cats("Marco is high-maintenance in planning; he reopened the scope five times.")
    assert "gendered" not in found
    assert "trait" in found


@pytest.mark.parametrize(
    "text",
    ["She's feisty in design reviews.", "She was a bit shrill on the incident bridge."],
)
def test_coded_words_about_a_woman_after_a_contraction_or_degree_word(text: str) -> None:
    # Words used almost only about women are gendered; the outside writers of q3 and qt5
    # labelled them gendered alone (2 of 9 also trait), so trait no longer doubles them.
    found = cats(text)
    assert "gendered" in found
    assert "trait" not in found


@pytest.mark.parametrize(
    "text",
    [
        "Really pleased with how the half went for him.",
        "Her output this cycle was top-notch.",
        "He met expectations and contributed well.",
        "Some concerns about his pace this quarter.",
    ],
)
def test_judgements_without_evidence_are_vague(text: str) -> None:
    assert "vague" in cats(text)


@pytest.mark.parametrize(
    "text",
    [
        "Her postmortem for the login outage was top-notch: it named the missing alert.",
        "Impressive turnaround: he fixed 14 flaky tests in two days.",
        "She wrote an excellent design doc for the quota service.",
    ],
)
def test_judgements_with_evidence_or_named_work_are_not_vague(text: str) -> None:
    assert "vague" not in cats(text)


@pytest.mark.parametrize(
    "text", ["Ivo is headstrong in planning.", "Ana is not the right fit for the group."]
)
def test_more_personality_words_are_traits(text: str) -> None:
    assert "trait" in cats(text)


@pytest.mark.parametrize(
    "text",
    [
        "Oskar's deploy notes don't explain the rollback order.",
        "I fell behind on design reviews in May.",
        "Two of Mei's five bug fixes were reopened by QA.",
        "Selin shipped the audit log late, and the security team had to patch it.",
        "Luis is aloof with the support team.",
        "Some concerns about his follow-through this half.",
    ],
)
def test_criticism_without_a_next_step(text: str) -> None:
    mode = "self" if text.startswith("I ") else "manager"
    assert "no-next-step" in cats(text, mode)


@pytest.mark.parametrize(
    "text",
    [
        "The indexer always fell behind on bulk loads until Ema added back-pressure.",
        "Mo rebuilt the flaky deploy script; failures fell from 9 a week to 1.",
        "Luis is aloof with the support team. Next sprint he'll sit in on two support calls.",
    ],
)
def test_fixed_problems_and_criticism_with_a_step_are_fine(text: str) -> None:
    assert "no-next-step" not in cats(text)


@pytest.mark.parametrize(
    "text",
    [
        "Farid's department passed the ISO audit in May.",
        "The platform guild rewrote the build cache and halved CI time.",
        "Ayla's payments team raised the approval rate by 3 points.",
    ],
)
def test_more_team_nouns_and_result_verbs(text: str) -> None:
    assert "team-credit" in cats(text)


def test_a_team_growing_is_no_result() -> None:
    assert "team-credit" not in cats("Our team grew from four to nine people this year.")
