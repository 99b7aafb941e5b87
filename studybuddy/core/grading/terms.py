"""What an answer is graded against, as plain data: built once, used by every way of grading.

An exercise's terms come from ``exercise_terms`` and nowhere else: the app's grade and its live
preview (both in the grading worker process), the lesson checker and the CLI read an answer with the
same names, definitions and listed mistakes, so they can never disagree about it. The terms are plain
strings and tuples (no SymPy): the app builds them in its own process, which never imports SymPy, and
they cross to the worker process as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from studybuddy.core.grading.verdict import ListedMistake

if TYPE_CHECKING:
    from studybuddy.core.lessons.model import Exercise, Lesson
    from studybuddy.core.mathexpr import SymbolTable

PlainVariable = tuple[str, str, tuple[int, ...] | None]  # (name, domain, shape); shape None: a scalar


@dataclass(frozen=True)
class GradingTerms:
    """The expected answer and everything that reads with it.

    ``variables`` are every name the expected answer, the listed mistakes and the definitions may use;
    ``answer_variables`` the only ones a learner's answer may use (an exercise's ``variables``; None:
    all of them). A defined name is replaced by its definition on both sides before they are compared.
    """

    expected: str
    variables: tuple[PlainVariable, ...]
    definitions: tuple[tuple[str, str], ...] = ()
    mistakes: tuple[ListedMistake, ...] = ()
    answer_variables: tuple[str, ...] | None = None
    functions: tuple[str, ...] = ()  # undefined functions (``f`` in ``f(x)``), SymPy-style input only
    # What is asked (grading/kinds.py for the last three): an expression (matrices and vectors
    # included), a number within ``tolerance`` (("absolute" | "relative", value); None: exact up to
    # rounding), a shape, or a choice of ``options`` (each (right, feedback), lettered a, b, ...).
    kind: str = "answer"
    tolerance: tuple[str, float] | None = None
    options: tuple[tuple[bool, str], ...] = ()

    def symbol_table(self) -> SymbolTable:
        """Every declared name as a SymbolTable (imports SymPy; ExprError for an unusable name)."""
        from studybuddy.core.mathexpr import Domain, SymbolTable, Variable

        return SymbolTable(Variable(name, Domain(domain), shape) for name, domain, shape in self.variables)


def plain_variable(variable: Any) -> PlainVariable:
    """``(name, domain, shape)`` from a Variable, a lesson's SymbolSpec, such a tuple, or a bare name."""
    if isinstance(variable, tuple):
        name, domain, shape = variable
    elif isinstance(variable, str):
        name, domain, shape = variable, "real", None
    else:
        name, domain, shape = variable.name, variable.domain, variable.shape
    return str(name), str(getattr(domain, "value", domain)), tuple(shape) if shape else None


def comparison_terms(
    expected: str,
    variables: Iterable[Any],
    *,
    definitions: Mapping[str, str] | None = None,
    mistakes: Sequence[ListedMistake] = (),
    functions: Sequence[str] = (),
    answer_variables: Iterable[str] | None = None,
) -> GradingTerms:
    """The terms of a free comparison (``studybuddy equiv``, scripts): whatever the caller declares."""
    return GradingTerms(
        expected=str(expected),
        variables=tuple(plain_variable(variable) for variable in variables),
        definitions=tuple(sorted((str(name), str(text)) for name, text in (definitions or {}).items())),
        mistakes=tuple(ListedMistake(str(m.answer), m.feedback) for m in mistakes),
        answer_variables=None if answer_variables is None else tuple(str(name) for name in answer_variables),
        functions=tuple(functions),
    )


def exercise_terms(lesson: Lesson, exercise: Exercise) -> GradingTerms:
    """The terms of one of a lesson's exercises: all the lesson's symbols and definitions, the
    exercise's listed mistakes, and its ``variables`` as the only names an answer may use.

    For a variant (``exercise.drawn``, see core.lessons.variants) each parameter is a variable whose
    drawn value replaces it everywhere, as a definition does; the learner's answer may not use it (the
    prompt gives its value). A number's answer may use no variable at all."""
    from studybuddy.core.lessons.variants import exact

    drawn = dict(exercise.drawn)
    parameters = {parameter.name for parameter in exercise.parameters}
    declared = {symbol.name for symbol in lesson.symbols}
    variables: list[Any] = list(lesson.symbols)
    variables += [
        (p.name, _parameter_domain(p.domain), None) for p in exercise.parameters if p.name not in declared
    ]
    definitions = {name: text.text for name, text in lesson.definitions if name not in drawn}
    definitions.update({name: exact(value) for name, value in drawn.items()})
    if exercise.kind == "number":
        allowed: Iterable[str] | None = ()
    elif exercise.variables is not None:
        allowed = exercise.variables
    else:
        allowed = None if not parameters else [name for name in declared if name not in parameters]
    terms = comparison_terms(
        exercise.answer.text,
        variables,
        definitions=definitions,
        mistakes=[ListedMistake(mistake.answer.text, mistake.feedback) for mistake in exercise.mistakes],
        answer_variables=allowed,
    )
    tolerance = exercise.tolerance
    return replace(
        terms,
        kind=exercise.kind,
        tolerance=None if tolerance is None else (tolerance.kind, tolerance.value),
        options=tuple((option.correct, option.feedback) for option in exercise.options),
    )


def _parameter_domain(domain: str) -> str:
    """The domain a parameter's variable is read with (a listed value may be any real number)."""
    return {"value": "real", "even": "integer"}.get(domain, domain)
