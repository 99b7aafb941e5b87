"""The diary in the app, at 80x24 and 120x40: formulas shown as Unicode in the preview (the file never
changed), a search that shows the lines it found, a day without an entry opened from the day list or
the calendar with the template filled in, and a saved mark beside the title."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pilot_support import screen_lines, settle, shown, synchronously
from textual.widgets import Input, TextArea

from studybuddy.ui.screens.diary import DiaryScreen
from studybuddy.ui.screens.progress import ProgressScreen
from studybuddy.ui.widgets.heatmap import Heatmap

SIZES = [(80, 24), (120, 40)]
TODAY = "2025-07-06"  # the frozen clock's day (conftest)
MATH_ENTRY = (
    "Softmax: $\\frac{\\partial L}{\\partial z_1} = p_1 - y_1$\n"
    "$$\\sigma(x) = \\frac{1}{1 + e^{-x}}$$\n"
    "raw: $(actual-predicted_probs)^2$\n"
)


@pytest.fixture(autouse=True)
def no_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DiaryScreen, "WATCH_SECONDS", None)


def write_entry(context, text: str, day: str = TODAY) -> Path:  # type: ignore[no-untyped-def]
    path = context.home.diary_dir / f"{day}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def editor(app) -> TextArea:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#diary-editor", TextArea)


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(screen_lines(app))


@pytest.mark.parametrize("size", SIZES)
@synchronously
async def test_the_preview_shows_formulas_as_unicode_and_leaves_the_file_as_written(
    size: tuple[int, int], make_app, context
) -> None:
    path = write_entry(context, MATH_ENTRY)
    app = make_app(background=False)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        text = screen_text(app)
        assert "∂L/∂z₁ = p₁ - y₁" in text
        assert "σ(x) = 1/(1 + e⁻ˣ)" in text
        assert "$(actual-predicted_probs)^2$" in text  # cannot be shown well: raw, as written
        assert "\\frac" not in text
        await pilot.press("ctrl+r")  # back to the editor: the text as written
        await settle(app, pilot)
        assert editor(app).text == MATH_ENTRY
    assert path.read_text(encoding="utf-8") == MATH_ENTRY


@pytest.mark.parametrize("size", SIZES)
@synchronously
async def test_a_search_shows_the_lines_it_found_under_each_day(
    size: tuple[int, int], make_app, context
) -> None:
    write_entry(
        context, "# notes\nmorning: vectors\nderived the softmax Jacobian by hand\n", day="2025-07-01"
    )
    write_entry(context, "nothing about it\n", day="2025-07-02")
    write_entry(context, "- jacobian of the sigmoid again\n", day="2025-07-03")
    app = make_app(background=False)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("ctrl+f", *"jacobian")
        await settle(app, pilot)
        text = screen_text(app)
        assert "2025-07-03 Thu" in text and "2025-07-01 Tue" in text and "2025-07-02" not in text
        assert "jacobian of the sig" in text  # the line found, from just before the word
        assert "…softmax Jacobian" in text
        assert text.index("2025-07-03 Thu") < text.index("jacobian of the sig") < text.index("2025-07-01 Tue")


TEMPLATE = "# {weekday} {date}\n{sessions}\n\n## What I learned\n"


@pytest.mark.parametrize("size", SIZES)
@synchronously
async def test_a_day_without_an_entry_opens_from_the_day_list_with_the_template(
    size: tuple[int, int], make_app, context
) -> None:
    context.config = dataclasses.replace(context.config, diary_template=TEMPLATE)
    write_entry(context, "today's notes\n")
    app = make_app(background=False)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        assert shown(app, "#diary-saved") == "✓ saved"
        await pilot.press("ctrl+f", *"2025-07-01")
        await settle(app, pilot)
        assert "2025-07-01 Tue · new" in screen_text(app)
        await pilot.press("enter")  # a date typed in the search box: that day opens
        await settle(app, pilot)
        assert shown(app, "#diary-day") == "Tuesday 01 July 2025"
        assert editor(app).text == "# Tuesday 2025-07-01\n- no session yet\n\n## What I learned\n"
        assert shown(app, "#diary-saved") == "· new: saved once you write"
        new_day = context.home.diary_dir / "2025-07-01.md"
        await pilot.press("ctrl+s")  # the template alone is not an entry: nothing is written
        await settle(app, pilot)
        assert not new_day.exists()
        editor(app).focus()
        await pilot.press(*"vectors")
        await settle(app, pilot)
        assert shown(app, "#diary-saved") == "● not saved yet"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert shown(app, "#diary-saved") == "✓ saved"
        assert new_day.read_text() == "# Tuesday 2025-07-01\n- no session yet\n\n## What I learned\nvectors\n"


@pytest.mark.parametrize("size", SIZES)
@synchronously
async def test_a_day_clicked_in_the_progress_calendar_opens_in_the_diary(
    size: tuple[int, int], make_app, context
) -> None:
    app = make_app(background=False)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, ProgressScreen)
        calendar = app.screen.query_one(Heatmap)
        x = next(x for x in range(calendar.size.width) if calendar.day_at(x, 2) is not None)
        day = calendar.day_at(x, 2)  # a Tuesday, the first the calendar shows
        assert day is not None and day.weekday() == 1
        await pilot.click(Heatmap, offset=(x, 2))
        await settle(app, pilot)
        assert isinstance(app.screen, DiaryScreen)
        assert shown(app, "#diary-day") == f"{day:%A %d %B %Y}"
        assert editor(app).text == ""
        assert isinstance(app.focused, TextArea)
        assert app.screen.query_one("#diary-search", Input).value == ""
