"""The study timer from any screen, run to its end on a frozen clock, then seen in progress and the diary."""

from __future__ import annotations

from datetime import timedelta

from pilot_support import settle, shown, synchronously, told
from timer_support import let_time_pass, start_session

from studybuddy.cli import main
from studybuddy.ui.screens.dialogs import TimerFinishedDialog
from studybuddy.ui.screens.diary import DiaryScreen
from studybuddy.ui.screens.progress import ProgressScreen


@synchronously
async def test_a_session_runs_to_its_end_rings_and_is_recorded(make_app, context, clock) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await start_session(app, pilot, "linear algebra", 2)
        assert "Studying  linear algebra  2:00 left" in shown(app, "TimerBar")
        assert context.timer.status().state == "running", "the session row exists before the countdown"

        await pilot.press("f3")  # the countdown follows the learner to any screen
        await let_time_pass(app, pilot, clock, 45)
        assert "1:15 left" in shown(app, "TimerBar")
        session = context.timer.status().session
        studied = session.last_heartbeat_at - session.started_at
        assert timedelta(seconds=40) <= studied <= timedelta(seconds=45), "heartbeats keep the time on disk"

        bells: list[None] = []
        app.bell = lambda: bells.append(None)
        await let_time_pass(app, pilot, clock, 75)
        assert isinstance(app.screen, TimerFinishedDialog)
        assert bells == [None]
        assert told(app, "Time's up")
        await pilot.click("#diary")
        await settle(app, pilot)
        assert isinstance(app.screen, DiaryScreen)
        assert "linear algebra 2 min" in shown(app, "#day-sessions")

    last = context.timer.last_session()
    assert (last.subject, last.state, round(last.studied_seconds)) == ("linear algebra", "finished", 120)


@synchronously
async def test_pause_and_stop_from_the_keyboard_keep_the_time_studied(make_app, context, clock) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await start_session(app, pilot, "probability", 60)
        await let_time_pass(app, pilot, clock, 90)
        await pilot.press("f6")  # pause
        await settle(app, pilot)
        assert shown(app, "TimerBar").startswith("Paused")
        await let_time_pass(app, pilot, clock, 600)  # a paused session does not count down
        assert "58:30 left" in shown(app, "TimerBar")
        await pilot.press("f7")
        await settle(app, pilot)
        assert "No session running" in shown(app, "TimerBar")
    last = context.timer.last_session()
    assert (last.state, round(last.studied_seconds)) == ("stopped", 90)


@synchronously
async def test_progress_shows_study_time_and_how_well_each_lesson_went(make_app, context, clock) -> None:
    context.timer.log(subject="calculus", minutes=50)
    context.progress.lesson_opened("sigmoid-derivative", steps_revealed=3)
    for correct in (False, True):
        context.progress.record_attempt(
            lesson_id="sigmoid-derivative",
            exercise_id="sigmoid-prime",
            answer="s(1-s)",
            correct=correct,
            verdict="equivalent" if correct else "different",
        )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, ProgressScreen)
        assert "calculus" in shown(app, "#by-subject") and "50 min" in shown(app, "#by-subject")
        assert shown(app, "#streaks").startswith("Streak: 1 day")
        table = app.screen.query_one("#lesson-progress")
        row = table.get_row_at(0)
        assert str(row[0]).startswith("The sigmoid and its derivative")
        # right once today is not mastered: an exercise is mastered when its review card is expected
        # to be recalled three weeks on (core.stats.MASTERED_STABILITY_DAYS)
        assert [str(cell) for cell in row[1:]] == ["3/5", "0/5", "2", "50%"]


@synchronously
async def test_progress_and_stats_show_a_lesson_that_no_longer_loads_alike(make_app, context, capsys) -> None:
    """Both read study_overview and its standings' texts (the app showed '3' where the CLI said '3/?')."""
    context.progress.lesson_opened("a-lesson-since-deleted", steps_revealed=3)
    app = make_app(background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        row = app.screen.query_one("#lesson-progress").get_row_at(0)
    assert [str(cell) for cell in row] == ["a-lesson-since-deleted", "3/?", "0/?", "0", "-"]

    assert main(["--home", str(context.home.root), "stats"]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if "a-lesson-since-deleted" in line]
    assert line.split()[1:5] == ["steps", "3/?", "mastered", "0/?"]
