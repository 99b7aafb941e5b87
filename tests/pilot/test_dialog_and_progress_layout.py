"""Dialogs and the progress table at the sizes learners use (80x24, 100x30, 100x32): every button and
every column whole and on the screen."""

from __future__ import annotations

import pytest
from pilot_support import screen_lines, settle, synchronously
from textual.geometry import Region
from textual.widgets import Button

from studybuddy.ui.screens.dialogs import (
    LessonErrorDialog,
    RecoverSessionDialog,
    StartTimerDialog,
    TimerFinishedDialog,
)
from studybuddy.ui.screens.progress import ProgressScreen

SIZES = [(80, 24), (100, 30), (100, 32)]
LONG_SUBJECT = "probability and statistics for machine learning"
DIALOGS = {
    "times-up": lambda: TimerFinishedDialog(None, ""),
    "times-up-rotation": lambda: TimerFinishedDialog(None, "calculus"),
    "times-up-long-subject": lambda: TimerFinishedDialog(None, LONG_SUBJECT),
    "start": lambda: StartTimerDialog("calculus", 60),
    "recover": lambda: RecoverSessionDialog(None),
    "lesson-error": lambda: LessonErrorDialog("Cannot load a lesson", "lessons/x.yaml:3:1: a tab"),
}


def button_layout_problems(app, size: tuple[int, int]) -> list[str]:
    """What is wrong with the dialog's buttons as drawn: each one or three rows tall, whole, on the
    screen, not overlapping, in one row or one column, every label shown in full."""
    buttons = list(app.screen.query(Button))
    terminal = Region(0, 0, *size)
    lines = screen_lines(app)
    problems = []
    for button in buttons:
        region, label = button.region, str(button.label)
        if region.height not in (1, 3):
            problems.append(f"{label!r} is {region.height} rows tall")
        if not terminal.contains_region(region):
            problems.append(f"{label!r} is off the screen: {region}")
        row = lines[region.y + region.height // 2] if region.y + region.height // 2 < len(lines) else ""
        if label not in row:
            problems.append(f"{label!r} is not shown whole: {row!r}")
    for index, first in enumerate(buttons):
        for second in buttons[index + 1 :]:
            if first.region.overlaps(second.region):
                problems.append(f"{first.label!r} and {second.label!r} overlap")
    side_by_side = len({b.region.y for b in buttons}) == 1
    stacked = len({(b.region.x, b.region.width) for b in buttons}) == 1
    if not (side_by_side or stacked):
        problems.append("the buttons are neither in one row nor in one column")
    return problems


@pytest.mark.parametrize("size", SIZES, ids=lambda size: "x".join(map(str, size)))
@pytest.mark.parametrize("dialog", DIALOGS)
@synchronously
async def test_every_dialogs_buttons_lay_out_cleanly(make_app, dialog: str, size: tuple[int, int]) -> None:
    app = make_app(background=False)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        app.push_screen(DIALOGS[dialog]())
        await settle(app, pilot)
        problems = button_layout_problems(app, size)
        assert problems == [], "\n".join([*problems, *screen_lines(app)])


# ---- progress ------------------------------------------------------------------------------------

LONG_TITLE = "Convolution backward: the kernel gradient correlates, the input gradient is a full convolution"


@pytest.mark.parametrize(
    "sizes",
    [[(80, 24)], [(100, 30)], [(100, 30), (80, 24)], [(80, 24), (100, 30)]],
    ids=["80x24", "100x30", "resized-to-80x24", "resized-to-100x30"],
)
@synchronously
async def test_every_column_of_the_lessons_table_shows_with_long_titles(make_app, context, sizes) -> None:
    context.progress.lesson_opened("conv-backward", steps_revealed=2)
    context.progress.lesson_opened("sigmoid-derivative", steps_revealed=3)
    context.progress.record_attempt(
        lesson_id="conv-backward", exercise_id="bias", answer="1", correct=True, verdict="equivalent"
    )
    app = make_app(background=False)
    size = sizes[-1]
    async with app.run_test(size=sizes[0]) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, ProgressScreen)
        for later in sizes[1:]:  # the terminal resized with the table on the screen
            await pilot.resize_terminal(*later)
            await settle(app, pilot)
        app.screen.query_one("#lesson-progress").scroll_visible(animate=False)
        await settle(app, pilot)
        lines = screen_lines(app)
        header = next((line for line in lines if "Lesson" in line and "Steps" in line), "")
        for column in ("Lesson", "Steps", "Mastered", "Attempts", "Right"):
            assert column in header, f"the {column} column is not on the screen:\n" + "\n".join(lines)
        assert all(len(line) <= size[0] for line in lines)
        conv_row = next(line for line in lines if "Convolution backward" in line)
        assert "2/" in conv_row and "100%" in conv_row, conv_row
        shown_text = " ".join(line.strip(" │") for line in lines)
        assert all(word in shown_text for word in LONG_TITLE.split()), "the title is readable, every word"
