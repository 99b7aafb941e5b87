"""Every bundled derive exercise says where to start and what to reach, whole, at 80x24: the start
is what the learner's first line must equal. Under the prompt's four rows they were cut off whenever
the prompt ran to three lines (batched-softmax-fc, embedding-lookup, ...), at 80 and at 100 columns."""

from __future__ import annotations

import re

from pilot_support import screen_lines, settle, synchronously

from studybuddy.storage.lesson_library import bundled_lessons_dir, find_lesson_files, read_lesson
from studybuddy.ui.screens.quiz import QuizScreen

LESSONS = [read_lesson(file) for file in find_lesson_files([(bundled_lessons_dir(), "bundled")])]


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@synchronously
async def test_every_derive_exercise_shows_its_start_and_goal_at_80x24(make_app, context) -> None:
    app = make_app()
    unseen = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for lesson in LESSONS:
            if not lesson.derive_exercises:
                continue
            app.push_screen(QuizScreen(context.lessons.get(lesson.id), len(lesson.exercises) - 1))
            await settle(app, pilot)
            await pilot.press("ctrl+n")  # past the last answer exercise: the first derive exercise
            await settle(app, pilot)
            screen = compact("".join(screen_lines(app)))
            exercise = lesson.derive_exercises[0]
            for what in (f"Startfrom{exercise.start}", f"endwithalineequalto{exercise.goal}."):
                if compact(what) not in screen:
                    unseen.append(f"{lesson.id}: {what}")
            app.pop_screen()
            await settle(app, pilot)
    assert unseen == []
