"""An answer of another shape than the question's: said at once, and not held against the learner.

A 3x1 answer to a question that wants 1x3 is not a wrong value but a slip of form (a transpose, a
forgotten sum, `*` where `@` was meant), the kind of thing MITx's MatrixGrader reports without using an
attempt. The verdict is of kind ``shape``: the quiz shows it and records no attempt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import sympy

from studybuddy.core.grading.verdict import Diagnosis, Verdict

Shape = tuple[int, int]
_TYPED_TIMES = re.compile(r"(?<!\*)\*(?!\*)")  # a `*`, not part of `**`


def shape_of(expr: sympy.Basic) -> Shape:
    """(rows, columns) of a value; a number, and a 1 x 1 matrix, is (1, 1)."""
    shape = getattr(expr, "shape", None)
    return (1, 1) if shape is None else (int(shape[0]), int(shape[1]))


def describe(shape: Shape) -> str:
    """'3x1 (a column)', '1x3 (a row)', '2x3', 'a number'."""
    rows, cols = shape
    if shape == (1, 1):
        return "a number"
    if cols == 1:
        return f"{rows}x1 (a column)"
    if rows == 1:
        return f"1x{cols} (a row)"
    return f"{rows}x{cols}"


def shape_message(answer: Shape, expected: Shape, typed: str = "") -> str:
    """'Your answer is 3x1 (a column), the question wants 1x3 (a row): did you transpose?'; ``typed``
    (the answer as typed) adds that `*` is elementwise when it has one."""
    text = f"Your answer is {describe(answer)}, the question wants {describe(expected)}"
    if answer == expected[::-1]:
        return f"{text}: did you transpose?"
    if expected == (1, 1):
        return f"{text}: a sum or a dot product (a @ b, dot(a, b)) gives one number; `*` is elementwise."
    if answer != (1, 1) and _TYPED_TIMES.search(typed):
        return f"{text}: `*` is elementwise, as in NumPy; `@` is the matrix product."
    return f"{text}."


def shape_verdict(
    answer: sympy.Basic,
    expected: sympy.Basic,
    mistakes: Sequence[tuple[sympy.Basic, str]],
    same: Callable[[sympy.Basic, sympy.Basic], bool],
    typed: str = "",
) -> Verdict | None:
    """The ``shape`` verdict when ``answer``'s shape is not ``expected``'s (None when it is).

    A listed mistake of the answer's shape that ``same`` finds equal to it gives its feedback too: an
    author who foresaw `x g^T` for `g x^T` says more than "did you transpose?"."""
    ours, theirs = shape_of(answer), shape_of(expected)
    if ours == theirs:
        return None
    diagnosis = None
    for index, (mistake, feedback) in enumerate(mistakes):
        if mistake is sympy.nan or shape_of(mistake) != ours:
            continue
        if same(answer, mistake):
            diagnosis = Diagnosis(f"listed:{index}", feedback)
            break
    return Verdict("shape", "different shapes", shape_message(ours, theirs, typed), diagnosis=diagnosis)
