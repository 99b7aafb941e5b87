"""Helpers for Pilot tests of the study timer: start a session from the keyboard, let time pass."""

from __future__ import annotations

from pilot_support import settle

from studybuddy.ui.screens.dialogs import StartTimerDialog


async def start_session(app, pilot, subject: str, minutes: int) -> None:
    await pilot.press("f6")
    await pilot.pause()
    assert isinstance(app.screen, StartTimerDialog)
    await pilot.press(*subject, "tab", "ctrl+a", "ctrl+k", *str(minutes), "enter")
    await settle(app, pilot)


async def let_time_pass(app, pilot, clock, seconds: int) -> None:
    """What the once-a-second interval does, driven by the test's clock instead of the real one."""
    for _ in range(seconds):
        clock.advance(seconds=1)
        app.timer.tick()
    await settle(app, pilot)
