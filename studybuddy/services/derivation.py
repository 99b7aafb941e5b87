"""Marking a learner's derivation: one call per line, each in the grading worker under its time limit.

The one path for every derivation a learner writes: ``studybuddy derive`` (a file, or JSON lines), the
lesson checker's derive exercises (through the same core call), and a screen that marks each line as
the learner finishes it. A line is marked in the killable grading worker (never in the caller's
process): a line that overruns the limit is ``unknown``, the worker is replaced, and the next line is
marked by the new one. Every mark carries the derivation's id, the line's index and its text, so a
screen drops a mark whose line has changed since it asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from studybuddy.core.derivation.lines import Line, read_line
from studybuddy.core.derivation.marks import LineMark
from studybuddy.core.derivation.model import Derivation
from studybuddy.core.errors import StudybuddyError
from studybuddy.services.grading import GradingService, MathTimeout

if TYPE_CHECKING:
    from studybuddy.services.context import StudyContext


class DerivationService:
    """Marks derivation lines through a GradingService's worker (which it may share with the quiz)."""

    def __init__(self, grading: GradingService) -> None:
        self.grading = grading

    def mark_line(self, derivation: Derivation, index: int) -> LineMark | None:
        """The mark of line ``index`` (0-based) of ``derivation``; None for a blank or comment line.

        ``derivation`` holds the lines so far: a line is judged against the lines above it as written,
        never against their marks, so a screen may mark lines in any order and re-mark one that changed.
        """
        if not 0 <= index < len(derivation.lines):
            raise StudybuddyError(f"the derivation has no line {index + 1}")
        line = derivation.lines[index]
        if line.blank:
            return None
        try:
            data = self.grading.mark_derivation_line(derivation, index)
        except MathTimeout:
            return LineMark(
                derivation.id,
                index,
                line.text,
                "unknown",
                strength="time limit",
                detail=f"Could not decide within {self.grading.timeout:g} s; try a shorter step.",
            )
        except StudybuddyError as error:  # SymPy failed on this line in the worker: say so, go on
            return LineMark(derivation.id, index, line.text, "unknown", detail=f"Could not decide: {error}")
        return None if data is None else LineMark.from_dict(data)

    def marks(self, derivation: Derivation) -> Iterator[LineMark]:
        """Every line's mark in order, each as soon as it is known (blank lines have none)."""
        for index in range(len(derivation.lines)):
            mark = self.mark_line(derivation, index)
            if mark is not None:
                yield mark


def read_lines(text: str) -> tuple[Line, ...]:
    """The lines of ``text`` read in the line syntax (cheap and SymPy-free: a screen may call it)."""
    return tuple(read_line(line) for line in text.splitlines())


def open_derivations(context: StudyContext, grading: GradingService | None = None) -> DerivationService:
    """The factory the UI and CLI use: a derivation service over ``grading`` (a fresh one if None)."""
    return DerivationService(grading or GradingService())
