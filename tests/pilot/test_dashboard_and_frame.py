"""The dashboard's keys and clickable words, and the frame every screen shares (title and timer bar)."""

from __future__ import annotations

from pilot_support import click_text, settle, shown, synchronously
from textual.command import CommandPalette

from studybuddy.ui.screens.dashboard import DashboardScreen
from studybuddy.ui.screens.dialogs import StartTimerDialog
from studybuddy.ui.screens.diary import DiaryScreen
from studybuddy.ui.screens.lessons import LessonsScreen
from studybuddy.ui.widgets.timer_bar import TimerBar


@synchronously
async def test_enter_on_the_dashboard_opens_todays_diary_and_l_the_lessons(make_app) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DiaryScreen)
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)


@synchronously
async def test_the_cards_write_and_browse_words_are_clickable(make_app) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await click_text(app, pilot, "Write")
        await settle(app, pilot)
        assert isinstance(app.screen, DiaryScreen)
        await pilot.press("f2")
        await settle(app, pilot)
        await click_text(app, pilot, "Browse")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)


@synchronously
async def test_the_timer_bar_start_and_stop_words_work_with_the_mouse(make_app, context) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "Stop" not in shown(app, "TimerBar"), "nothing to stop before a session starts"
        await click_text(app, pilot, "Start", row=1, last=True)
        await settle(app, pilot)
        assert isinstance(app.screen, StartTimerDialog)
        await pilot.press(*"statistics", "enter")
        await settle(app, pilot)
        bar = shown(app, "TimerBar")
        assert bar.startswith("Studying  statistics") and "Pause" in bar and "Stop" in bar
        await click_text(app, pilot, "Stop", row=1)
        await settle(app, pilot)
        assert "No session running" in shown(app, "TimerBar")
    assert context.timer.last_session().state == "stopped"


@synchronously
async def test_the_title_names_the_open_lesson_and_a_click_opens_the_palette(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert shown(app, "TitleBar").split() == ["∂", "studybuddy"]
        await pilot.press("f3", *"sigmoid")
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert "studybuddy — The sigmoid and its derivative" in shown(app, "TitleBar")
        await pilot.click("TitleBar")
        await settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)


@synchronously
async def test_the_timer_bar_keeps_its_words_on_a_narrow_terminal(make_app) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(50, 24)) as pilot:
        await settle(app, pilot)
        bar = app.screen.query_one(TimerBar)
        text = shown(app, "TimerBar")
        assert text.rstrip().endswith("Start"), "the clickable word stays at the right end"
        assert len(text) <= bar.content_size.width and "…" in text


@synchronously
async def test_a_filter_typed_and_entered_at_once_opens_the_lesson_it_leaves(make_app) -> None:
    """Keys queued faster than the list is rebuilt: Enter into the list, Enter opens the one lesson
    the filter leaves (the list rebuilt under the cursor used to lose it)."""
    from studybuddy.ui.screens.lesson import LessonScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3", *"sigmoid", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen)
        assert "The sigmoid and its derivative" in shown(app, "TitleBar")
