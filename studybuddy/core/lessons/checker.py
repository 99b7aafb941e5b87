"""The lesson checker: proves a lesson the way a compiler checks code.

A lesson's check is a list of independent items (each derivation step, each numeric check, each
exercise answer, each listed mistake) so a caller can run them one at a time under a time limit and
report each. Pure computation: no I/O, no clock beyond measuring how long an item took.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, NamedTuple

import sympy

from studybuddy.core.grading import Verdict, equivalent_exprs
from studybuddy.core.grading.grader import UNREADABLE_EXPECTED, grade_terms, prepared
from studybuddy.core.grading.kinds import letter
from studybuddy.core.grading.terms import exercise_terms
from studybuddy.core.lessons.compile import LessonMath, expression_error
from studybuddy.core.lessons.derive_exercises import check_mistake, check_reference
from studybuddy.core.lessons.errors import LessonError, Location
from studybuddy.core.lessons.model import (
    MAX_MINUTES,
    MIN_MINUTES,
    Check,
    Exercise,
    Lesson,
    SourceText,
    Step,
)
from studybuddy.core.lessons.variants import checked_seeds, describe, every_draw, instantiate, with_values
from studybuddy.core.mathexpr import ExprError, SymbolTable
from studybuddy.core.numeric import example_check, gradient_check, identity_check, value_at

SEED = 0  # fixed: a lesson passes or fails the same way on every run
# A listed mistake is proven by grading it, and a grade compares it with every mistake listed before it,
# so checking n mistakes takes n^2/2 comparisons: 400 took 30 s. The bundled library lists at most 4.
MAX_CHECKED_MISTAKES = 50
DEFAULT_TOLERANCE = {
    "gradient": 1e-6,
    "identity": 1e-9,
    "example": 1e-9,
}  # relative error, as lessons/README.md says


@dataclass(frozen=True)
class ItemResult:
    """The outcome of one checked item. ``message`` is one line; ``detail`` may add a few more."""

    key: str  # e.g. "step 3", "check sigmoid-gradient", "exercise sigmoid-prime mistake 1"
    passed: bool
    message: str
    location: Location | None = None
    detail: str = ""
    ms: float = 0.0
    rows: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)  # a numeric check's figures

    def headline(self) -> str:
        where = f"{self.location}: " if self.location and not self.passed else ""
        return f"{where}{self.key}: {self.message}"


@dataclass(frozen=True)
class CheckItem:
    key: str
    run: Callable[[], ItemResult]


def plan_checks(lesson: Lesson) -> list[CheckItem]:
    """Every item that proves ``lesson``, in file order."""
    try:
        math = LessonMath(lesson)
    except LessonError as error:
        failure = _failure("symbols", error)
        return [CheckItem("symbols", lambda: failure)]
    items = [CheckItem("time estimate", partial(time_estimate_result, lesson))]
    for index in range(len(lesson.derivation)):
        items.append(CheckItem(f"step {index + 1}", partial(step_result, math, index)))
    for check in lesson.checks:
        items.append(CheckItem(f"check {check.id}", partial(numeric_check_result, math, check)))
    for exercise in lesson.exercises:
        key = f"exercise {exercise.id}"
        if exercise.parameters:
            variants_key = f"exercise {exercise.id} variants"
            run = _guarded(variants_key, partial(_check_every_draw, math, exercise), exercise.location)
            items.append(CheckItem(variants_key, run))
        items.append(CheckItem(key, _guarded(key, partial(_check_answer, math, exercise))))
        if exercise.kind == "choice":
            for index, option in enumerate(exercise.options):
                if not option.correct:
                    key = f"exercise {exercise.id} option {letter(index)}"
                    run = _guarded(key, partial(_check_option, math, exercise, index), option.location)
                    items.append(CheckItem(key, run))
            continue
        for number, mistake in enumerate(exercise.mistakes, start=1):
            key = f"exercise {exercise.id} mistake {number}"
            if number > MAX_CHECKED_MISTAKES:
                items.append(CheckItem(key, partial(_too_many_mistakes, key, exercise)))
                break
            items.append(
                CheckItem(
                    key,
                    _guarded(key, partial(_check_mistake, math, exercise, number), mistake.location),
                )
            )
    for derive in lesson.derive_exercises:  # kind: derive (derive_exercises.py)
        key = f"exercise {derive.id} reference"
        items.append(CheckItem(key, _guarded(key, partial(check_reference, lesson, derive), derive.location)))
        for number, wrong in enumerate(derive.mistakes, start=1):
            key = f"exercise {derive.id} mistake {number}"
            run = _guarded(key, partial(check_mistake, lesson, derive, number), wrong.location)
            items.append(CheckItem(key, run))
    return items


def check_lesson(lesson: Lesson) -> list[ItemResult]:
    """Run every item in this process (no time limit: use the lesson service for untrusted files)."""
    return [item.run() for item in plan_checks(lesson)]


# The app's lesson screen (through the grading worker) and `studybuddy lessons check` both call these
# two, so a step mark or a numeric check can never say one thing in the app and another in the checker.


def step_result(math: LessonMath, index: int) -> ItemResult:
    """Whether derivation step ``index`` (0-based) follows from the one before it."""
    return _guarded(f"step {index + 1}", partial(_check_step, math, index))()


def numeric_check_result(math: LessonMath, check: Check) -> ItemResult:
    """A numeric check's verdict, with its figures in ``rows`` (for a gradient, one per variable)."""
    # A check that cannot be computed is reported at the check, like any other failed check.
    return _guarded(f"check {check.id}", partial(_run_numeric_check, math, check), check.location)()


def time_estimate_result(lesson: Lesson) -> ItemResult:
    """A lesson states how long it takes (``minutes:``, its range checked when the file is read): a
    learner plans an hour's study box with it. The loader accepts a lesson without one (written before
    the field existed), but the checker, the bar for sharing a lesson, asks for it."""
    if lesson.minutes is not None:
        return ItemResult("time estimate", True, f"about {lesson.minutes} minutes")
    return ItemResult(
        "time estimate",
        False,
        f"no time estimate: add 'minutes: N' ({MIN_MINUTES} to {MAX_MINUTES}), the minutes a learner needs "
        "for the steps, the checks and every exercise",
        lesson.location,
    )


def is_starting_point(lesson: Lesson, index: int) -> bool:
    """The first step, or one marked ``by: given``: nothing before it to follow from."""
    return index == 0 or lesson.derivation[index].by.kind == "given"


# --- the items ---------------------------------------------------------------------------------------


def _check_step(math: LessonMath, index: int) -> tuple[bool, str, Location | None, str]:
    steps = math.lesson.derivation
    step = steps[index]
    current = math.expanded(step.expr)
    if is_starting_point(math.lesson, index):
        return True, "a starting point", None, ""
    previous = math.expanded(steps[index - 1].expr)
    target = _apply_rule(math, step, previous)
    verdict = equivalent_exprs(target, current, math.table, seed=SEED)
    how = step.by.describe()
    if verdict.kind == "equivalent":
        return True, f"follows from step {index} by {how} ({verdict.strength})", None, ""
    if verdict.kind == "different":
        detail = _values_at(verdict.counterexample, target, current, index)
        return (
            False,
            f"does not follow from step {index} by {how}: {verdict.strength}",
            step.expr.location,
            detail,
        )
    return (
        False,
        f"could not be shown to follow from step {index} by {how}: {verdict.detail}",
        step.location,
        "",
    )


def _apply_rule(math: LessonMath, step: Step, previous: sympy.Basic) -> sympy.Basic:
    rule = step.by
    if rule.kind == "differentiate":
        assert rule.variable is not None
        return sympy.diff(previous, math.table.symbol(rule.variable))
    if rule.kind == "substitute":
        replacements = {math.table.symbol(name): math.expanded(text) for name, text in rule.replacements}
        return previous.xreplace(replacements)
    if rule.kind == "limit":
        assert rule.variable is not None and rule.point is not None
        return sympy.limit(previous, math.table.symbol(rule.variable), math.parse(rule.point))
    return previous


def _values_at(point: object, target: sympy.Basic, current: sympy.Basic, index: int) -> str:
    """'step 2 gives 0.42, step 3 gives 0.40' at the counterexample, when both are plain numbers."""
    if not isinstance(point, dict) or not point:
        return ""
    where = ", ".join(f"{name} = {value:.4g}" for name, value in point.items())
    values = {
        symbol: point[str(symbol)]
        for symbol in target.free_symbols | current.free_symbols
        if str(symbol) in point
    }
    try:
        expected = complex(target.subs(values).evalf())
        written = complex(current.subs(values).evalf())
    except (TypeError, ValueError):
        return f"they differ at {where}"
    return (
        f"at {where}: step {index} with the rule applied gives {_number(expected)}, "
        f"step {index + 1} gives {_number(written)}"
    )


def _number(value: complex) -> str:
    return f"{value.real:.6g}" if abs(value.imag) < 1e-12 else f"{value:.4g}"


def _run_numeric_check(math: LessonMath, check: Check) -> Outcome:
    tolerance = DEFAULT_TOLERANCE[check.kind] if check.tolerance is None else check.tolerance
    at = dict(check.at) or None
    if check.kind == "gradient":
        assert check.function is not None
        gradient = {name: math.expanded(text) for name, text in check.gradient}
        result = gradient_check(
            math.expanded(check.function), gradient, math.table, at=at, seed=SEED, tolerance=tolerance
        )
    elif check.kind == "identity":
        assert check.lhs is not None and check.rhs is not None
        lhs, rhs = math.expanded(check.lhs), math.expanded(check.rhs)
        if at is not None:  # one given point: a worked example of the identity
            table = math.table_of(lhs, rhs)
            point = {v.name: at[v.name] for v in table.variables if v.name in at}
            rhs_value = example_value(rhs, point, table)
            result = example_check(lhs, point, rhs_value, table, tolerance=tolerance)
        else:
            result = identity_check(lhs, rhs, math.table, seed=SEED, tolerance=tolerance)
    else:
        assert check.expr is not None
        expr = math.expanded(check.expr)
        result = example_check(
            expr, dict(check.values), check.expected, math.table_of(expr), tolerance=tolerance
        )
    return Outcome(
        result.passed, result.summary, None if result.passed else check.location, "", tuple(result.rows)
    )


def example_value(expr: sympy.Basic, point: Mapping[str, object], table: SymbolTable) -> object:
    """The value of ``expr`` at a point (a matrix's value as the file writes it: nested lists), as
    nested lists for example_check's ``expected``."""
    return value_at(expr, point, table)


def _variants(exercise: Exercise) -> list[Exercise]:
    """The variants an answer and its mistakes are proven on: a few draws (variants.checked_seeds),
    or the exercise itself when it has no parameters."""
    if not exercise.parameters:
        return [exercise]
    return [instantiate(exercise, seed) for seed in checked_seeds(exercise.parameters)]


def _in_variant(variant: Exercise, message: str) -> str:
    return f"{message} (in the variant {describe(variant.drawn)})" if variant.drawn else message


def _check_answer(math: LessonMath, exercise: Exercise) -> tuple[bool, str, Location | None, str]:
    variants = _variants(exercise)
    for variant in variants:
        verdict = _grade(math, variant, variant.answer)
        if verdict.kind != "equivalent":
            message = _in_variant(variant, f"the expected answer is not graded correct: {verdict.detail}")
            return False, message, exercise.answer.location, ""
    drawn = f", in {len(variants)} variants" if exercise.parameters else ""
    return True, f"the expected answer is graded correct ({verdict.strength}{drawn})", None, ""


def _check_mistake(
    math: LessonMath, exercise: Exercise, number: int
) -> tuple[bool, str, Location | None, str]:
    where = exercise.mistakes[number - 1].answer.location
    for variant in _variants(exercise):
        mistake = variant.mistakes[number - 1]
        verdict = _grade(math, variant, mistake.answer)
        if verdict.kind == "equivalent":
            message = f"this listed mistake is graded correct: it equals the answer ({verdict.strength})"
            return False, _in_variant(variant, message), where, ""
        if verdict.kind not in ("different", "shape"):  # a shape: said without counting, with its feedback
            message = f"this listed mistake cannot be graded: {verdict.detail}"
            return False, _in_variant(variant, message), where, ""
        code = verdict.diagnosis.code if verdict.diagnosis else ""
        if code != f"listed:{number - 1}":
            said = verdict.diagnosis.message if verdict.diagnosis else verdict.detail
            message = f"graded wrong but not with its own feedback (the grader says: {said})"
            return False, _in_variant(variant, message), where, ""
    return True, "graded wrong with its listed feedback", None, ""


def _check_option(math: LessonMath, exercise: Exercise, index: int) -> tuple[bool, str, Location | None, str]:
    """A wrong option of a choice is graded wrong with its own feedback."""
    option = exercise.options[index]
    verdict = grade_terms(letter(index), exercise_terms(math.lesson, exercise), seed=SEED)
    code = verdict.diagnosis.code if verdict.diagnosis else ""
    if verdict.kind != "different" or code != f"listed:{index}":
        return (
            False,
            f"option {letter(index)} is not graded wrong with its feedback: {verdict.detail}",
            option.location,
            "",
        )
    return True, "graded wrong with its feedback", None, ""


def _check_every_draw(math: LessonMath, exercise: Exercise) -> tuple[bool, str, Location | None, str]:
    """Every variant (up to variants.MAX_GRID of them) has an answer: defined, and for a number a
    finite number, for a shape whole sizes of 1 or more."""
    checked = 0
    for values in every_draw(exercise.parameters):
        variant = with_values(exercise, values)
        problem = _undefined(math, variant)
        if problem is not None:
            message = f"the answer is {problem} in the variant {describe(values)}: narrow the parameters"
            return False, message, exercise.answer.location, ""
        checked += 1
    return True, f"every variant has an answer ({checked} checked)", None, ""


def _undefined(math: LessonMath, variant: Exercise) -> str | None:
    """What is wrong with a variant's expected answer ("undefined", ...), or None when it is fine."""
    if variant.kind == "choice":
        return None
    terms = exercise_terms(math.lesson, variant)
    table = terms.symbol_table()
    key = (table.variables, terms.definitions, terms.functions)
    try:
        if variant.kind == "shape":
            from studybuddy.core.grading.kinds import read_shape

            dims = read_shape(terms.expected, lambda text, _: prepared(text, *key), None)
            if any(dim.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) for dim in dims):
                return "undefined"
            return None
        expr = prepared(terms.expected, *key)
        if variant.kind == "number":
            from studybuddy.core.grading.kinds import number_value

            number_value(terms.expected, expr)
            return None
    except ExprError as error:
        return f"not a usable value ({error.message})"
    parts = list(expr) if isinstance(expr, sympy.MatrixBase) else [expr]
    if any(part.has(sympy.zoo, sympy.nan) or part.has(sympy.oo, -sympy.oo) for part in parts):
        return "undefined (a division by zero?)"
    return None


def _too_many_mistakes(key: str, exercise: Exercise) -> ItemResult:
    return ItemResult(
        key,
        False,
        f"this exercise lists {len(exercise.mistakes)} mistakes; at most {MAX_CHECKED_MISTAKES} can be "
        "checked (each is compared with every one listed before it)",
        exercise.mistakes[MAX_CHECKED_MISTAKES].location,
    )


def _grade(math: LessonMath, exercise: Exercise, answer: SourceText) -> Verdict:
    """Grade as a learner's answer is graded in the app (the same terms, the same core call); an
    unreadable one is a LessonError at the character that is wrong (a name outside the exercise's
    ``variables`` included). The answer and mistakes of an exercise with parameters are the author's
    expressions of them (``n - k + 1``, ``a*z^(a - 1)``), read with the parameters' names too, where a
    learner types their values (the prompt gives them)."""
    terms = exercise_terms(math.lesson, exercise)
    if exercise.kind == "number":
        terms = replace(terms, answer_variables=None)
    elif exercise.parameters and terms.answer_variables is not None:
        names = (*terms.answer_variables, *(parameter.name for parameter in exercise.parameters))
        terms = replace(terms, answer_variables=names)
    verdict = grade_terms(answer.text, terms, seed=SEED)
    if verdict.kind == "invalid" and verdict.error is not None:
        unreadable = exercise.answer if verdict.detail.startswith(UNREADABLE_EXPECTED) else answer
        raise expression_error(unreadable, verdict.error)
    return verdict


# --- plumbing ----------------------------------------------------------------------------------------


class Outcome(NamedTuple):
    """What an item found (an item may return a plain 4-tuple when it has no figures)."""

    passed: bool
    message: str
    location: Location | None
    detail: str
    rows: tuple[Mapping[str, Any], ...] = ()


def _guarded(
    key: str, body: Callable[[], tuple[Any, ...]], fallback: Location | None = None
) -> Callable[[], ItemResult]:
    """Run an item, turning a lesson error (a bad expression) into a failed result at its position."""

    def run() -> ItemResult:
        started = time.perf_counter()
        try:
            passed, message, location, detail, rows = Outcome(*body())
        except LessonError as error:
            return _failure(key, error, started)
        except MemoryError:  # over the worker's memory cap: the worker says so and is replaced
            raise
        except Exception as error:  # a numeric or SymPy failure on this item: report it, check the rest
            return ItemResult(
                key,
                False,
                f"could not be checked: {type(error).__name__}: {error}",
                fallback,
                "",
                _ms(started),
            )
        return ItemResult(
            key, passed, message, location or (None if passed else fallback), detail, _ms(started), rows
        )

    return run


def _failure(key: str, error: LessonError, started: float | None = None) -> ItemResult:
    message = f"{error.path}: {error.message}" if error.path else error.message
    return ItemResult(key, False, message, error.location, error.detail, _ms(started) if started else 0.0)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
