from studybuddy.core.rotation import next_subject

ROTATION = ("linear algebra", "calculus", "deep learning")


def test_the_next_subject_follows_the_one_just_studied_and_wraps_round() -> None:
    assert next_subject(ROTATION, "linear algebra") == "calculus"
    assert next_subject(ROTATION, "deep learning") == "linear algebra"


def test_subjects_match_whatever_the_case_and_spacing() -> None:
    assert next_subject(ROTATION, "  Calculus ") == "deep learning"


def test_a_subject_outside_the_rotation_or_none_starts_it_from_the_top() -> None:
    assert next_subject(ROTATION, "statistics") == "linear algebra"
    assert next_subject(ROTATION, None) == "linear algebra"


def test_no_rotation_suggests_nothing() -> None:
    assert next_subject((), "calculus") is None


# ---- what a new session is offered: the last subject and the rotation's next ----------------------

from studybuddy.core.rotation import rotation_from_history, subject_choice  # noqa: E402


def test_without_a_configured_rotation_recent_subjects_come_round_longest_waiting_first() -> None:
    recent = ("calculus", "linear algebra", "probability")  # the most recently studied first
    assert rotation_from_history(recent) == ("probability", "linear algebra", "calculus")
    choice = subject_choice((), recent, last="calculus")
    assert (choice.last, choice.next, choice.from_history) == ("calculus", "probability", True)
    assert choice.offered() == ("probability", "calculus") and choice.default == "probability"


def test_a_configured_rotation_wins_over_the_history() -> None:
    choice = subject_choice(ROTATION, ("statistics",), last="calculus")
    assert (choice.next, choice.from_history, choice.offered()) == (
        "deep learning",
        False,
        ("deep learning", "calculus"),
    )


def test_one_subject_studied_is_offered_once_and_nothing_studied_offers_nothing() -> None:
    assert subject_choice((), ("Calculus",), last="calculus").offered() == ("Calculus",)
    nothing = subject_choice((), (), last=None)
    assert (nothing.offered(), nothing.default) == ((), None)
