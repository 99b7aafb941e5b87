"""The main screens at 80x24 with fixed data: a change in look shows up as a snapshot diff.

Update after an intended change with `pytest tests/snapshot --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

import pytest

from studybuddy.core.grading.verdict import Diagnosis, Verdict
from studybuddy.services.grading import GradingService
from studybuddy.ui.app import StudyBuddyApp


class FixedGrader(GradingService):
    """Always the same verdict, with a fixed time, so the quiz screen's look is deterministic; the
    lesson's steps, previews and checks come from the real worker process."""

    def grade_exercise(self, *args, **kwargs) -> Verdict:
        return Verdict(
            kind="different",
            strength="different, e.g. at z = 0.68",
            detail="not equal",
            diagnosis=Diagnosis("listed:0", "Check the sign of the second factor: 1 - s, not 1 + s."),
            ms=3.0,
        )


@pytest.fixture(scope="module")
def grader():
    service = FixedGrader(timeout=5.0)
    service.start()
    yield service
    service.close()


def make_app(context, grader) -> StudyBuddyApp:
    context.grading = grader
    return StudyBuddyApp(context)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def after(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pilot.app.clear_notifications()
        # A blinking cursor is caught on or off at random: hold it steady so the picture is the same
        # on every run (and on a loaded CI machine).
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False
        await pilot.pause()

    return run_before


def test_dashboard(snap_compare, history, grader) -> None:
    assert snap_compare(make_app(history, grader), run_before=after())


def test_lesson_view_after_two_steps(snap_compare, history, grader) -> None:
    keys = ("f3", *"sigmoid", "enter", "enter", "n")
    assert snap_compare(make_app(history, grader), run_before=after(*keys))


def test_quiz_with_a_diagnosed_wrong_answer(snap_compare, history, grader) -> None:
    keys = ("f3", *"sigmoid", "enter", "enter", "x", *"s(1+s)", "enter")
    assert snap_compare(make_app(history, grader), run_before=after(*keys))


def test_diary_with_the_days_sessions(snap_compare, history, grader) -> None:
    assert snap_compare(make_app(history, grader), run_before=after("f4"))


def test_progress(snap_compare, history, grader) -> None:
    assert snap_compare(make_app(history, grader), run_before=after("f5"))
