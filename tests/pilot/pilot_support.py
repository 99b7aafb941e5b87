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
