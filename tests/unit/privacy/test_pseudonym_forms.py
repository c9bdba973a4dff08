"""The pseudonymiser catches every form a hostile tester slipped past it, and restores
placeholders in any case."""

from __future__ import annotations

import pytest

from feedback_writer.prompting.pseudonym import (
    Pseudonymiser,
    StreamRestorer,
    names_to_hide,
    unlisted_names,
)

HIDE = Pseudonymiser("Alex Kim", ["Priya", "Bo Lee", "Tomás Peer"])


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("mail alex.kim@example.com today", "mail PERSON_1 today"),
        ("cc bo.lee@ please", "cc PERSON_3 please"),
        ("akim@corp.example wrote", "PERSON_1 wrote"),
        ("AlexKim merged", "PERSON_1 merged"),
        ("AlexKim's PR", "PERSON_1's PR"),
        ("alex_kim, alex-kim, kim.alex", "PERSON_1, PERSON_1, PERSON_1"),
        ("lowercase alex and priya", "lowercase PERSON_1 and PERSON_2"),
        ("PRIYA and Priya's and priya's", "PERSON_2 and PERSON_2's and PERSON_2's"),
        ("Tomás and Tomas and tomás", "PERSON_4 and PERSON_4 and PERSON_4"),
        ("reviewedByAlex", "reviewedByPERSON_1"),
        ("bo lee and BO LEE and lee", "PERSON_3 and PERSON_3 and PERSON_3"),
    ],
)
def test_every_form_is_hidden(text: str, hidden: str) -> None:
    assert HIDE.apply(text) == hidden


@pytest.mark.parametrize(
    "text",
    ["a peer review", "Alexander came", "the kimono", "email ops@example.com", "priyanka"],
)
def test_ordinary_words_and_other_names_stay(text: str) -> None:
    assert HIDE.apply(text) == text


@pytest.mark.parametrize("placeholder", ["PERSON_1", "Person_1", "person_1", "pErSoN_1"])
def test_placeholders_restore_in_any_case(placeholder: str) -> None:
    assert HIDE.restore(f"{placeholder} led; {placeholder}'s design") == (
        "Alex Kim led; Alex Kim's design"
    )


def test_stream_restorer_restores_a_split_title_case_placeholder() -> None:
    restorer = StreamRestorer(HIDE)
    shown = restorer.feed("thanks Pers") + restorer.feed("on_3!")
    assert shown + restorer.flush() == "thanks Bo Lee!"


def test_template_values_are_pseudonymised_too() -> None:
    data = {"notes": [{"author": "Bo Lee", "text": "priya helped", "id": "n1"}], "n": 3}
    assert HIDE.apply_data(data) == {
        "notes": [{"author": "PERSON_3", "text": "PERSON_2 helped", "id": "n1"}],
        "n": 3,
    }


def test_names_to_hide_lists_subject_configured_then_authors_once() -> None:
    assert names_to_hide("Alex Kim", ["Priya", "alex kim"], ["Bo Lee", None, "priya"]) == [
        "Alex Kim",
        "Priya",
        "Bo Lee",
    ]


def test_unlisted_names_are_capitalised_words_sent_as_they_are() -> None:
    text = HIDE.apply("3 PRs from Tomás waited; Sam and Priya paired on Monday with Wen.")
    assert unlisted_names([text], HIDE) == ["Sam", "Wen"]
