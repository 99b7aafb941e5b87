"""A lesson as studybuddy uses it: plain frozen dataclasses, with expressions kept as the text the
author wrote plus where they wrote it (parsing them into SymPy happens on first use, see compile.py).

A lesson is a value: immutable all the way down (tuples, never lists), so it hashes and compares by
everything it holds. The grading worker keys its parsed lessons by that value, so an edited lesson file
is a different key and never meets the mathematics of the version before.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from studybuddy.core.lessons.errors import Location

if TYPE_CHECKING:
    from studybuddy.core.lessons.compile import LessonMath
    from studybuddy.core.mathexpr import SymbolTable

DOMAINS = (
    "real",
    "positive",
    "nonnegative",
    "negative",
    "nonzero",
    "probability",
    "integer",
    "natural",
    "odd",
    "complex",
)

# A lesson's time estimate (`minutes:`): a lesson is studied within a one-hour box, so it takes at most
# an hour; under 5 minutes it is not a lesson's worth (and is most likely a typo).
MIN_MINUTES = 5
MAX_MINUTES = 60


def describe_minutes(minutes: int | None) -> str:
    """``about 40 min`` for a lesson's time estimate; "" when it has none."""
    return "" if minutes is None else f"about {minutes} min"


RuleKind = Literal["equal", "differentiate", "substitute", "limit", "given"]
CheckKind = Literal["gradient", "identity", "example"]
# A number, or nested tuples of numbers (a vector, a matrix), from a numeric check's `at`, `values` or
# `expected`. Tuples, not lists: a list inside would make the whole Lesson unhashable.
NumericValue = float | tuple["NumericValue", ...]


class SourceText(str):
    """An expression exactly as written (it *is* that string), which also knows where it was written.

    ``text_column`` is the column of its first character when the characters map one to one onto
    columns (a one-line plain or quoted scalar), so an error inside it can point at the exact column.
    """

    location: Location
    path: str  # the field path, e.g. exercises[2].answer
    text_column: int | None

    def __new__(cls, text: str, location: Location, path: str, text_column: int | None = None) -> SourceText:
        self = super().__new__(cls, text)
        self.location = location
        self.path = path
        self.text_column = text_column
        return self

    def __getnewargs__(self) -> tuple[str, Location, str, int | None]:  # type: ignore[override]
        return (self.text, self.location, self.path, self.text_column)

    @property
    def text(self) -> str:
        return str.__str__(self)

    def location_of(self, offset: int) -> Location:
        """The file position of character ``offset`` of the text (the scalar's start if unknown)."""
        if self.text_column is None:
            return self.location
        return Location(self.location.source, self.location.line, self.text_column + offset)


@dataclass(frozen=True, slots=True)
class SymbolSpec:
    name: str
    domain: str  # one of DOMAINS
    shape: tuple[int, ...] | None
    location: Location


@dataclass(frozen=True, slots=True)
class StepRule:
    """How a derivation step follows from the one before it (`by:` in the file)."""

    kind: RuleKind
    variable: str | None = None  # differentiate, limit
    replacements: tuple[tuple[str, SourceText], ...] = ()  # substitute
    point: SourceText | None = None  # limit: oo, -oo or a number

    def describe(self) -> str:
        if self.kind == "differentiate":
            return f"differentiating with respect to {self.variable}"
        if self.kind == "substitute":
            return "substituting " + ", ".join(f"{name} = {text.text}" for name, text in self.replacements)
        if self.kind == "limit" and self.point is not None:
            return f"taking the limit {self.variable} -> {self.point.text}"
        return "rewriting (equal)" if self.kind == "equal" else "a new starting point"


@dataclass(frozen=True, slots=True)
class Step:
    expr: SourceText
    reason: str
    by: StepRule
    location: Location


@dataclass(frozen=True, slots=True)
class Check:
    """A numeric check; which expression fields are set depends on ``kind``."""

    id: str
    kind: CheckKind
    description: str
    location: Location
    function: SourceText | None = None  # gradient
    gradient: tuple[tuple[str, SourceText], ...] = ()  # gradient: symbol -> claimed partial derivative
    lhs: SourceText | None = None  # identity
    rhs: SourceText | None = None
    expr: SourceText | None = None  # example
    values: tuple[tuple[str, NumericValue], ...] = ()
    expected: NumericValue | None = None
    at: tuple[tuple[str, NumericValue], ...] = ()  # gradient, identity: a fixed point instead of random ones
    tolerance: float | None = None  # None: the numeric module's default for the kind


@dataclass(frozen=True, slots=True)
class Mistake:
    answer: SourceText
    feedback: str
    location: Location


ExerciseKind = Literal["answer", "number", "shape", "choice"]


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a ``kind: choice`` exercise, with what to say when it is chosen."""

    text: str
    correct: bool
    feedback: str
    location: Location


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far a ``kind: number`` answer may be from the expected value: ``absolute`` (|a - e| <= value)
    or ``relative`` (|a - e| <= value * |e|; written as a percentage in the file)."""

    kind: Literal["absolute", "relative"]
    value: float
    text: str  # as written, for messages ("0.01", "1%")


@dataclass(frozen=True, slots=True)
class Parameter:
    """A value drawn afresh for each variant of an exercise: a range of whole numbers of a ``domain``
    (integer, natural, odd, even) from ``low`` to ``high``, or one of ``values`` (exact number texts)."""

    name: str
    domain: str  # integer, natural, odd, even; "value" for a list
    low: int
    high: int
    values: tuple[str, ...]  # a list's values; () for a range
    location: Location


@dataclass(frozen=True, slots=True)
class Exercise:
    """An exercise the learner answers in one line: an expression (``kind: answer``, matrices and
    vectors included), a number with a tolerance, a shape, or a choice of options.

    An exercise with ``parameters`` is a template: ``core.lessons.variants.instantiate`` draws its
    values (``drawn``, from ``seed``) and puts them into its texts; grading replaces each parameter in
    the answer, the mistakes and the learner's answer by its drawn value."""

    id: str
    prompt: str
    answer: SourceText  # choice: the right options' letters ("a" or "a, c")
    variables: tuple[str, ...] | None  # None: every symbol of the lesson
    hints: tuple[str, ...]
    mistakes: tuple[Mistake, ...]
    solution: str
    location: Location
    kind: ExerciseKind = "answer"
    options: tuple[Option, ...] = ()  # choice
    tolerance: Tolerance | None = None  # number (None: exact, up to rounding at 1e-9)
    parameters: tuple[Parameter, ...] = ()
    drawn: tuple[tuple[str, str], ...] = ()  # a variant's values: parameter name -> exact number text
    seed: int | None = None  # the seed the values were drawn from (None: not a variant)
    template: Exercise | None = None  # a variant's exercise as written, to draw another variant from


@dataclass(frozen=True, slots=True)
class DeriveMistake:
    """A wrong line a derive exercise anticipates at one step of its reference (``step``: 1-based)."""

    step: int
    answer: SourceText
    feedback: str
    location: Location


@dataclass(frozen=True, slots=True)
class DeriveExercise:
    """``kind: derive``: the learner writes the derivation from ``start`` (``from:`` in the file) to a
    line equal to ``goal``, line by line. ``reference`` is the author's derivation (empty: the part of
    the lesson's derivation that leads from ``start`` to ``goal``)."""

    id: str
    prompt: str
    start: SourceText
    goal: SourceText
    reference: tuple[Step, ...]
    mistakes: tuple[DeriveMistake, ...]
    hints: tuple[str, ...]
    solution: str
    location: Location


@dataclass(frozen=True, slots=True)
class LessonSummary:
    """What the library lists and caches for a lesson without keeping all of it in memory."""

    id: str
    title: str
    subject: str
    topic: str
    tags: tuple[str, ...]
    requires: tuple[tuple[str, Location], ...]
    exercise_count: int
    location: Location  # where the id is written
    fingerprint: str = ""  # as Lesson.fingerprint
    step_count: int = 0  # derivation steps: the learner's path counts how many were read
    exercise_ids: tuple[str, ...] = ()  # the quiz's exercises, in order: the path counts those solved
    minutes: int | None = None  # as Lesson.minutes


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    subject: str
    topic: str
    tags: tuple[str, ...]
    requires: tuple[tuple[str, Location], ...]
    symbols: tuple[SymbolSpec, ...]
    definitions: tuple[tuple[str, SourceText], ...]
    intro: str
    derivation: tuple[Step, ...]
    checks: tuple[Check, ...]
    exercises: tuple[Exercise, ...]
    location: Location  # where the id is written
    fingerprint: str = ""  # the SHA-256 of the file it was read from ("" when not read from a file)
    derive_exercises: tuple[DeriveExercise, ...] = ()  # `kind: derive` exercises, in file order
    # The author's estimate of the minutes a learner needs for the whole lesson (steps, checks and every
    # exercise), MIN_MINUTES to MAX_MINUTES: one lesson fits a one-hour study box. None: not given (a
    # lesson written before the field; it loads, and `studybuddy lessons check` asks for one).
    minutes: int | None = None

    @cached_property
    def math(self) -> LessonMath:
        """The symbol table and parsed expressions, built on first use (this imports SymPy)."""
        from studybuddy.core.lessons.compile import LessonMath

        return LessonMath(self)

    def symbol_table(self) -> SymbolTable:
        return self.math.table

    def __getstate__(self) -> dict[str, object]:
        # The parsed mathematics is rebuilt on demand rather than pickled (reports cross processes).
        return {key: value for key, value in self.__dict__.items() if key != "math"}

    @property
    def source(self) -> str:
        return self.location.source

    def summary(self) -> LessonSummary:
        return LessonSummary(
            self.id,
            self.title,
            self.subject,
            self.topic,
            self.tags,
            self.requires,
            len(self.exercises),
            self.location,
            self.fingerprint,
            len(self.derivation),
            tuple(exercise.id for exercise in self.exercises),
            self.minutes,
        )

    def exercise(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)
