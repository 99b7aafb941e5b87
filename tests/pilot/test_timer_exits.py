"""Every way out of the app from inside it, with a session running or paused: ctrl+q, the command
palette's Quit, and a crash (an exception raised inside the app). The session outlives the app: it is
a row in the database, not a process. Afterwards another process's `timer status` shows it as it was
left (a running one still counting, a paused one with its time), and a reopened app shows it too.

Processes are made-up pids on this host; the test ends the app's pid once the app has exited, so a
session the app failed to let go of looks interrupted here exactly as it would to a real shell.
(SIGTERM, SIGHUP and SIGKILL need a real process: test_timer_exits_pty.py.)
"""

from __future__ import annotations

import contextlib
import socket

import pytest
from pilot_support import settle, shown, synchronously
from textual.command import CommandPalette
from timer_support import let_time_pass, start_session

from studybuddy.services.context import StudyContext
from studybuddy.services.timer import TimerService
from studybuddy.storage.sessions import Owner
from studybuddy.ui.app import StudyBuddyApp
from studybuddy.ui.screens.dialogs import RecoverSessionDialog

HOST = socket.gethostname()
APP, SHELL, REOPENED = Owner(91001, HOST), Owner(91002, HOST), Owner(91003, HOST)


class Processes:
    """Which of the made-up processes are alive."""

    def __init__(self) -> None:
        self.alive = {APP.pid, SHELL.pid, REOPENED.pid}

    def is_alive(self, pid: int) -> bool:
        return pid in self.alive


def study_context(home, clock, owner: Owner, processes: Processes, grader=None) -> StudyContext:
    """What a process opens: the study home, with a timer that knows which process it is (and for the
    app, the tests' shared grader)."""
    context = StudyContext.open(str(home))
    context.clock = clock
    if grader is not None:
        context.grading = grader
    context.timer = TimerService(
        context.database, clock, default_minutes=60, owner=owner, is_alive=processes.is_alive
    )
    return context


class Crash(Exception):
    """A bug in the app."""


async def quit_with_ctrl_q(app, pilot) -> None:
    await pilot.press("ctrl+q")


async def quit_from_the_palette(app, pilot) -> None:
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*"quit")
    await settle(app, pilot)
    assert "Quit the application" in str(app.screen.query_one("CommandList").get_option_at_index(0).prompt)
    await pilot.press("enter")


async def crash(app, pilot) -> None:
    def bug() -> None:
        raise Crash("a bug in the app")

    app.call_later(bug)


WAYS_OUT = {"ctrl+q": quit_with_ctrl_q, "palette's Quit": quit_from_the_palette, "a crash": crash}


@pytest.mark.parametrize("state", ["running", "paused"])
@pytest.mark.parametrize("way_out", list(WAYS_OUT))
@synchronously
async def test_the_session_outlives_every_way_out_of_the_app(
    tmp_path, monkeypatch, clock, grader, way_out: str, state: str
) -> None:
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    processes = Processes()
    home = tmp_path / "home"
    app = StudyBuddyApp(study_context(home, clock, APP, processes, grader), background=False)
    crashes = pytest.raises(Crash) if way_out == "a crash" else contextlib.nullcontext()
    with crashes:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            await start_session(app, pilot, "calculus", 60)
            await let_time_pass(app, pilot, clock, 10 * 60)
            if state == "paused":
                await pilot.press("f6")
                await settle(app, pilot)
                await let_time_pass(app, pilot, clock, 5 * 60)
            assert app.timer_view.state == state
            await WAYS_OUT[way_out](app, pilot)
            await pilot.pause()
    processes.alive.discard(APP.pid)  # the app's process has ended

    shell = study_context(home, clock, SHELL, processes).timer  # `studybuddy timer status`
    status = shell.status()
    assert status.interrupted == ()
    assert (status.state, status.subject, round(status.session.studied_seconds)) == (state, "calculus", 600)
    clock.advance(minutes=5)
    studied = round(shell.status().session.studied_seconds)
    assert studied == (900 if state == "running" else 600), "a running session counts on without the app"

    reopened = StudyBuddyApp(study_context(home, clock, REOPENED, processes, grader), background=False)
    async with reopened.run_test(size=(100, 30)) as pilot:
        await settle(reopened, pilot)
        assert not isinstance(reopened.screen, RecoverSessionDialog)
        left = "45:00" if state == "running" else "50:00"
        assert (reopened.timer_view.state, reopened.timer_view.clock_text) == (state, left)
        assert "calculus" in shown(reopened, "TimerBar") and left in shown(reopened, "TimerBar")
        await let_time_pass(reopened, pilot, clock, 30)
        assert reopened.timer_view.clock_text == ("44:30" if state == "running" else "50:00")


@synchronously
async def test_a_session_paused_in_the_open_app_stays_live_for_other_shells(
    tmp_path, monkeypatch, clock, grader
) -> None:
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    processes = Processes()
    home = tmp_path / "home"
    app = StudyBuddyApp(study_context(home, clock, APP, processes, grader), background=False)
    shell = study_context(home, clock, SHELL, processes).timer
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await start_session(app, pilot, "calculus", 60)
        await let_time_pass(app, pilot, clock, 60)
        await pilot.press("f6")
        await settle(app, pilot)
        await let_time_pass(app, pilot, clock, 10 * 60)  # the app beats while paused, too
        status = shell.status()
        assert status.interrupted == () and status.state == "paused"
        assert round(status.session.studied_seconds) == 60
