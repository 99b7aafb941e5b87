"""Lessons and exercises as a learner meets them: browse, open, step, check, answer, get hints, time-outs."""

from __future__ import annotations

from pilot_support import settle, shown, synchronously

from studybuddy.services.grading import GradingService
from studybuddy.ui.screens.dialogs import LessonErrorDialog
from studybuddy.ui.screens.lesson import LessonScreen
from studybuddy.ui.screens.quiz import QuizScreen

PATIENT = 120.0  # seconds per request: on busy shared cores a real grade must never meet the limit
BROKEN_LESSON = """\
id: half-written
title: A lesson still being written
subject: machine-learning
topic: drafts
tags: [draft, "unfinished
symbols:
  x: real
"""


async def open_sigmoid_lesson(app, pilot) -> None:
    """F3, type a filter, Enter into the list (on the first match), Enter to open it."""
    await settle(app, pilot)  # the library loads after the first paint
    await pilot.press("f3")
    await settle(app, pilot)
    await pilot.press(*"sigmoid", "enter", "enter")
    await settle(app, pilot)
    assert isinstance(app.screen, LessonScreen)


@synchronously
async def test_open_a_lesson_and_step_through_its_checked_derivation(make_app, context) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sigmoid_lesson(app, pilot)
        assert "The sigmoid and its derivative" in shown(app, "#lesson-title")
        assert "Step 1 of 5" in shown(app, "#steps-hint")
        await pilot.press("n")
        await pilot.pause()
        steps = app.screen.query(".step-head")
        assert [str(step.render()) for step in steps] == [
            "Step 1  · starting point",
            "Step 2  ✓ checked by SymPy",
        ]
        await pilot.press("n", "n", "n")
        await pilot.pause()
        assert "Derivation complete" in shown(app, "#steps-hint")
        assert "s⋅(1 - s)" in str(app.screen.query(".step-expr").last().render())
        await pilot.press("c")
        await settle(app, pilot)
        checks = shown(app, "#check-results")
        assert "✓ sigmoid-gradient: gradient check passed: largest relative error" in checks
        assert "✗" not in checks
    recent = context.progress.recent_lessons()
    assert [(item.lesson_id, item.steps_revealed) for item in recent] == [("sigmoid-derivative", 5)]


@synchronously
async def test_answer_wrong_then_right_with_diagnosis_hints_and_solution(make_app, context) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sigmoid_lesson(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, QuizScreen)
        assert "exercise 1 of 5" in shown(app, "#exercise-title")

        await pilot.press(*"s(1-s")
        await settle(app, pilot)
        preview = shown(app, "#answer-preview")
        assert "^" in preview and "never closed" in preview, "the input error is shown with a caret"

        # Now s(1+s): the sign slip the lesson anticipates.
        await pilot.press("backspace", "backspace", *"+s)", "enter")
        await settle(app, pilot)
        assert "s⋅(1 + s)" in shown(app, "#answer-preview")  # as typed
        verdict = shown(app, "#verdict")
        assert verdict.startswith("✗ Not quite: Check the sign of the second factor")

        await pilot.press("f8")
        await pilot.pause()
        assert shown(app, "#hints").startswith("Hint 1: Differentiate 1/(1 + exp(-z))")
        assert "Hint 2" not in shown(app, "#hints"), "hints come one at a time"

        await pilot.press(*["backspace"] * 3, *"-s)", "enter")
        await settle(app, pilot)
        assert shown(app, "#verdict").startswith("✓ Right. (proved equal")

        await pilot.press("f9")
        await pilot.pause()
        solution = app.screen.query_one("#solution")
        assert solution.display and "s * (1 - s)" in solution.source
    mastery = context.stats.mastery("sigmoid-derivative")["sigmoid-derivative"]
    # right today is not mastered: that takes a review card recalled three weeks on
    assert (mastery.attempts, mastery.right_attempts, mastery.exercises_mastered) == (2, 1, 0)


@synchronously
async def test_a_grading_time_out_says_undecided_and_the_app_carries_on(make_app) -> None:
    stalling = GradingService(timeout=PATIENT, stall_on="s*s*s")
    stalling.start()
    try:
        app = make_app(grading=stalling)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_sigmoid_lesson(app, pilot)
            await pilot.press("x")
            await pilot.press(*"s*s*s")
            await settle(app, pilot)  # the previews as it was typed: under the patient limit
            # Only the grade that never answers meets a short limit: it overruns it on any machine.
            stalling.timeout = 0.5
            await pilot.press("enter")
            await settle(app, pilot)
            stalling.timeout = PATIENT
            verdict = shown(app, "#verdict")
            assert verdict.startswith("? Could not decide") and "0.5 s" in verdict
            await pilot.press(*["backspace"] * 5, *"s(1-s)", "enter")  # the respawned worker grades again
            await settle(app, pilot)
            assert shown(app, "#verdict").startswith("✓ Right.")
            assert stalling.restarts == 1
    finally:
        stalling.close()


@synchronously
async def test_a_broken_lesson_file_is_listed_with_its_position_and_the_rest_still_open(
    make_app, context
) -> None:
    context.home.lessons_dir.mkdir(parents=True, exist_ok=True)
    (context.home.lessons_dir / "half-written.yaml").write_text(BROKEN_LESSON, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert "1 broken" in shown(app, "#library-status")
        await pilot.press(*"half", "enter")
        tree = app.screen.query_one("#lesson-tree")
        assert tree.cursor_node.data[0] == "broken"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonErrorDialog)
        message = shown(app, "#lesson-error")
        assert "half-written.yaml:8:1: a quoted text is not closed" in message
        await pilot.press("escape", "ctrl+f", "ctrl+a", "ctrl+k", *"sigmoid", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen)
