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


# ---- numbers and shapes a stranger's file may hold ------------------------------------------------

MATRIX_SYMBOL = "  s: probability\n"


@pytest.mark.parametrize(
    ("size", "message"),
    [
        # str.isdigit() is True for these, and int() then raised ValueError: a traceback in `lessons
        # list` and `lessons check`, and the app exited at every start while the file was there.
        (
            "²",
            "'²' is not a size written with the digits 0-9 (a shape is [n] for a column vector or [m, n] "
            "for a matrix)",
        ),
        ("⁵", "'⁵' is not a size written with the digits 0-9"),
        ("①", "'①' is not a size written with the digits 0-9"),
        ("٣", "'٣' is not a size written"),  # an Arabic-Indic 3: int() reads it, but no file shows 3
        ("9" * 5000, "'" + "9" * 59 + "…' is not a size written"),  # int() refuses over 4,300 digits
        ("0", "a size is from 1 to 100, not 0"),
        ("101", "a size is from 1 to 100, not 101"),
        ("-2", "'-2' is not a size written"),
    ],
)
def test_a_shape_size_that_is_not_a_small_ascii_number_is_refused_at_its_position(
    size: str, message: str
) -> None:
    text = GOOD.replace(MATRIX_SYMBOL, f"{MATRIX_SYMBOL}  W: {{domain: real, shape: [3, {size}]}}\n", 1)
    headline = refuse(text)
    assert headline.startswith("my.yaml:10:32: symbols.W.shape[1]: "), headline
    assert message in headline


def test_a_shape_of_sizes_in_ascii_digits_loads() -> None:
    text = GOOD.replace(MATRIX_SYMBOL, f"{MATRIX_SYMBOL}  W: {{domain: real, shape: [3, 100]}}\n", 1)
    assert load(text).symbols[-1].shape == (3, 100)


@pytest.mark.parametrize(
    ("tolerance", "message"),
    [
        # 1e999 reads as infinity: every relative error is below it, so a wrong gradient passed.
        ("1e999", "'1e999' is too large to be a number here (it reads as infinity)"),
        ("0.5", "at most 0.01, not '0.5': a larger one lets a wrong result pass"),
        ("1", "at most 0.01, not '1': a larger one lets a wrong result pass"),
        ("0", "above 0 and at most 0.01, not '0': no result could pass"),
        ("1e-999", "above 0 and at most 0.01, not '1e-999': no result could pass"),
        ("-1e-6", "above 0 and at most 0.01, not '-1e-6': no result could pass"),
        (".inf", "'.inf' is not a number"),
        ("nan", "'nan' is not a number"),
    ],
)
def test_a_tolerance_must_be_a_finite_small_relative_error(tolerance: str, message: str) -> None:
    old = "    gradient: {x: s*(1 - s)}\n"
    assert old in GOOD
    headline = refuse(GOOD.replace(old, f"{old}    tolerance: {tolerance}\n", 1))
    assert headline.startswith("my.yaml:30:16: checks[0].tolerance: "), headline
    assert message in headline


def test_a_usual_tolerance_is_kept() -> None:
    old = "    gradient: {x: s*(1 - s)}\n"
    assert load(GOOD.replace(old, f"{old}    tolerance: 1e-4\n", 1)).checks[0].tolerance == 1e-4


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("values: {x: 0}", "values: {x: 1e999}", "38:17: checks[2].values.x"),
        ("expected: 0.5", "expected: -1e400", "40:15: checks[2].expected"),
        ("gradient: {x: s*(1 - s)}", "gradient: {x: s*(1 - s)}\n    at: {x: 1e309}", "30:13: checks[0].at.x"),
    ],
)
def test_a_number_that_reads_as_infinity_is_refused(old: str, new: str, where: str) -> None:
    headline = refuse(GOOD.replace(old, new, 1))
    assert headline.startswith(f"my.yaml:{where}: "), headline
    assert "is too large to be a number here (it reads as infinity)" in headline


def test_a_refused_text_is_quoted_short_never_whole() -> None:
    """An error quotes what it refuses, cut short: a file that is not a lesson (or a link to one
    that is not) must not have its content printed."""
    secret = "SECRET " * 100
    headline = refuse(f"{secret}\n")
    assert headline.startswith("my.yaml:1:1: expected a lesson (fields written as 'name: value'), found the")
    assert secret not in headline and len(headline) < 150


DERIVE_WITH_A_MISTAKE = """\
  - id: derive-sigmoid
    kind: derive
    prompt: Derive ds/dx.
    from: 1/(1 + exp(-x))
    goal: s*(1 - s)
    mistakes:
      - step: STEP
        answer: s*(1 + s)
        feedback: 1 - s, not 1 + s.
"""


@pytest.mark.parametrize("step", ["²", "①", "٣", "9" * 5000, "-3", "2.5"])
def test_a_derive_mistakes_step_that_is_not_an_ascii_number_is_refused_at_its_position(step: str) -> None:
    exercise = DERIVE_WITH_A_MISTAKE.replace("STEP", step)
    headline = refuse(GOOD.replace("exercises:\n", "exercises:\n" + exercise, 1))
    assert headline.startswith("my.yaml:48:15: exercises[0].mistakes[0].step: "), headline
    assert "is not a step number written with the digits 0-9: give the number of the reference" in headline


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("61", "61 minutes is out of range: a time estimate is a whole number of minutes from 5 to 60; a "
         "lesson fits a one-hour study box: split it in two"),
        ("4", "4 minutes is out of range: a time estimate is a whole number of minutes from 5 to 60"),
        ("0", "0 minutes is out of range: a time estimate is a whole number of minutes from 5 to 60"),
        ("40.5", "'40.5' is not a number of minutes written with the digits 0-9 (a time estimate is a whole "
         "number of minutes from 5 to 60)"),
        ("²", "'²' is not a number of minutes written with the digits 0-9 (a time estimate is a whole "
         "number of minutes from 5 to 60)"),
        ("[40]", "expected text, found a list"),
    ],
)  # fmt: skip
def test_a_time_estimate_out_of_range_or_not_whole_is_refused_at_its_position(
    minutes: str, message: str
) -> None:
    text = GOOD.replace("minutes: 15", f"minutes: {minutes}")
    assert refuse(text) == f"my.yaml:68:10: minutes: {message}"


@pytest.mark.parametrize("minutes", ["5", "40", "60"])
def test_a_time_estimate_in_range_is_kept(minutes: str) -> None:
    assert load(GOOD.replace("minutes: 15", f"minutes: {minutes}")).minutes == int(minutes)
