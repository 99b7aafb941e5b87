"""An exercise's `variables` list: the learner may use only those names, the lesson's author all of them."""

from studybuddy.core.grading import ListedMistake, grade
from studybuddy.core.mathexpr import SymbolTable
from studybuddy.services.grading import GradingService
from studybuddy.services.lessons import LessonService

TABLE = SymbolTable.of({"z": "real", "s": "probability", "w": "real", "x": "real"})
SIGMOID = {"s": "1/(1 + exp(-z))"}
PATIENT = 120.0  # seconds per grade: on busy shared cores a real grade must never meet the limit


def test_a_name_outside_the_exercise_variables_is_an_unknown_name_with_a_suggestion() -> None:
    table = SymbolTable.of({"z": "real", "sigma": "probability"})
    definitions = {"sigma": "1/(1 + exp(-z))"}
    typo = grade(
        "sigm*(1 - sigma)", "sigma*(1 - sigma)", table, definitions=definitions, answer_variables=["sigma"]
    )
    assert typo.kind == "invalid"
    assert str(typo.error) == "unknown name 'sigm' at column 1: did you mean sigma?"
    outside = grade(
        "exp(-z)", "sigma*(1 - sigma)", table, definitions=definitions, answer_variables=["sigma"]
    )
    assert outside.kind == "invalid"
    assert outside.error is not None
    assert outside.error.message == "unknown name 'z' (this exercise asks for the answer in sigma)"
    assert (
        grade("exp(-z)", "sigma*(1 - sigma)", table, definitions=definitions).kind == "different"
    )  # no list


def test_the_expected_answer_and_mistakes_still_read_every_lesson_name() -> None:
    mistakes = [ListedMistake("exp(-z)/(1 + exp(-z))", "That is only 1 - s.")]
    verdict = grade(
        "1 - s",
        "exp(-z)/(1 + exp(-z))^2",
        TABLE,
        definitions=SIGMOID,
        mistakes=mistakes,
        answer_variables=["s"],
    )
    assert verdict.kind == "different"
    assert verdict.diagnosis is not None and verdict.diagnosis.message == "That is only 1 - s."


def test_definitions_apply_to_an_answer_written_with_the_allowed_names() -> None:
    verdict = grade("s - s^2", "exp(-z)/(1 + exp(-z))^2", TABLE, definitions=SIGMOID, answer_variables=["s"])
    assert (verdict.kind, verdict.strength) == ("equivalent", "proved equal")


def test_grade_exercise_uses_the_exercise_variables() -> None:
    lesson = LessonService(None).get("sigmoid-derivative")
    exercise = next(e for e in lesson.exercises if e.id == "sigmoid-prime")
    assert exercise.variables == ("s",)
    with GradingService(timeout=PATIENT) as service:
        outside = service.grade_exercise(lesson, exercise, "exp(-z)/(1 + exp(-z))^2")
        right = service.grade_exercise(lesson, exercise, "s - s^2")
        listed = service.grade_exercise(lesson, exercise, "s(1 + s)")
    assert outside.kind == "invalid"
    assert outside.error is not None
    assert outside.error.message == "unknown name 'z' (this exercise asks for the answer in s)"
    assert right.kind == "equivalent"
    assert listed.diagnosis is not None and listed.diagnosis.code == "listed:0"
