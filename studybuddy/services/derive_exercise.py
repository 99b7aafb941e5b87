"""A lesson's ``kind: derive`` exercise, worked line by line: its reference, hints, and the attempt.

The one path for a derive exercise, in the app and from the shell (``studybuddy derive FILE --lesson L
--exercise E``): ``derive_setup`` finds the reference derivation and the context the learner's lines are
read in (with the exercise's listed mistakes); ``next_step_hint`` finds, by equivalence, the step of the
reference the learner's last correct line stands at, and says the step after it; ``finish_derivation``
marks every line, checks the start and the goal and records the attempt with its wrong lines and the
help it had. Every line is marked through ``DerivationService`` (the grading worker): nothing here
imports SymPy, and the calls that wait for the worker run in the caller's worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from studybuddy.core.derivation.lines import read_line
from studybuddy.core.derivation.marks import LineMark
from studybuddy.core.derivation.model import Derivation, DerivationContext
from studybuddy.core.errors import StudybuddyError
from studybuddy.core.lessons.derive_exercises import derive_context, reference_text

if TYPE_CHECKING:
    from studybuddy.core.lessons.model import DeriveExercise, Lesson, Step
    from studybuddy.services.derivation import DerivationService
    from studybuddy.services.grading import GradingService
    from studybuddy.services.progress import ProgressService

HOLDS = ("start", "follows")


@dataclass(frozen=True)
class DeriveSetup:
    """What a derive exercise is worked with: its reference steps, and the context (the lesson's
    symbols and definitions, the exercise's listed mistakes) the learner's lines are read in."""

    lesson: Lesson
    exercise: DeriveExercise
    reference: tuple[Step, ...]
    context: DerivationContext

    def solution_lines(self) -> list[str]:
        """The reference in the line syntax: what the solution shows (a learner could type it)."""
        return reference_text(self.reference)


def derive_setup(lesson: Lesson, exercise: DeriveExercise, grading: GradingService) -> DeriveSetup:
    """The exercise's setup. An exercise without its own reference takes the part of the lesson's
    derivation from 'from' to 'goal', found by equivalence in the grading worker (a caller on the UI
    thread calls this from a worker thread). StudybuddyError when there is no such part."""
    reference = exercise.reference
    if not reference:
        span = grading.derive_reference_span(lesson, exercise.id)
        if span is None:  # the worker read another version of the lesson: nothing to go on
            raise StudybuddyError(f"exercise {exercise.id} has no reference derivation")
        reference = lesson.derivation[span[0] : span[1]]
    return DeriveSetup(lesson, exercise, reference, derive_context(lesson, exercise, reference))


# ---- hints: the next step of the reference, from the learner's last correct line ----------------------


@dataclass(frozen=True)
class DeriveHint:
    """What a hint says; ``step`` is the reference step (1-based) it shows (None: none)."""

    text: str
    step: int | None = None
    from_line: int | None = None  # the learner's line (1-based) it continues


def last_correct_line(derivations: DerivationService, derivation: Derivation) -> int | None:
    """The index of the learner's last line that holds (a start or a line that follows) before the
    first wrong line; None when no line holds yet. Lines are marked (in order) through the worker."""
    last = None
    for index in range(len(derivation.lines)):
        mark = derivations.mark_line(derivation, index)
        if mark is None:
            continue
        if mark.wrong:
            break
        if mark.verdict in HOLDS:
            last = index
    return last


def reference_position(
    derivations: DerivationService, derivation: Derivation, index: int, reference: tuple[Step, ...]
) -> int | None:
    """The last reference step (0-based) equal to what the learner's line ``index`` leaves the
    derivation at, judged by equivalence (the step written as a rewrite after that line follows),
    never by comparing text; None when no step is."""
    lines = derivation.lines[: index + 1]
    for position in range(len(reference) - 1, -1, -1):
        probe = Derivation(
            derivation.id, derivation.context, (*lines, read_line(f"= {reference[position].expr}"))
        )
        mark = derivations.mark_line(probe, index + 1)
        if mark is not None and mark.verdict == "follows":
            return position
    return None


def derive_hint(
    derivations: DerivationService, setup: DeriveSetup, derivation: Derivation, shown: int
) -> DeriveHint:
    """The hint after the ``shown`` ones: the exercise's own hints first, one at a time (they point the
    way without writing the line), then the reference's next step from the learner's last right line."""
    own = setup.exercise.hints
    if shown < len(own):
        return DeriveHint(own[shown])
    return next_step_hint(derivations, setup, derivation)


def next_step_hint(derivations: DerivationService, setup: DeriveSetup, derivation: Derivation) -> DeriveHint:
    """The hint for the derivation as written: the reference step after the one the learner's last
    correct line equals (by equivalence)."""
    written = setup.solution_lines()
    last = last_correct_line(derivations, derivation)
    if last is None:
        return DeriveHint(f"Start from the exercise's starting point: {written[0]}", step=1)
    position = reference_position(derivations, derivation, last, setup.reference)
    line = last + 1
    if position is None:
        return DeriveHint(
            f"Your line {line} is none of the reference's steps (it may still be right: its mark says "
            "whether it follows). The solution shows the reference derivation.",
            from_line=line,
        )
    if position == len(setup.reference) - 1:
        return DeriveHint(
            f"Your line {line} already equals the goal, {setup.exercise.goal}: finish the derivation.",
            step=position + 1,
            from_line=line,
        )
    step = setup.reference[position + 1]
    how = "rewriting" if step.by.kind in ("equal", "given") else step.by.describe()
    return DeriveHint(
        f"From your line {line} (step {position + 1} of the reference), next by {how}: "
        f"{written[position + 1]}",
        step=position + 2,
        from_line=line,
    )


# ---- a finished derivation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinishedDerivation:
    """Every line's mark, the wrong lines (1-based), and whether it starts at 'from' and reaches 'goal'."""

    marks: tuple[LineMark, ...]
    wrong_lines: tuple[int, ...]
    starts: bool
    reaches_goal: bool
    not_recorded: str | None = None  # why the attempt could not be saved, when it could not
    recorded: bool = False

    @property
    def correct(self) -> bool:
        holds = all(mark.verdict in HOLDS for mark in self.marks)
        return bool(self.marks) and holds and self.starts and self.reaches_goal

    @property
    def undecided(self) -> tuple[int, ...]:
        """Lines (1-based) not decided in time: such a derivation is not recorded."""
        return tuple(mark.index + 1 for mark in self.marks if mark.verdict == "unknown")

    @property
    def first_wrong(self) -> LineMark | None:
        return next((mark for mark in self.marks if mark.wrong), None)

    def summary(self, goal: str) -> str:
        """What the learner is told."""
        if not self.marks:
            return "Nothing to finish yet: write the derivation, one step a line."
        if self.correct:
            said = f"✓ Derived: every line follows, from the start to the goal {goal}."
        else:
            problems = []
            if self.wrong_lines:
                listed = ", ".join(str(line) for line in self.wrong_lines)
                problems.append(f"line{'s' if len(self.wrong_lines) > 1 else ''} {listed} do not hold")
            if self.undecided:
                listed = ", ".join(map(str, self.undecided))
                problems.append(
                    f"line{'s' if len(self.undecided) > 1 else ''} {listed} could not be decided in time "
                    "(not recorded: split that step and finish again)"
                )
            if not self.starts:
                problems.append("it does not start from the exercise's starting point")
            if not self.reaches_goal:
                problems.append(f"its last line is not the goal, {goal}")
            said = "✗ Not yet: " + "; ".join(problems) + "."
        if self.not_recorded:
            return f"{said}\n  (not saved: {self.not_recorded})"
        return said + ("\n  Recorded as an attempt." if self.recorded else "")


def check_derivation(
    derivations: DerivationService, setup: DeriveSetup, derivation: Derivation
) -> FinishedDerivation:
    """Mark every line and check the start and the goal (through the worker)."""
    marks = tuple(derivations.marks(derivation))
    wrong = tuple(mark.index + 1 for mark in marks if mark.wrong)
    starts = any(
        _continues_as(derivations, derivation, index, str(setup.exercise.start), by_name=by_name)
        for index, by_name in _starting_lines(marks)
    )
    reaches = bool(marks) and _continues_as(
        derivations, derivation, len(derivation.lines) - 1, str(setup.exercise.goal)
    )
    return FinishedDerivation(marks, wrong, starts, reaches)


def finish_derivation(
    derivations: DerivationService,
    progress: ProgressService,
    setup: DeriveSetup,
    derivation: Derivation,
    *,
    hints_used: int = 0,
    solution_seen: bool = False,
) -> FinishedDerivation:
    """Check the derivation and record it as an attempt (its text, right or not, the first wrong line's
    diagnosis, the wrong lines, the hints and solution shown). An empty derivation is no attempt."""
    finished = check_derivation(derivations, setup, derivation)
    if not finished.marks or finished.undecided:
        return finished  # nothing written, or a line not judged: no attempt to record
    first = finished.first_wrong
    try:
        progress.record_attempt(
            lesson_id=setup.lesson.id,
            exercise_id=setup.exercise.id,
            answer="\n".join(line.text for line in derivation.lines).strip("\n"),
            correct=finished.correct,
            verdict="equivalent" if finished.correct else "different",
            diagnosis=None if first is None else _diagnosis_code(setup, first),
            hints_used=hints_used,
            solution_seen=solution_seen,
            wrong_lines=finished.wrong_lines,
        )
    except StudybuddyError as error:
        return replace(finished, not_recorded=str(error))
    return replace(finished, recorded=True)


def _starting_lines(marks: tuple[LineMark, ...]) -> list[tuple[int, bool]]:
    """The lines that may be the exercise's starting point, each with whether to name it to rewrite it:
    the first starting point, and the line the last line's chain of steps begins at. A learner who
    first names the pieces (y1 = ..., y2 = ...) and then writes L = g1 y1 + g2 y2 starts from L, which
    the engine reads as a definition (a plain '= ...' after it would rewrite y1, the line before)."""
    first = next((mark.index for mark in marks if mark.verdict == "start"), None)
    by_index = {mark.index: mark for mark in marks}
    root = marks[-1] if marks else None
    seen: set[int] = set()
    while root is not None and root.follows_from is not None and root.index not in seen:
        seen.add(root.index)
        root = by_index.get(root.follows_from)
    lines = [] if first is None else [(first, False)]
    if root is not None and root.verdict == "start" and root.index != first:
        lines.append((root.index, True))
    return lines


def _continues_as(
    derivations: DerivationService, derivation: Derivation, index: int, text: str, *, by_name: bool = False
) -> bool:
    """Whether ``text`` written as a rewrite after line ``index`` follows (``by_name``: as a rewrite of
    the line's name, ``L = text``, when the line has one)."""
    name = derivation.lines[index].name if by_name else None
    probe = Derivation(
        derivation.id,
        derivation.context,
        (*derivation.lines[: index + 1], read_line(f"{name} = {text}" if name else f"= {text}")),
    )
    mark = derivations.mark_line(probe, index + 1)
    return mark is not None and mark.verdict == "follows"


def _diagnosis_code(setup: DeriveSetup, mark: LineMark) -> str | None:
    """The code an attempt records for its first wrong line (a listed mistake as ``listed:<i>``, as an
    answer exercise's)."""
    if mark.diagnosis_kind == "listed-mistake":
        feedbacks = [mistake.feedback for mistake in setup.exercise.mistakes]
        if mark.diagnosis in feedbacks:
            return f"listed:{feedbacks.index(mark.diagnosis)}"
    return mark.diagnosis_kind if mark.verdict == "does-not-follow" else mark.verdict
