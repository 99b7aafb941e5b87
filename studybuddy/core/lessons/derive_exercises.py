"""A lesson's ``kind: derive`` exercises: their reference derivation, the context a learner's lines are
read in, and the proofs ``lessons check`` runs (the reference reaches the goal; each listed mistake is
caught at its step with its own feedback).

Every line here is marked by the derivation engine (core.derivation), the one a learner's lines go
through, so what the checker proves is what a learner will be told. The engine (SymPy) is imported where
a line is marked: the app's process reads an exercise's context and reference lines without it.
"""

from __future__ import annotations

from typing import Any

from studybuddy.core.derivation.lines import Line, line_from_step
from studybuddy.core.derivation.marks import LineMark, first_error
from studybuddy.core.derivation.model import Derivation, DerivationContext, StepMistakes, lesson_context
from studybuddy.core.grading.verdict import ListedMistake
from studybuddy.core.lessons.errors import LessonError, Location
from studybuddy.core.lessons.model import DeriveExercise, Lesson, SourceText, Step, StepRule

Outcome = tuple[bool, str, Location | None, str]


def derive_reference(lesson: Lesson, exercise: DeriveExercise) -> tuple[Step, ...]:
    """The exercise's reference derivation: its own, or the part of the lesson's derivation from the
    first step equal to ``from`` to the first step after it equal to ``goal`` (with no new starting
    point between them). LessonError when the lesson's derivation has no such part."""
    if exercise.reference:
        return exercise.reference
    steps = lesson.derivation
    context = lesson_context(lesson)
    starts = [index for index, step in enumerate(steps) if _equal(context, exercise.start, step.expr)]
    for start in starts:
        ends = []  # the chain may reach the goal's value and then rewrite it into the goal's form
        for end in range(start + 1, len(steps)):
            if steps[end].by.kind == "given":
                break
            if _equal(context, steps[end].expr, exercise.goal):
                ends.append(end)
        if ends:
            return steps[start : ends[-1] + 1]
    where = (
        "no step of the lesson's derivation equals 'from'"
        if not starts
        else ("no later step of the same chain of the lesson's derivation equals 'goal'")
    )
    raise LessonError(
        f"{where}; give the exercise a reference derivation",
        location=(exercise.goal if starts else exercise.start).location,
        path=(exercise.goal if starts else exercise.start).path,
    )


def derive_context(
    lesson: Lesson, exercise: DeriveExercise, reference: tuple[Step, ...]
) -> DerivationContext:
    """The lesson's symbols and definitions, and the exercise's listed mistakes each at the value of
    its reference step (a learner's wrong line is compared with them where that value was due)."""
    by_step: dict[int, list[ListedMistake]] = {}
    for mistake in exercise.mistakes:
        by_step.setdefault(mistake.step, []).append(ListedMistake(mistake.answer.text, mistake.feedback))
    listed = [
        StepMistakes(reference[step - 1].expr.text, tuple(mistakes), _operation(reference[step - 1].by))
        for step, mistakes in sorted(by_step.items())
        if step <= len(reference)
    ]
    return lesson_context(lesson, listed)


def reference_text(reference: tuple[Step, ...]) -> list[str]:
    """The reference written in the line syntax, one step a line, its reason as a comment: what a
    learner could type (``d/dz1: -1 + s1  # the log of the sum``)."""
    written = []
    for index, step in enumerate(reference):
        rule = step.by
        if index == 0:
            line = step.expr.text
        elif rule.kind == "differentiate":
            line = f"d/d{rule.variable}: {step.expr.text}"
        elif rule.kind == "substitute":
            shown = ", ".join(f"{name} = {value.text}" for name, value in rule.replacements)
            line = f"with {shown}: {step.expr.text}"
        elif rule.kind == "limit" and rule.point is not None:
            line = f"lim {rule.variable}->{rule.point.text}: {step.expr.text}"
        elif rule.kind == "given":
            line = f"given: {step.expr.text}"
        else:
            line = f"= {step.expr.text}"
        reason = " ".join(step.reason.split())
        written.append(f"{line}  # {reason}" if reason and "#" not in line else line)
    return written


def reference_lines(reference: tuple[Step, ...]) -> tuple[Line, ...]:
    """The reference as derivation lines (its first step a starting point)."""
    return tuple(
        line_from_step(step.expr.text, None if index == 0 else _by(step.by))
        for index, step in enumerate(reference)
    )


# --- what `lessons check` proves ---------------------------------------------------------------------


def check_reference(lesson: Lesson, exercise: DeriveExercise) -> Outcome:
    """The reference starts at ``from``, every step follows, and its last step equals ``goal``."""
    from studybuddy.core.derivation.engine import mark_all

    reference = derive_reference(lesson, exercise)
    context = derive_context(lesson, exercise, reference)
    marks = mark_all(Derivation(exercise.id, context, reference_lines(reference)))
    for mark, step in zip(marks, reference, strict=True):
        if mark.verdict not in ("start", "follows"):
            return (
                False,
                f"reference step {mark.index + 1}: {mark.detail}",
                _at(step.expr, mark),
                mark.diagnosis or "",
            )
    first, last = reference[0].expr, reference[-1].expr
    start = _comparison(context, exercise.start, first)
    if start.verdict != "follows":
        return (
            False,
            f"the reference starts at {first.text}, which is not 'from' ({start.detail})",
            first.location,
            "",
        )
    goal = _comparison(context, last, exercise.goal)
    if goal.verdict != "follows":
        message = (
            f"the reference does not reach the goal: its last step {last.text} (line {last.location.line}) "
            f"is not {exercise.goal.text} ({goal.strength or goal.detail})"
        )
        return False, message, exercise.goal.location, goal.diagnosis or ""
    return True, f"the reference reaches the goal in {len(reference)} steps, each following", None, ""


def check_mistake(lesson: Lesson, exercise: DeriveExercise, number: int) -> Outcome:
    """Listed mistake ``number`` (1-based), written at its step of the reference, is the first wrong
    line and is told its own feedback."""
    mistake = exercise.mistakes[number - 1]
    reference = derive_reference(lesson, exercise)
    where = mistake.answer.location
    if mistake.step > len(reference):
        return (
            False,
            f"the reference has {len(reference)} steps, so there is no step {mistake.step}",
            where,
            "",
        )
    index = mistake.step - 1
    lines = (
        *reference_lines(reference)[:index],
        line_from_step(mistake.answer.text, _by(reference[index].by)),
    )
    context = derive_context(lesson, exercise, reference)
    from studybuddy.core.derivation.engine import mark_all

    marks = mark_all(Derivation(exercise.id, context, lines))
    found = first_error(marks)
    mark = marks[index]
    if mark.verdict == "invalid":
        return False, f"this listed mistake cannot be read: {mark.detail}", _at(mistake.answer, mark), ""
    if found is not None and found < index:
        return False, f"the reference fails before step {mistake.step}: {marks[found].detail}", where, ""
    if mark.verdict == "follows":
        return (
            False,
            f"this listed mistake follows from step {index} ({mark.strength}): it is not a mistake",
            where,
            "",
        )
    if mark.verdict != "does-not-follow":
        return False, f"this listed mistake cannot be judged: {mark.detail}", where, ""
    if mark.diagnosis_kind != "listed-mistake" or mark.diagnosis != mistake.feedback:
        said = mark.diagnosis or mark.detail
        return (
            False,
            f"caught at step {mistake.step} but not with its feedback (the learner is told: {said})",
            where,
            "",
        )
    return True, f"caught at step {mistake.step} with its listed feedback", None, ""


# --- plumbing -----------------------------------------------------------------------------------------------


def _by(rule: StepRule) -> Any:
    """A step's rule as the derivation engine takes it (the lesson format's ``by``)."""
    if rule.kind == "equal":
        return None
    if rule.kind == "given":
        return "given"
    if rule.kind == "differentiate":
        return {"differentiate": rule.variable}
    if rule.kind == "substitute":
        return {"substitute": {name: text.text for name, text in rule.replacements}}
    assert rule.point is not None
    return {"limit": {rule.variable: rule.point.text}}


def _operation(rule: StepRule) -> str:
    """The derivation engine's name for how a step follows."""
    return "rewrite" if rule.kind in ("equal", "given") else rule.kind


def _comparison(
    context: DerivationContext, first: SourceText, second: SourceText, *, diagnose: bool = True
) -> LineMark:
    """The mark of ``second`` written as a rewrite of ``first`` (``diagnose``: see engine.mark_line)."""
    from studybuddy.core.derivation.engine import mark_all

    lines = (line_from_step(first.text), line_from_step(second.text))
    marks = mark_all(Derivation(None, context, lines), diagnose=diagnose)
    if marks[0].verdict == "invalid":
        raise _unreadable(first, marks[0])
    if marks[1].verdict == "invalid":
        raise _unreadable(second, marks[1])
    return marks[1]


def _equal(context: DerivationContext, first: SourceText, second: SourceText) -> bool:
    # Only whether it follows: finding the reference in the lesson's derivation compares 'from' and
    # 'goal' with every step, and saying which mistake each other step would be cost most of the check.
    return _comparison(context, first, second, diagnose=False).verdict == "follows"


def _unreadable(text: SourceText, mark: LineMark) -> LessonError:
    return LessonError(mark.detail, location=_at(text, mark), path=text.path)


def _at(text: SourceText, mark: LineMark) -> Location:
    """The file position of the mark's column in ``text`` (the text's start when it has none)."""
    if mark.column is None or mark.verdict != "invalid":
        return text.location
    return text.location_of(mark.column - 1)
