"""The app's lesson list says which lessons failed their last `studybuddy lessons check` (issue 9)."""

from __future__ import annotations

import shutil
from pathlib import Path

from pilot_support import screen_lines, settle, synchronously

FIXTURES = Path(__file__).parent.parent / "fixtures" / "lessons"
WRONG_TITLE = "The sigmoid and its derivative s(1 - s)"  # the fixture's, the same as the bundled lesson's


@synchronously
async def test_a_lesson_whose_last_check_failed_says_so_in_the_list(make_app, context) -> None:
    context.home.lessons_dir.mkdir(parents=True)
    wrong = context.home.lessons_dir / "wrong-step.yaml"
    shutil.copy(FIXTURES / "broken" / "wrong-step.yaml", wrong)
    reports = list(context.lessons.check([wrong]))  # what `studybuddy lessons check` runs
    assert [report.passed for report in reports] == [False]

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press(*"sigmoid")
        await settle(app, pilot)
        rows = [line[line.index(WRONG_TITLE) :].rstrip() for line in screen_lines(app) if WRONG_TITLE in line]
        assert sorted(rows) == [WRONG_TITLE, f"{WRONG_TITLE}  ✗ fails its check"], "\n".join(
            screen_lines(app)
        )
