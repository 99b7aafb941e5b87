"""The timer as a habit, in the app: the start dialog offers the rotation's next subject and the last
one (typed over, picked with up/down or a click), an empty subject is refused in the dialog in the
app's own words, and an interrupted session can be resumed from the dialog that finds it. At the
smallest size learners use and a large one."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from pilot_support import click_text, screen_lines, settle, shown, synchronously, told
from textual.widgets import Input
from timer_support import let_time_pass

from studybuddy.services.timer import TimerService
from studybuddy.storage.sessions import Owner
from studybuddy.ui.screens.dialogs import RecoverSessionDialog, StartTimerDialog

SIZES = [(80, 24), (120, 40)]
HOST = socket.gethostname()
GONE = Owner(92001, HOST)  # a process that is no more


def studied_before(context, clock, *subjects: str) -> None:
    """Sessions logged an hour apart, in this order (the last one is the most recent)."""
    for subject in subjects:
        context.timer.log(subject=subject, minutes=30)
        clock.advance(hours=1)


def subject_box(app) -> Input:
    return app.screen.query_one("#subject", Input)


async def open_start_dialog(app, pilot) -> None:
    await pilot.press("f6")
    await settle(app, pilot)
    assert isinstance(app.screen, StartTimerDialog)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: "x".join(map(str, size)))
@synchronously
async def test_the_start_dialog_offers_the_next_subject_and_the_last_one(
    make_app, context, clock, size
) -> None:
    studied_before(context, clock, "probability", "linear algebra", "calculus")  # no rotation configured
    app = make_app(background=False)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await open_start_dialog(app, pilot)
        assert subject_box(app).value == "probability", "the recent subject waiting longest comes next"
        lines = "\n".join(screen_lines(app))
        assert "probability (next) · calculus (last)" in lines, lines

        await pilot.press("down")
        assert subject_box(app).value == "calculus"
        await pilot.press("down")
        assert subject_box(app).value == "probability"
        await pilot.press("up")
        assert subject_box(app).value == "calculus"

        await click_text(app, pilot, "probability (next)")
        assert subject_box(app).value == "probability"
        await click_text(app, pilot, "calculus (last)")
        assert subject_box(app).value == "calculus"
        await pilot.press("enter")
        await settle(app, pilot)
        assert shown(app, "TimerBar").startswith("Studying  calculus")
    assert context.timer.status().subject == "calculus"


@pytest.mark.parametrize("size", SIZES, ids=lambda size: "x".join(map(str, size)))
@synchronously
async def test_a_configured_rotation_prefills_its_next_subject_and_typing_replaces_it(
    make_app, context, clock, size
) -> None:
    context.timer = TimerService(
        context.database, clock, rotation=("linear algebra", "calculus", "deep learning")
    )
    studied_before(context, clock, "calculus")
    app = make_app(background=False)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await open_start_dialog(app, pilot)
        assert subject_box(app).value == "deep learning"
        assert "deep learning (next) · calculus (last)" in "\n".join(screen_lines(app))
        await pilot.press(*"statistics", "enter")  # the suggestion is selected: typing replaces it
        await settle(app, pilot)
    assert context.timer.status().subject == "statistics"


@synchronously
async def test_an_empty_subject_is_refused_in_the_dialog_in_the_apps_words(make_app, context) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_start_dialog(app, pilot)
        assert subject_box(app).value == "" and not app.screen.query("#subject-choices")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, StartTimerDialog), "the dialog stays for the subject"
        assert "Name the subject you are studying." in shown(app, "#start-error")
        assert not told(app, "--subject")
    assert context.timer.status().state == "idle"


@pytest.mark.parametrize("size", SIZES, ids=lambda size: "x".join(map(str, size)))
@synchronously
async def test_an_interrupted_session_can_be_resumed_from_the_dialog_that_finds_it(
    make_app, context, clock, size
) -> None:
    gone = TimerService(context.database, clock, owner=GONE, is_alive=lambda pid: False)
    session = gone.start(subject="calculus", minutes=60)
    clock.advance(minutes=10)
    gone.heartbeat(session.id)  # its last heartbeat: 10 minutes studied, then the process vanished
    clock.advance(hours=2)
    app = make_app(background=False)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RecoverSessionDialog)
        assert "Resume" in "\n".join(screen_lines(app))
        await pilot.click("#resume")
        await settle(app, pilot)
        assert not isinstance(app.screen, RecoverSessionDialog)
        assert told(app, "Session resumed")
        assert shown(app, "TimerBar").startswith("Studying  calculus  50:00 left")
        await let_time_pass(app, pilot, clock, 30)
        assert "49:30 left" in shown(app, "TimerBar")
    resumed = context.timer.session(session.id)
    assert (resumed.state, resumed.interrupted) == ("running", False)
    assert resumed.last_heartbeat_at - resumed.started_at >= timedelta(hours=2, minutes=10)
