"""Helpers for pilot tests: run an async test without a plugin, wait for workers, read the screen."""

from __future__ import annotations

import asyncio
import functools


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


def shown(app, selector: str) -> str:
    """The text a widget of the current screen shows."""
    return str(app.screen.query_one(selector).render())


def screen_lines(app) -> list[str]:
    """The terminal's text, row by row, as the learner sees it (modal screens over the ones below)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


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


def record_notifications(app) -> list[tuple[str, str]]:
    """Every notification the app shows from now on, as (severity, message); toasts vanish after a few
    seconds, so a test reads this list rather than the screen."""
    notes: list[tuple[str, str]] = []
    show = app.notify

    def notify(message, *, severity="information", **options):
        notes.append((severity, str(message)))
        return show(message, severity=severity, **options)

    app.notify = notify
    return notes
