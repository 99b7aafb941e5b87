"""Palette, remapped keys, themes, mouse, quitting and the 80x24 layout, as a learner meets them."""

from __future__ import annotations

from pilot_support import settle, shown, synchronously
from textual.widgets import TextArea

from studybuddy.ui.screens.diary import DiaryScreen
from studybuddy.ui.screens.lesson import LessonScreen
from studybuddy.ui.screens.progress import ProgressScreen


async def run_palette_command(app, pilot, query: str) -> None:
    """ctrl+p, type the query, let the providers answer, Enter on the best hit."""
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    await pilot.press(*query)
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


@synchronously
async def test_the_palette_opens_a_lesson_by_part_of_its_title(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await run_palette_command(app, pilot, "sigmoid and its")
        assert isinstance(app.screen, LessonScreen)
        assert "The sigmoid and its derivative" in shown(app, "#lesson-title")


@synchronously
async def test_the_palette_goes_to_a_section_and_to_a_diary_day(make_app, context) -> None:
    context.home.diary_dir.mkdir(parents=True)
    (context.home.diary_dir / "2025-07-01.md").write_text("Softmax Jacobian by hand.\n", encoding="utf-8")
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await run_palette_command(app, pilot, "Go to Progress")
        assert isinstance(app.screen, ProgressScreen)
        await run_palette_command(app, pilot, "2025-07-01")
        assert isinstance(app.screen, DiaryScreen)
        # The diary was never shown before: the day asked for is opened, not today's entry.
        assert shown(app, "#diary-day") == "Tuesday 01 July 2025"
        assert app.screen.query_one("#diary-editor", TextArea).text == "Softmax Jacobian by hand.\n"
