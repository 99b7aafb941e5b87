"""A lesson's time estimate where a learner plans their hour: under the lesson list and in the lesson's
header; a lesson written without one shows none (and still opens). At 80x24 and 100x30."""

from __future__ import annotations

import pytest
from path_support import use_only, write_lesson
from pilot_support import screen_lines, settle, shown, synchronously
from textual.widgets import Tree

from studybuddy.ui.screens.lesson import LessonScreen, open_lesson
from studybuddy.ui.screens.lessons import LessonsScreen

SIZES = [(80, 24), (100, 30)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "100x30"])
@synchronously
async def test_the_estimate_shows_under_the_list_and_in_the_lessons_header(
    make_app, context, tmp_path, size
) -> None:
    timed = write_lesson(tmp_path / "lib", "timed", "A timed lesson", "calculus")
    timed.write_text(timed.read_text().replace("symbols:", "minutes: 25\nsymbols:", 1))
    write_lesson(tmp_path / "lib", "untimed", "An untimed lesson", "calculus", ("timed",))
    use_only(context, tmp_path / "lib")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)
        tree = app.screen.query_one("#lesson-tree", Tree)
        await pilot.press("down")  # into the list, on its first lesson
        await settle(app, pilot)
        assert tree.cursor_node.data[1].id == "timed"
        assert shown(app, "#lesson-detail").splitlines()[0] == "A timed lesson  ·  about 25 min"
        assert any("A timed lesson  ·  about 25 min" in line for line in screen_lines(app))
        await pilot.press("down")
        await settle(app, pilot)
        assert tree.cursor_node.data[1].id == "untimed"
        assert shown(app, "#lesson-detail").splitlines()[0] == "An untimed lesson"

        open_lesson(app, "timed")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen)
        assert shown(app, "#lesson-title").replace("\n", " ").endswith("calculus  ·  about 25 min")
        await pilot.press("escape")
        await settle(app, pilot)
        open_lesson(app, "untimed")
        await settle(app, pilot)
        assert "min" not in shown(app, "#lesson-title") and "untimed" in shown(app, "#lesson-title")
