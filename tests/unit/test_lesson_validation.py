"""From a lesson file's tree to a Lesson: each authoring mistake named with file:line:column and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from studybuddy.core.lessons import Lesson, LessonError, validate_lesson
from studybuddy.storage.lesson_yaml import load_yaml_text

GOOD = (Path(__file__).parent.parent / "fixtures" / "lessons" / "sigmoid-derivative.yaml").read_text()


def load(text: str) -> Lesson:
    return validate_lesson(load_yaml_text(text, "my.yaml"), "my.yaml")


def refuse(text: str) -> str:
    with pytest.raises(LessonError) as caught:
        load(text)
    return caught.value.headline()


def test_the_fixture_lesson_loads_with_positions() -> None:
    lesson = load(GOOD)
    assert lesson.id == "sigmoid-derivative"
    assert [step.by.kind for step in lesson.derivation] == ["given", "differentiate", "equal", "equal"]
    assert lesson.derivation[1].by.variable == "x"
    answer = lesson.exercises[0].answer
    assert (
        answer == "s*(1 - s)"
        and str(answer.location) == "my.yaml:44:13"
        and answer.path == "exercises[0].answer"
    )
    assert lesson.checks[2].values == (("x", 0.0),) and lesson.checks[2].expected == 0.5


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "\"__import__('os')\"",
            "'__import__('os')' is not a valid symbol name: use a letter followed by letters, digits or _",
        ),
        ("x y", "'x y' is not a valid symbol name: use a letter followed by letters, digits or _"),
        ("sin", "'sin' cannot be a symbol: it already means a function or constant"),
        ("e", "'e' cannot be a symbol: it already means a function or constant"),
        # Names only the math parser knows are refused at load too: the validator reads the parser's
        # own list, so `lessons list` can never call a lesson ok that breaks when it is opened.
        ("re", "'re' cannot be a symbol: it already means a function or constant"),
        ("sec", "'sec' cannot be a symbol: it already means a function or constant"),
        ("atan2", "'atan2' cannot be a symbol: it already means a function or constant"),
    ],
)
def test_unusable_symbol_names(name: str, message: str) -> None:
    text = GOOD.replace("  s: probability\n", f"  s: probability\n  {name}: real\n", 1)
    assert refuse(text) == f"my.yaml:10:3: symbols.{name.strip(chr(34))}: {message}"


def test_unknown_domain_suggests_the_closest() -> None:
    text = GOOD.replace("  s: probability", "  s: probabilty")
    assert refuse(text) == "my.yaml:9:6: symbols.s: unknown domain 'probabilty'; did you mean 'probability'?"


def test_missing_required_field() -> None:
    text = GOOD.replace("title: The sigmoid and its derivative s(1 - s)\n", "")
    assert refuse(text) == "my.yaml:1:1: title: this field is required but missing"


def test_misspelled_field_suggests_the_right_one() -> None:
    text = GOOD.replace("    hints:\n      - exp(0) = 1.", "    hint:\n      - exp(0) = 1.")
    assert refuse(text) == "my.yaml:55:5: exercises[1].hint: unknown field 'hint'; did you mean 'hints'?"


def test_too_few_exercises() -> None:
    cut = GOOD.index("  - id: sigmoid-at-zero")
    assert refuse(GOOD[:cut]) == "my.yaml:42:3: exercises: needs at least 3 exercises, found 1"


def test_bad_lesson_id() -> None:
    assert refuse(GOOD.replace("id: sigmoid-derivative", "id: Sigmoid Derivative")) == (
        "my.yaml:1:5: id: 'Sigmoid Derivative' is not a valid id: use lower-case letters, digits and '-'"
    )


def test_differentiate_needs_a_declared_symbol() -> None:
    text = GOOD.replace("by: {differentiate: x}", "by: {differentiate: z}")
    assert refuse(text).startswith(
        "my.yaml:19:25: derivation[1].by.differentiate: 'z' is not a declared symbol"
    )


def test_unknown_rule_lists_the_rules() -> None:
    text = GOOD.replace("by: {differentiate: x}", "by: chain-rule")
    assert refuse(text).startswith(
        "my.yaml:19:9: derivation[1].by: unknown rule 'chain-rule'; write equal, given"
    )


def test_numbers_in_checks_must_be_numbers() -> None:
    text = GOOD.replace("expected: 0.5", "expected: half")
    assert (
        refuse(text)
        == "my.yaml:40:15: checks[2].expected: 'half' is not a number (write e.g. 0.5, -2 or 1e-6)"
    )


def test_duplicate_exercise_ids() -> None:
    text = GOOD.replace("- id: one-minus-s", "- id: sigmoid-prime")
    assert (
        refuse(text)
        == "my.yaml:58:5: exercises[2].id: exercise id 'sigmoid-prime' is used twice (first at line 42)"
    )


def test_a_list_where_text_belongs() -> None:
    text = GOOD.replace("title: The sigmoid and its derivative s(1 - s)", "title: [a, b]")
    assert refuse(text) == "my.yaml:2:8: title: expected text, found a list"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("prompt: What is s at x = 0?", "prompt: ''", "my.yaml:53:13: exercises[1].prompt: is empty"),
        ("title: The sigmoid and its derivative s(1 - s)", "title: '   '", "my.yaml:2:8: title: is empty"),
        (
            "      - exp(0) = 1.",
            "      - {a: b}",
            "my.yaml:56:9: exercises[1].hints[0]: expected text, found a mapping",
        ),
        (
            "    answer: 1/2",
            "    answer: [1, 2]",
            "my.yaml:54:13: exercises[1].answer: expected text, found a list",
        ),
        (
            "        feedback: Check the sign of the second factor.\n",
            "",
            "my.yaml:48:9: exercises[0].mistakes[0].feedback: this field is required but missing",
        ),
        ("tags: [sigmoid, activation, chain-rule]", "tags: [sigmoid, '']", "my.yaml:5:17: tags[1]: is empty"),
        (
            "- id: sigmoid-at-zero",
            "- id: 'at zero'",
            "my.yaml:52:9: exercises[1].id: 'at zero' is not a valid id: use letters, digits, '-' and '_'",
        ),
        ("  - expr: s*(1 - s)", "  - expr:", "my.yaml:22:10: derivation[3].expr: is empty"),
    ],
)
def test_a_malformed_text_field_is_named_with_its_position(old: str, new: str, message: str) -> None:
    assert old in GOOD
    assert refuse(GOOD.replace(old, new, 1)) == message
