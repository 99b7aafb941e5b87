"""Every bundled lesson, opened in the app as a learner opens it: each step revealed and marked, each
numeric check run and passed, and nothing on screen saying the math failed (issue 9, item 2)."""

from __future__ import annotations

import pytest
from pilot_support import record_notifications, screen_lines, settle, shown, synchronously

from studybuddy.core.lessons.checker import is_starting_point
from studybuddy.services.grading import GradingService
from studybuddy.services.lessons import LessonService
from studybuddy.ui.screens.lesson import LessonScreen
from studybuddy.ui.screens.lessons import matches

LIBRARY = LessonService(None)
PATIENT = 120.0  # seconds per request: on busy shared cores a step must not become "? not in time"
LESSONS = {entry.id: LIBRARY.get(entry.id) for entry in LIBRARY.list()}


def filter_for(lesson_id: str) -> str:
    """The fewest letters of the id that leave the fewest lessons in the list (each key costs Pilot
    ~0.1 s, and a learner, too, types until the list is short)."""
    entries = LIBRARY.list()
    prefixes = [lesson_id[:length] for length in range(2, len(lesson_id) + 1)]
    return min(prefixes, key=lambda prefix: (sum(matches(e, [prefix]) for e in entries), len(prefix)))


@pytest.fixture(scope="module")
def grader():
    """This module's grading worker: the real one, without conftest's 5 s limit (the test is about what
    the learner sees, not how fast; benchmarks/grading_latency.py measures the speed)."""
    service = GradingService(timeout=PATIENT)
    service.start()
    yield service
    service.close()


async def open_from_the_list(app, pilot, lesson_id: str) -> None:
    """F3, type part of the lesson's id in the filter, Enter into the list, down to the lesson, Enter."""
    await settle(app, pilot)
    await pilot.press("f3")
    await settle(app, pilot)
    await pilot.press(*filter_for(lesson_id), "enter")
    await settle(app, pilot)
    tree = app.screen.query_one("#lesson-tree")
    for _ in range(len(LESSONS)):
        if tree.cursor_node.data[1].id == lesson_id:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, LessonScreen)


@pytest.mark.parametrize("lesson_id", sorted(LESSONS))
@synchronously
async def test_a_bundled_lesson_shows_every_step_checked_and_every_check_passed(
    make_app, grader, lesson_id
) -> None:
    lesson = LESSONS[lesson_id]
    app = make_app()
    app.animation_level = "none"  # each step scrolls into view at once: the same screen, seconds sooner
    notes = record_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_the_list(app, pilot, lesson_id)
        assert shown(app, "#lesson-title").startswith(lesson.title)
        await pilot.press(*["n"] * (len(lesson.derivation) - 1))
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)

        heads = [str(head.render()) for head in app.screen.query(".step-head")]
        assert heads == [
            f"Step {index + 1}  "
            + ("· starting point" if is_starting_point(lesson, index) else "✓ checked by SymPy")
            for index in range(len(lesson.derivation))
        ]
        exprs = [str(expr.render()) for expr in app.screen.query(".step-expr")]
        assert exprs == grader.lesson_steps(lesson), "each step as the math engine pretty-prints it"
        assert "Derivation complete" in shown(app, "#steps-hint")

        checks = shown(app, "#check-results").splitlines()
        verdicts = [line for line in checks if not line.startswith("    ")]
        assert [line.split(":")[0] for line in verdicts] == [f"✓ {check.id}" for check in lesson.checks]

        screen = "\n".join(screen_lines(app))
        for trouble in ("… checking", "unavailable", "failed", "✗"):
            assert trouble not in screen
        assert [note for note in notes if note[0] != "information"] == []


@synchronously
async def test_the_numeric_checks_show_from_their_first_line_as_many_as_fit(make_app) -> None:
    lesson = LESSONS["softmax-jacobian"]  # a long derivation above, five checks with figures below
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_from_the_list(app, pilot, lesson.id)
        await pilot.press(*["n"] * (len(lesson.derivation) - 1), "c")
        await settle(app, pilot)
        lines = screen_lines(app)
        first = next(row for row, line in enumerate(lines) if "✓ jacobian-row:" in line)
        assert first <= 3, "the results start at the top of the lesson, not on its last row"
        assert sum("✓ " in line or "∂/∂" in line for line in lines) >= 5
