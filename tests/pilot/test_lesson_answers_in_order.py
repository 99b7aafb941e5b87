"""Answers from the math engine that arrive after the learner moved on (issue 9, item 3).

A held stand-in grader lets the test put a lesson's slow answer (its steps, a failure, its numeric
checks) after the learner's next move: left the lesson and opened another, opened another on top from
the palette, or went to another section. The answer must never show, or toast, anywhere but on the
lesson it answers; where that lesson is still open underneath, it shows there when the learner is back.
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from held_grader import PATIENCE, HeldGrader
from pilot_support import record_notifications, screen_lines, shown, synchronously

from studybuddy.ui.screens.lesson import LessonScreen

FIRST, FIRST_FILTER, FIRST_STEPS = "sigmoid-derivative", "sig", 5
OTHER, OTHER_FILTER, OTHER_TITLE = "softmax-jacobian", "softmax-j", "The softmax Jacobian"


class Posts:
    """Counts the messages posted to a screen (from any thread), so a test can wait for a thread's
    answer to have been posted, then see what became of it."""

    def __init__(self, screen) -> None:
        self._counts: dict[str, int] = {}
        self._changed = threading.Condition()
        post = screen.post_message

        def counted(message):
            with self._changed:
                name = type(message).__name__
                self._counts[name] = self._counts.get(name, 0) + 1
                self._changed.notify_all()
            return post(message)

        screen.post_message = counted

    async def wait_for(self, name: str, times: int = 1) -> None:
        def posted() -> bool:
            with self._changed:
                return self._changed.wait_for(lambda: self._counts.get(name, 0) >= times, PATIENCE)

        assert await asyncio.to_thread(posted), f"{name} was never posted {times} time(s): {self._counts}"


async def settle_screen(app, pilot) -> None:
    """Let the current screen's workers finish (a held worker of another screen may never, yet)."""
    await pilot.pause()
    workers = [worker for worker in app.workers if worker.node is app.screen]
    if workers:
        await app.workers.wait_for_complete(workers)
    await pilot.pause()


async def open_from_the_list(app, pilot, letters: str, *, held: bool = False) -> None:
    """F3, a few letters in the filter, Enter, Enter; then the lesson's workers finish unless the test
    ``held`` them."""
    await pilot.press("f3")
    await settle_screen(app, pilot)
    typed = app.screen.query_one("#lesson-filter").value  # the list keeps its filter between visits
    await pilot.press("ctrl+f", *["backspace"] * len(typed), *letters, "enter", "enter")
    await (pilot.pause() if held else settle_screen(app, pilot))
    assert isinstance(app.screen, LessonScreen)


async def open_from_the_palette(app, pilot, words: str) -> None:
    await pilot.press("ctrl+p")
    await settle_screen(app, pilot)
    await pilot.press(*words)
    await settle_screen(app, pilot)
    await pilot.press("enter")
    await settle_screen(app, pilot)
    assert isinstance(app.screen, LessonScreen)


WAYS = ["left it and opened another", "opened another on top", "went to another section"]
ANSWERS = {  # what is held -> (the request held, its failure, the message that ends the thread's run)
    "its steps": ("steps", None, ("StepMarked", FIRST_STEPS)),
    "a failure": ("steps", "the worker process died", ("MathUnavailable", 1)),
    "its numeric checks": ("check", None, ("ChecksDone", 1)),
}


@pytest.mark.parametrize("answer", list(ANSWERS))
@pytest.mark.parametrize("way", WAYS)
@synchronously
async def test_a_slow_answer_shows_only_on_the_lesson_it_answers(make_app, way: str, answer: str) -> None:
    held = HeldGrader()
    kind, failure, (last_message, times) = ANSWERS[answer]
    gate = held.hold(kind, FIRST, fail=failure)
    app = make_app(grading=held)
    notes = record_notifications(app)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle_screen(app, pilot)
            await open_from_the_list(app, pilot, FIRST_FILTER, held=kind == "steps")
            first = app.screen
            posts = Posts(first)
            if kind == "check":
                await pilot.press("c")
            await gate.wait_reached()

            if way == "left it and opened another":
                await pilot.press("escape")
                await settle_screen(app, pilot)
                await open_from_the_list(app, pilot, OTHER_FILTER)
            elif way == "opened another on top":
                await open_from_the_palette(app, pilot, OTHER_TITLE)
            else:
                await pilot.press("f2")
                await settle_screen(app, pilot)
            now_shown = app.screen
            assert now_shown is not first

            gate.release()
            await posts.wait_for(last_message, times)
            await settle_screen(app, pilot)

            assert app.screen is now_shown
            seen = "\n".join(screen_lines(app))
            assert FIRST not in seen and "died" not in seen, "the first lesson's answer shows elsewhere"
            assert [note for note in notes if note[0] != "information"] == []
            if way != "went to another section":
                assert shown(app, ".step-expr") == f"{OTHER}: step 1", "the lesson shown has its own steps"

            if way == "left it and opened another":
                return
            await pilot.press("escape" if way == "opened another on top" else "f3")
            await settle_screen(app, pilot)
            assert app.screen is first, "back on the first lesson, its answer is there"
            if answer == "its steps":
                assert shown(app, ".step-expr") == f"{FIRST}: step 1"
                assert shown(app, ".step-head") == "Step 1  · starting point"
            elif answer == "a failure":
                assert "the worker process died" in shown(app, "#steps-hint")
            else:
                assert shown(app, "#check-results").startswith(f"✓ sigmoid-gradient: {FIRST} holds")
    finally:
        held.release_all()


@synchronously
async def test_an_answer_naming_another_lesson_or_an_earlier_request_is_dropped(make_app) -> None:
    held = HeldGrader()
    app = make_app(grading=held)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_screen(app, pilot)
        await open_from_the_list(app, pilot, OTHER_FILTER)
        other = app.screen
        await pilot.press("escape")
        await settle_screen(app, pilot)
        await open_from_the_list(app, pilot, FIRST_FILTER)
        screen = app.screen
        answers = Posts(screen)
        await pilot.press("c")
        await answers.wait_for("ChecksDone")
        await settle_screen(app, pilot)
        before = shown(app, "#check-results")
        assert before.startswith(f"✓ sigmoid-gradient: {FIRST} holds")

        stale = {"id": "sigmoid-gradient", "kind": "", "passed": False, "summary": "stale", "rows": []}
        screen.post_message(LessonScreen.ChecksDone(other.lesson, 1, [stale]))  # another lesson's
        await pilot.press("c")  # a second run: the first run's answer is now an earlier request's
        await answers.wait_for("ChecksDone", 2)
        await settle_screen(app, pilot)
        for request in range(1, 4):
            screen.post_message(LessonScreen.ChecksDone(screen.lesson, request, [stale]))
            screen.post_message(
                LessonScreen.StepsPretty(other.lesson, request, ["another lesson's step"] * 5)
            )
        await settle_screen(app, pilot)
        assert shown(app, "#check-results") == before
        assert shown(app, ".step-expr") == f"{FIRST}: step 1"
