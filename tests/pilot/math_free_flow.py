"""A whole study flow in the TUI, run as its own process: prints which of sympy/numpy the app imported.

Run by test_app_process_stays_math_free (pytest's own process has imported SymPy long before).
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path


class FrozenClock:
    def now(self) -> datetime:
        return datetime(2025, 7, 6, 9, 30, tzinfo=UTC)


async def flow(home: Path) -> list[str]:
    from studybuddy.services.context import StudyContext
    from studybuddy.ui.app import StudyBuddyApp

    context = StudyContext.open(str(home))
    context.clock = FrozenClock()
    app = StudyBuddyApp(context)
    shown: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:

        async def settle() -> None:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()

        await settle()
        await pilot.press("f3")
        await settle()
        await pilot.press(*"sigmoid", "enter", "enter")
        await settle()
        await pilot.press("n", "n", "n", "n", "c")
        await settle()
        shown.append(str(app.screen.query_one("#check-results").render()))
        await pilot.press("x", *"s(1-s)")
        await settle()
        shown.append(str(app.screen.query_one("#answer-preview").render()))
        await pilot.press("enter")
        await settle()
        shown.append(str(app.screen.query_one("#verdict").render()))
        await pilot.press("f4")
        await settle()
    return shown


if __name__ == "__main__":  # a guard: the grading worker is spawned from this file's process
    screens = asyncio.run(flow(Path(sys.argv[1])))
    print("\n".join(screens))
    print("IMPORTED:", " ".join(name for name in ("sympy", "numpy") if name in sys.modules) or "none")
