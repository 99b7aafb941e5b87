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
