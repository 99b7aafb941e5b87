"""Grading the one-line kinds besides an expression: a number, a shape, a choice of options.

Each reads the learner's text, compares it with what the exercise's terms expect, and returns a
Verdict as the expression grader does (``equivalent``, ``different`` with a diagnosis, ``invalid`` at
the column that could not be read), so the quiz, the lesson checker and every caller treat all kinds
alike. ``grade_terms`` (grader.py) sends each kind here.

- number: the learner writes a number or an expression of numbers (`3/4`, `2^10`, `sqrt(2)/2`); it
  is right within the exercise's tolerance (absolute, or relative to the expected value; by default
  exact up to rounding at 1e-9). A wrong number is not told the right one: a listed mistake (within
  the same tolerance), a sign, a constant factor, off by one, or "close: rounded too early?".
- shape: `(N, C)`, `N x C`, `N×C`, `[N, C]`, `(N,)`; each dimension an expression of the declared
  symbols, compared as scalars are. Dimensions in the wrong order are named as a transpose.
- choice: the learner gives letters (`b`, `a c`, `a, c`) or numbers (`2`); right when the chosen set
  is the right set. A wrong option's feedback is its diagnosis; a right one's explains it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import sympy

from studybuddy.core.grading.equivalence import equivalent_exprs
from studybuddy.core.grading.precise import precise_by_evalf
from studybuddy.core.grading.terms import GradingTerms
from studybuddy.core.grading.verdict import Diagnosis, ListedMistake, Verdict, invalid
from studybuddy.core.mathexpr import ExprError, SymbolTable

EXACT = 1e-9  # a number exercise without a tolerance: equal up to rounding
DIGITS = 30

Reader = Callable[[str, tuple[str, ...] | None], sympy.Basic]  # text, allowed names -> expression


def grade_kind(answer: str, terms: GradingTerms, table: SymbolTable, read: Reader, seed: int) -> Verdict:
    """The verdict for ``answer`` to a number, shape or choice exercise."""
    if terms.kind == "number":
        return grade_number(answer, terms, read)
    if terms.kind == "shape":
        return grade_shape(answer, terms, table, read, seed)
    if terms.kind == "choice":
        return grade_choice(answer, terms)
    raise ValueError(f"no kind {terms.kind!r}")


def preview_kind(text: str, terms: GradingTerms, read: Reader) -> str:
    """What the answer box shows under a number, shape or choice answer (ExprError when unreadable)."""
    if terms.kind == "choice":
        chosen = read_choice(text, len(terms.options))
        return "you choose " + ", ".join(letter(index) for index in sorted(chosen))
    if terms.kind == "shape":
        dims = read_shape(text, read, terms.answer_variables)
        return "(" + ", ".join(sympy.sstr(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"
    value = number_value(text, read_number(text, read, terms.answer_variables))
    return _show(value)


# --- numbers -----------------------------------------------------------------------------------------


def grade_number(answer: str, terms: GradingTerms, read: Reader) -> Verdict:
    try:
        expected = number_value(terms.expected, read(terms.expected, None))
    except ExprError as error:
        return invalid(error, prefix="the expected answer is unreadable: ")
    try:
        given = number_value(answer, read_number(answer, read, terms.answer_variables))
    except ExprError as error:
        return invalid(error)
    if _within(given, expected, terms.tolerance):
        exact = terms.tolerance is None
        return Verdict(
            "equivalent",
            "equal" if exact else f"within {_tolerance_text(terms.tolerance)}",
            "Correct." if exact else f"Correct: within {_tolerance_text(terms.tolerance)} of the answer.",
        )
    diagnosis = _number_diagnosis(given, expected, terms, read)
    detail = f"Not right: {_show(given)} is not the answer."
    if diagnosis is not None:
        return Verdict("different", "different", diagnosis.message, diagnosis=diagnosis)
    return Verdict("different", "different", detail)


def read_number(text: str, read: Reader, allowed: tuple[str, ...] | None = ()) -> sympy.Basic:
    """A learner's number: an expression of numbers only (the question's names are not for it; the
    lesson checker reads the author's expressions of the parameters with ``allowed`` None)."""
    try:
        return read(text, allowed)
    except ExprError as error:
        if not error.message.startswith("unknown name"):
            raise
        name = error.text[error.start : error.end]
        raise ExprError(
            f"this question asks for a number: write the value, not {name!r}",
            error.text,
            error.start,
            error.end,
        ) from None


def number_value(text: str, expr: sympy.Basic) -> float:
    """A number answer's value: real and finite, else an ExprError over the whole text."""
    if getattr(expr, "shape", None) is not None or expr.free_symbols:
        raise ExprError("this question asks for one number", text, 0, len(text))
    found = precise_by_evalf(expr, DIGITS)
    if found is None:
        raise ExprError("this has no finite value", text, 0, len(text))
    value, _ = found
    if abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
        raise ExprError("this is not a real number", text, 0, len(text))
    return float(value.real)


def _within(given: float, expected: float, tolerance: tuple[str, float] | None) -> bool:
    gap = abs(given - expected)
    if tolerance is None:
        return gap <= EXACT * max(1.0, abs(expected))
    kind, value = tolerance
    allowed = value if kind == "absolute" else value * abs(expected)
    return gap <= allowed + 1e-12 * max(1.0, abs(expected))  # 0.1 + 0.2 is within 0 of 0.3


def _tolerance_text(tolerance: tuple[str, float] | None) -> str:
    if tolerance is None:
        return "rounding"
    kind, value = tolerance
    return f"±{value:g}" if kind == "absolute" else f"{value * 100:g}%"


def _number_diagnosis(given: float, expected: float, terms: GradingTerms, read: Reader) -> Diagnosis | None:
    for index, mistake in enumerate(terms.mistakes):
        try:
            value = number_value(mistake.answer, read(mistake.answer, None))
        except ExprError:
            continue  # an unreadable listed mistake matches nothing (lessons check says so)
        if _within(given, value, terms.tolerance):
            return Diagnosis(f"listed:{index}", mistake.feedback)
    if expected != 0 and _within(-given, expected, terms.tolerance):
        return Diagnosis("sign", "Sign error: your answer is the negative of the right one.")
    if given != 0 and expected != 0:
        for ratio in _FACTORS:
            if _within(given / float(ratio), expected, terms.tolerance):
                return Diagnosis(
                    "factor", f"Off by a constant factor: yours is {ratio} times the right value."
                )
    if abs(abs(given - expected) - 1) <= 1e-9 and float(expected).is_integer():
        return Diagnosis("off-by-one", "Off by one: yours is 1 away from the right value.")
    if terms.tolerance is not None:
        kind, value = terms.tolerance
        allowed = value if kind == "absolute" else value * abs(expected)
        if abs(given - expected) <= 10 * allowed:
            return Diagnosis(
                "close",
                f"Close, but not within {_tolerance_text(terms.tolerance)}: round only at the end.",
            )
    return None


# The slips of a worked example: a factor 2 (a derivative's), a power of ten (a unit, a percentage).
_FACTORS = tuple(
    sympy.Rational(n, d)
    for n, d in ((2, 1), (1, 2), (3, 1), (1, 3), (4, 1), (1, 4), (10, 1), (1, 10), (100, 1), (1, 100))
)


def _show(value: float) -> str:
    return f"{value:.6g}"


# --- shapes ------------------------------------------------------------------------------------------

_BY = re.compile(r"\s*(?:×|\bx\b|(?<=[0-9])x(?=[0-9]))\s*")  # N x C, N×C, 3x2


@dataclass(frozen=True)
class _Part:
    text: str
    start: int


def read_shape(text: str, read: Reader, allowed: tuple[str, ...] | None) -> list[sympy.Basic]:
    """The dimensions of a shape written with the names ``allowed`` (None: all); ExprError at the
    column of what is wrong."""
    parts = _split_shape(text)
    dims = []
    for part in parts:
        try:
            dim = read(part.text, allowed)
        except ExprError as error:
            raise ExprError(
                error.message, text, part.start + error.start, part.start + error.end, error.suggestion
            ) from None
        span = (part.start, part.start + len(part.text))
        if getattr(dim, "shape", None) is not None:
            raise ExprError("a dimension is a size, not a vector or matrix", text, *span)
        if dim.is_number and not (dim.is_integer and dim >= 1):
            raise ExprError(f"a dimension is a whole number of 1 or more, not {sympy.sstr(dim)}", text, *span)
        counts = [
            name for name in sorted(dim.free_symbols, key=str) if not name.is_positive or not name.is_integer
        ]
        if counts:
            raise ExprError(
                f"{counts[0]} is not declared natural: a dimension counts things (declare it 'natural')",
                text,
                *span,
            )
        if dim.is_positive is False:
            raise ExprError(f"a dimension is a size of 1 or more; {sympy.sstr(dim)} is not", text, *span)
        dims.append(dim)
    return dims


def _split_shape(text: str) -> list[_Part]:
    stripped = text.strip()
    offset = text.index(stripped) if stripped else 0
    if not stripped:
        raise ExprError("the shape is empty: write it as (N, C) or N x C", text, 0, max(1, len(text)))
    pairs = {"(": ")", "[": "]"}
    if stripped[0] in pairs and stripped.endswith(pairs[stripped[0]]) and _closes_at_end(stripped):
        stripped, offset = stripped[1:-1], offset + 1
    pieces = _top_level(stripped, ",")
    if len(pieces) > 1:
        if not pieces[-1][0].strip():  # (N,): a 1-D shape
            pieces = pieces[:-1]
    else:
        pieces = [(m, s) for m, s in _split_by(stripped)]
    parts = []
    for piece, start in pieces:
        if not piece.strip():
            raise ExprError("a dimension is missing here", text, offset + start, offset + start + 1)
        lead = len(piece) - len(piece.lstrip())
        parts.append(_Part(piece.strip(), offset + start + lead))
    return parts


def _closes_at_end(text: str) -> bool:
    """Whether the bracket opening ``text`` is the one closing it (``(N) x (C)`` is not wrapped)."""
    depth = 0
    for index, char in enumerate(text):
        depth += char in "(["
        depth -= char in ")]"
        if depth == 0:
            return index == len(text) - 1
    return False


def _top_level(text: str, separator: str) -> list[tuple[str, int]]:
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += char in "(["
        depth -= char in ")]"
        if char == separator and depth == 0:
            pieces.append((text[start:index], start))
            start = index + 1
    pieces.append((text[start:], start))
    return pieces


def _split_by(text: str) -> list[tuple[str, int]]:
    pieces, start = [], 0
    for match in _BY.finditer(text):
        pieces.append((text[start : match.start()], start))
        start = match.end()
    pieces.append((text[start:], start))
    return pieces


def grade_shape(answer: str, terms: GradingTerms, table: SymbolTable, read: Reader, seed: int) -> Verdict:
    try:
        expected = read_shape(terms.expected, read, None)
    except ExprError as error:
        return invalid(error, prefix="the expected answer is unreadable: ")
    try:
        given = read_shape(answer, read, terms.answer_variables)
    except ExprError as error:
        return invalid(error)
    wrong = _wrong_dimensions(given, expected, table, seed)
    if not wrong:
        return Verdict("equivalent", "proved equal", "Correct: that is the shape.")
    for index, mistake in enumerate(terms.mistakes):
        try:
            listed = read_shape(mistake.answer, read, None)
        except ExprError:
            continue
        if not _wrong_dimensions(given, listed, table, seed):
            diagnosis = Diagnosis(f"listed:{index}", mistake.feedback)
            return Verdict("different", "different", diagnosis.message, diagnosis=diagnosis)
    if len(given) != len(expected):
        if len(given) == 2 and len(expected) == 1 and not _wrong_dimensions(given[:1], expected, table, seed):
            message = "(N, 1) is a 2-D column; the question wants a 1-D shape, (N,)."
        elif (
            len(given) == 1 and len(expected) == 2 and not _wrong_dimensions(given, expected[:1], table, seed)
        ):
            message = "(N,) is a 1-D shape; the question wants two dimensions."
        else:
            count = len(expected)
            message = (
                f"The question's shape has {count} dimension{'s' if count != 1 else ''}, yours {len(given)}."
            )
        return Verdict("different", "different", message, diagnosis=Diagnosis("dimensions", message))
    if not _wrong_dimensions(given[::-1], expected, table, seed):
        message = "The dimensions are in the wrong order: did you transpose?"
        return Verdict("different", "different", message, diagnosis=Diagnosis("transpose", message))
    names = " and ".join(str(index + 1) for index in wrong)
    noun = "Dimension" if len(wrong) == 1 else "Dimensions"
    return Verdict(
        "different", "different", f"{noun} {names} of your shape {'is' if len(wrong) == 1 else 'are'} wrong."
    )


def _wrong_dimensions(
    given: list[sympy.Basic], expected: list[sympy.Basic], table: SymbolTable, seed: int
) -> list[int]:
    """The (0-based) dimensions that differ; every one when the counts differ."""
    if len(given) != len(expected):
        return list(range(max(len(given), len(expected))))
    return [
        index
        for index, (mine, right) in enumerate(zip(given, expected, strict=True))
        if mine != right and equivalent_exprs(mine, right, table, seed=seed).kind != "equivalent"
    ]


# --- choices -----------------------------------------------------------------------------------------

_CHOICE = re.compile(r"\(?([A-Za-z]|[0-9]{1,2})\)?\.?")
_SEPARATORS = re.compile(r"(?:\s*,\s*|\s+and\s+|\s+)")


def letter(index: int) -> str:
    return chr(ord("a") + index)


def read_choice(text: str, options: int) -> set[int]:
    """The options chosen (0-based): letters or numbers, separated by commas, spaces or 'and'."""
    chosen: set[int] = set()
    position = 0
    stripped = text.strip()
    if not stripped:
        raise ExprError("choose an option: type its letter", text, 0, max(1, len(text)))
    start = text.index(stripped)
    while position < len(stripped):
        found = _CHOICE.match(stripped, position)
        column = start + position
        if found is None:
            raise ExprError(
                f"type the letter of an option (a to {letter(options - 1)}), or several: a c",
                text,
                column,
                column + 1,
            )
        token = found.group(1)
        index = int(token) - 1 if token.isdigit() else ord(token.lower()) - ord("a")
        if not 0 <= index < options:
            raise ExprError(
                f"there is no option {token} (the options are a to {letter(options - 1)})",
                text,
                column,
                column + len(found.group(0)),
            )
        chosen.add(index)
        position = found.end()
        separator = _SEPARATORS.match(stripped, position)
        if separator is not None and separator.end() > position:
            position = separator.end()
        elif position < len(stripped):
            column = start + position
            raise ExprError("separate the letters with a space or a comma: a, c", text, column, column + 1)
    return chosen


def grade_choice(answer: str, terms: GradingTerms) -> Verdict:
    options = terms.options
    right = {index for index, (correct, _) in enumerate(options) if correct}
    try:
        chosen = read_choice(answer, len(options))
    except ExprError as error:
        return invalid(error)
    if len(right) == 1 and len(chosen) > 1:
        return invalid(ExprError("choose one option: only one is right", answer, 0, max(1, len(answer))))
    if chosen == right:
        explanation = " ".join(options[index][1] for index in sorted(chosen))
        return Verdict(
            "equivalent",
            "the right option" if len(right) == 1 else "the right options",
            "Correct.",
            diagnosis=Diagnosis("explanation", explanation),
        )
    wrong = sorted(chosen - right)
    if wrong:
        said = " ".join(f"({letter(index)}) {options[index][1]}" for index in wrong)
        if len(wrong) == 1:
            said = options[wrong[0]][1]
        return Verdict("different", "a wrong option", said, diagnosis=Diagnosis(f"listed:{wrong[0]}", said))
    missing = len(right - chosen)
    message = (
        f"Right as far as it goes, but {missing} more option{'s are' if missing > 1 else ' is'} right too."
    )
    return Verdict(
        "different", "not every right option", message, diagnosis=Diagnosis("missing-option", message)
    )


def choice_mistakes(terms: GradingTerms) -> list[ListedMistake]:
    """Each wrong option as a listed mistake (its letter and feedback), for the lesson checker."""
    return [
        ListedMistake(letter(i), feedback)
        for i, (correct, feedback) in enumerate(terms.options)
        if not correct
    ]
