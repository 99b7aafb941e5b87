"""Helpers for pilot tests: run an async test without a plugin, wait for workers, read the screen."""

from __future__ import annotations

import asyncio
import functools

from textual import events

from studybuddy.ui import textual_internals


def synchronously(test):
    """Run an async Pilot test with asyncio.run (no async plugin needed)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


async def settle(app, pilot) -> None:
    """Let every worker (loads, grading, saves) finish and the screen catch up."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def paste(app, pilot, text: str) -> None:
    """Paste ``text`` as a terminal's bracketed paste reaches the app (to the focused widget): one event
    for a whole line, where pressing each key costs Pilot a round trip; tests of typing itself press keys."""
    app.post_message(events.Paste(text))
    await pilot.pause()


def shown(app, selector: str) -> str:
    """The text a widget of the current screen shows."""
    return str(app.screen.query_one(selector).render())


def screen_lines(app) -> list[str]:
    """The terminal's text, row by row, as the learner sees it (modal screens over the ones below)."""
    return textual_internals.screen_lines(app.screen)


async def click_text(app, pilot, text: str, *, row: int | None = None, last: bool = False) -> None:
    """Click the first character of ``text`` where it shows on screen (on ``row`` only, if given;
    its last showing with ``last``, where a clickable word sits at the right end of a line)."""
    found = [
        (y, line.rindex(text) if last else line.index(text))
        for y, line in enumerate(screen_lines(app))
        if (row is None or y == row) and text in line
    ]
    if not found:
        raise AssertionError(f"{text!r} is not on the screen:\n" + "\n".join(screen_lines(app)))
    y, x = found[-1] if last else found[0]
    await pilot.click(offset=(x, y))
    await settle(app, pilot)


class NotificationRecorder:
    """Stands in for an app's ``notify`` (a public method) and keeps every notification shown."""

    def __init__(self, app) -> None:
        self.notes: list[tuple[str, str]] = []
        self.show = app.notify
        app.notify = self

    def __call__(self, message, *, severity="information", **options):
        self.notes.append((severity, str(message)))
        return self.show(message, severity=severity, **options)


def record_notifications(app) -> list[tuple[str, str]]:
    """Every notification the app shows from now on, as (severity, message); toasts vanish after a few
    seconds, so a test reads this list rather than the screen. The apps the fixtures build record from
    the start (what on_mount says too); asked again, this gives the same list."""
    if isinstance(app.notify, NotificationRecorder):
        return app.notify.notes
    return NotificationRecorder(app).notes


def warnings(app) -> list[str]:
    """The warnings and errors the app has shown."""
    return [message for severity, message in record_notifications(app) if severity in ("warning", "error")]


def told(app, words: str) -> int:
    """How many notifications shown so far say ``words``."""
    return sum(words in message for _, message in record_notifications(app))
