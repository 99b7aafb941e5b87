"""What the quiz shows above the answer box for an exercise's kind: how to answer it.

A choice lists its options (lettered a, b, ...; one or several right), a number says how close is
right, a shape how a shape is written and with which names, a vector or matrix answer which of its
names are vectors and matrices and how they are typed, and a variant which values were drawn. Decided
here from the lesson alone (no SymPy: the app's process never imports it); the quiz screen lays it out.
The expected answer's own shape needs SymPy: ``GradingService.answer_shape`` reads it in the worker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studybuddy.core.lessons.model import Exercise, Lesson, SymbolSpec


@dataclass(frozen=True)
class ChoiceOption:
    letter: str  # a, b, c, ...
    text: str  # as the lesson wrote it (Markdown: code in backticks)

    @property
    def parts(self) -> tuple[tuple[str, bool], ...]:
        """The text as shown: plain runs and inline code (True), the backticks gone."""
        return inline_code_parts(self.text)

    @property
    def shown(self) -> str:
        return "".join(text for text, _ in self.parts)


_BACKTICKS = re.compile(r"`+")


def inline_code_parts(markdown: str) -> tuple[tuple[str, bool], ...]:
    """One line of Markdown as plain runs and inline code spans (True), as the lesson's Markdown shows
    them: a run of n backticks opens a code span that the next run of exactly n closes, a space just
    inside both ends is dropped, and a run that nothing closes is shown as it is (CommonMark's rules)."""
    parts: list[tuple[str, bool]] = []
    plain_from = position = 0
    while (opening := _BACKTICKS.search(markdown, position)) is not None:
        ticks = opening.group()
        closing = next(
            (run for run in _BACKTICKS.finditer(markdown, opening.end()) if run.group() == ticks), None
        )
        if closing is None:
            position = opening.end()  # no closing run: these backticks are plain text
            continue
        code = markdown[opening.end() : closing.start()]
        if len(code) > 2 and code.startswith(" ") and code.endswith(" ") and code.strip():
            code = code[1:-1]
        if opening.start() > plain_from:
            parts.append((markdown[plain_from : opening.start()], False))
        parts.append((code, True))
        plain_from = position = closing.end()
    if plain_from < len(markdown):
        parts.append((markdown[plain_from:], False))
    return tuple(parts)


@dataclass(frozen=True)
class ExerciseForm:
    """How to answer the exercise on screen."""

    kind: str  # answer, number, shape, choice
    instruction: str  # one or two sentences: what to type
    options: tuple[ChoiceOption, ...] = ()  # choice
    several: bool = False  # choice: more than one option is right (the learner chooses a set)
    variant: str | None = None  # "n = 12, k = 5": the values drawn (None: the exercise has no parameters)
    arrays: bool = False  # an answer over declared vectors or matrices: its expected shape is worth asking
    placeholder: str = "Your answer, as you would write it: 2x, x^2, exp(-z)…"  # in the empty answer box
    empty_preview: str = "Type an expression; its pretty form appears here."  # under the empty answer box
    # Example answers shown (in the placeholder and the instruction): never the exercise's answer. Those
    # decided here use letters that are not the right options, or names the exercise does not have.
    examples: tuple[str, ...] = ()
    # A number's examples cannot be told apart from its answer without SymPy: the grading worker picks
    # the first of these sets none of which is the answer (number_placeholder); until then, no examples.
    number_examples: tuple[tuple[str, ...], ...] = ()


def letter(index: int) -> str:
    return chr(ord("a") + index)


def exercise_form(lesson: Lesson, exercise: Exercise) -> ExerciseForm:
    """The form of ``exercise`` (a drawn variant when it has parameters) of ``lesson``."""
    from studybuddy.core.lessons.variants import describe

    variant = describe(exercise.drawn) if exercise.parameters else None
    taken = _taken_names(lesson, exercise)
    if exercise.kind == "choice":
        right = {i for i, option in enumerate(exercise.options) if option.correct}
        options = tuple(ChoiceOption(letter(i), option.text) for i, option in enumerate(exercise.options))
        last = letter(len(options) - 1)
        example = _choice_example(len(options), right)
        if len(right) > 1:
            instruction = (
                f"Several options are right: choose every one (type their letters, {example}; a to {last})."
            )
            placeholder = f"The letters of your choices: {example}"
        else:
            instruction = f"One option is right: choose it (type its letter, a to {last})."
            placeholder = f"The letter of your choice: {example}"
        return ExerciseForm(
            "choice",
            instruction,
            options,
            len(right) > 1,
            variant,
            placeholder=placeholder,
            empty_preview="Type the letters or click the options; your choice appears here as read.",
            examples=(example,),
        )
    if exercise.kind == "number":
        instruction = "A number: " + tolerance_text(exercise) + "."
        return ExerciseForm(
            "number",
            instruction,
            variant=variant,
            placeholder="A number",
            empty_preview="Type a number; it appears here as read.",
            number_examples=NUMBER_EXAMPLES,
        )
    if exercise.kind == "shape":
        names = _names(lesson, exercise)
        using = f", with {', '.join(names)}" if names else ""
        rows, cols = _free_names(taken, [("N", "C"), ("B", "D"), ("P", "Q"), ("R", "S")])
        forms = (f"({rows}, {cols})", f"{rows} x {cols}", f"({rows},)")
        instruction = f"A shape: {forms[0]} or {forms[1]}{using}; {forms[2]} for a 1-D array."
        placeholder = f"A shape: {forms[0]} or {forms[1]}"
        return ExerciseForm(
            "shape",
            instruction,
            variant=variant,
            placeholder=placeholder,
            empty_preview="Type a shape; it appears here as read.",
            examples=forms,
        )
    arrays = _arrays(lesson, exercise)
    if not arrays:
        (name, other) = _free_names(taken, [("x", "z"), ("t", "u"), ("a", "b"), ("k", "m")])
        examples = (f"2{name}", f"{name}^2", f"exp(-{other})")
        placeholder = f"Your answer, as you would write it: {', '.join(examples)}…"
        return ExerciseForm("answer", "", variant=variant, placeholder=placeholder, examples=examples)
    declared = "; ".join(f"{symbol.name} is {_declared_shape(symbol.shape)}" for symbol in arrays)
    matrix, vector, other = _free_names(taken, [("W", "g", "x"), ("A", "u", "v"), ("M", "p", "q")])
    examples = (f"{matrix}.T @ {vector}", f"np.outer({vector}, {other})", f"{matrix}.T")
    instruction = (
        f"{declared}. Type it as NumPy code: @ is the matrix product, * elementwise, "
        f"{examples[2]} transposes."
    )
    placeholder = f"Your answer as NumPy code: {examples[0]}, {examples[1]}…"
    return ExerciseForm(
        "answer",
        instruction,
        variant=variant,
        arrays=True,
        placeholder=placeholder,
        empty_preview="Type NumPy code; its pretty form appears here.",
        examples=examples,
    )


# How a number may be written, in sets the grading worker chooses from (the first with no example that
# is the exercise's answer): a decimal, a fraction, a power.
NUMBER_EXAMPLES: tuple[tuple[str, ...], ...] = (
    ("0.25", "1/4", "2^10"),
    ("0.3", "3/10", "2^8"),
    ("0.6", "3/5", "3^4"),
)


def number_placeholder(examples: tuple[str, ...]) -> str:
    """The number box's placeholder with the examples the grading worker chose."""
    return f"A number: {', '.join(examples)}…"


def _choice_example(count: int, right: set[int]) -> str:
    """Letters to show as a typed choice, as many as are right (two when several are), never exactly
    the right ones: 'a c', else another pair or letter."""
    pairs: list[tuple[int, ...]] = [(0, 2), (0, 1), (1, 2)]
    pairs += [(i, j) for i in range(count) for j in range(i + 1, count)]
    singles: list[tuple[int, ...]] = [(1,), (0,), *((i,) for i in range(count))]
    candidates = [*pairs, *singles] if len(right) > 1 else singles
    chosen = next((c for c in candidates if max(c) < count and set(c) != right), (0,))
    return " ".join(letter(index) for index in chosen)


def _taken_names(lesson: Lesson, exercise: Exercise) -> set[str]:
    """Names an example must not use: the lesson's symbols and definitions and the exercise's parameters
    (an example written with them could be the answer; with other names it never reads as one)."""
    taken = {symbol.name for symbol in lesson.symbols} | {name for name, _ in lesson.definitions}
    return taken | {parameter.name for parameter in exercise.parameters}


def _free_names(taken: set[str], choices: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The first group of names none of which is taken (the last group when every one is)."""
    return next((group for group in choices if not taken.intersection(group)), choices[-1])


_LETTER_OR_NUMBER = re.compile(r"\b([A-Za-z]|[0-9]{1,2})\b")


def chosen_letters(text: str, options: int) -> set[int]:
    """The options (0-based) a typed choice names, read leniently to tick them in the list as the
    learner types (the grade reads the text strictly and says what is wrong with it)."""
    chosen = set()
    for token in _LETTER_OR_NUMBER.findall(text):
        index = int(token) - 1 if token.isdigit() else ord(token.lower()) - ord("a")
        if 0 <= index < options:
            chosen.add(index)
    return chosen


def tolerance_text(exercise: Exercise) -> str:
    """'right within ±0.001 (absolute)', 'right within 1% of the answer', 'exact'."""
    tolerance = exercise.tolerance
    if tolerance is None:
        return "exact (an expression of numbers, such as a fraction or a power, is read too)"
    if tolerance.kind == "absolute":
        return f"right within ±{tolerance.text} (absolute)"
    return f"right within {tolerance.text} of the answer (relative)"


def _names(lesson: Lesson, exercise: Exercise) -> list[str]:
    if exercise.variables is not None:
        return list(exercise.variables)
    parameters = {parameter.name for parameter in exercise.parameters}
    return [
        symbol.name for symbol in lesson.symbols if symbol.shape is None and symbol.name not in parameters
    ]


def _arrays(lesson: Lesson, exercise: Exercise) -> list[SymbolSpec]:
    """The declared vectors and matrices the expected answer uses (and the learner may use)."""
    allowed = None if exercise.variables is None else set(exercise.variables)
    used = set(_NAME.findall(exercise.answer))
    return [
        symbol
        for symbol in lesson.symbols
        if symbol.shape is not None and symbol.name in used and (allowed is None or symbol.name in allowed)
    ]


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _declared_shape(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return "a number"
    if len(shape) == 1:
        return f"a {shape[0]}-vector (NumPy's shape ({shape[0]},))"
    return f"{shape[0]}x{shape[1]}"
