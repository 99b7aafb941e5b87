"""The learner's path as they meet it: the lesson list in learning order with each lesson's progress and
prerequisites, the dashboard's count and next lesson, the summary after a lesson's last exercise, the
exercise list and the previous exercise, and where the eyes land (the top of a lesson, 'Derivation
complete', the answer as typed, an exercise's own keys in F1, titles whole). At 80x24 and 120x40."""

from __future__ import annotations

import pytest
from path_support import use_only, write_lesson
from pilot_support import screen_lines, settle, shown, synchronously
from textual.widgets import Markdown, Tree

from studybuddy.services.learning_path import learner_path
from studybuddy.ui.screens.help import HelpScreen
from studybuddy.ui.screens.lesson import LessonScreen, open_lesson
from studybuddy.ui.screens.lesson_finished import LessonFinishedDialog
from studybuddy.ui.screens.lessons import LessonsScreen
from studybuddy.ui.screens.quiz import QuizScreen

SIZES = [(80, 24), (120, 40)]
LONG_TITLE = (
    "Convolution backward, the long way round: the kernel gradient correlates and the input gradient "
    "is a full convolution"
)


def small_library(folder, *, with_cycle: bool = False) -> None:
    """dot (algebra); derivatives, gradients (needs both), chain (needs derivatives) in calculus."""
    write_lesson(folder, "gradients", "Gradients of a layer", "calculus", ("derivatives", "dot"))
    write_lesson(folder, "derivatives", "Derivatives first", "calculus")
    write_lesson(folder, "dot", "The dot product", "algebra")
    write_lesson(folder, "chain", "The chain rule", "calculus", ("derivatives",))
    if with_cycle:
        write_lesson(folder, "loop-a", "Loop A", "drafts", ("loop-b",))
        write_lesson(folder, "loop-b", "Loop B", "drafts", ("loop-a",))
        write_lesson(folder, "orphan", "An orphan", "drafts", ("nowhere",))


def solve_every_exercise(context, lesson_id: str) -> None:
    """Every step of the lesson read, each of its three exercises answered right."""
    context.progress.lesson_opened(lesson_id, steps_revealed=2)
    for exercise in ("first", "second", "third"):
        context.progress.record_attempt(
            lesson_id=lesson_id, exercise_id=exercise, answer="?", correct=True, verdict="equivalent"
        )


def rows_with(app, *texts: str) -> list[int]:
    """The screen row each text first shows on (a text not shown fails the test)."""
    lines = screen_lines(app)
    rows = []
    for text in texts:
        found = [y for y, line in enumerate(lines) if text in line]
        assert found, f"{text!r} is not on the screen:\n" + "\n".join(lines)
        rows.append(found[0])
    return rows


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@synchronously
async def test_the_lesson_list_follows_the_requires_graph_and_names_a_cycle(
    make_app, context, tmp_path, size
) -> None:
    small_library(tmp_path / "lib", with_cycle=True)
    use_only(context, tmp_path / "lib")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)
        rows = rows_with(
            app,
            "1 ○ The dot product",
            "2 ○ Derivatives first",
            "3 ○ Gradients of a layer",
            "4 ○ The chain rule",
            "5 ○ Loop A",
            "6 ○ Loop B",
        )
        assert rows == sorted(rows)
        status = shown(app, "#library-status")
        assert "6 lessons, 0 done, 1 broken; in learning order" in status
        assert "the requires of loop-a → loop-b → loop-a go round in a circle" in status
        tree = app.screen.query_one("#lesson-tree", Tree)
        (broken,) = [node for node in tree.root.children if str(node.label).startswith("⚠")]
        assert "requires 'nowhere', but no lesson has that id" in str(broken.children[0].label)

        # The highlighted lesson's prerequisites and progress, under the list.
        for _ in range(3):  # into the list, on its first lesson, then down two
            await pilot.press("down")
            await settle(app, pilot)
        assert tree.cursor_node.data[1].id == "gradients"
        detail = shown(app, "#lesson-detail")
        assert "Lesson 3 of 6 on the path · calculus · not started" in detail
        assert "Requires: ○ The dot product, ○ Derivatives first" in detail

        # ctrl+o: by subject and topic instead; the cursor stays on the lesson.
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert [str(node.label) for node in tree.root.children[0].children] == [
            "algebra",
            "calculus",
            "drafts",
        ]
        assert tree.cursor_node.data[1].id == "gradients"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@synchronously
async def test_the_dashboard_counts_the_lessons_done_and_n_opens_the_next(
    make_app, context, tmp_path, size
) -> None:
    small_library(tmp_path / "lib")
    use_only(context, tmp_path / "lib")
    solve_every_exercise(context, "dot")
    context.progress.lesson_opened("derivatives", steps_revealed=1)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await app.library_settled.wait()
        await settle(app, pilot)
        card = shown(app, "#card-path")
        assert "1 of 4 lessons done." in card
        assert "Next: Derivatives first (1/2 steps read, 0/3 exercises solved). Press n." in card
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson_id == "derivatives"


def test_the_path_from_the_service_counts_done_and_mastered_lessons(context, tmp_path) -> None:
    small_library(tmp_path / "lib")
    use_only(context, tmp_path / "lib")
    solve_every_exercise(context, "dot")
    context.progress.record_attempt(  # right, but after the worked solution: not solved
        lesson_id="chain",
        exercise_id="first",
        answer="2x",
        correct=True,
        verdict="equivalent",
        solution_seen=True,
    )
    path = learner_path(context.database, context.lessons.list())
    assert [item.id for item in path.lessons] == ["dot", "derivatives", "gradients", "chain"]
    assert path.headline() == "1 of 4 lessons done"
    assert path.lesson("chain").progress.describe() == "not started"
    assert path.next_lesson().id == "derivatives"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@synchronously
async def test_after_the_last_exercise_a_summary_and_the_next_lesson_not_exercise_one(
    make_app, context, clock, tmp_path, size
) -> None:
    small_library(tmp_path / "lib")
    use_only(context, tmp_path / "lib")
    app = make_app()
    app.animation_level = "none"
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await app.library_settled.wait()
        open_lesson(app, "derivatives")
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, QuizScreen)
        assert shown(app, "#exercise-list") == "Exercises (0/3 solved): [·1] ·2 ·3 "
        await pilot.press(*"2*x", "enter")
        await settle(app, pilot)
        assert shown(app, "#verdict").startswith("✓ Right.")
        assert shown(app, "#exercise-list") == "Exercises (1/3 solved): [✓1] ·2 ·3 "
        clock.advance(minutes=4)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert shown(app, "#exercise-title").endswith("exercise 2 of 3")
        assert shown(app, "#exercise-list") == "Exercises (1/3 solved): ✓1 [·2] ·3 "

        # ctrl+b: back to exercise 1, and forward again; alt+left and alt+right too (tmux takes ctrl+b)
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert shown(app, "#exercise-title").endswith("exercise 1 of 3")
        await pilot.press("alt+right")
        await settle(app, pilot)
        assert shown(app, "#exercise-title").endswith("exercise 2 of 3")
        await pilot.press("alt+left")
        await settle(app, pilot)
        assert shown(app, "#exercise-title").endswith("exercise 1 of 3")
        await pilot.press("ctrl+n")
        await settle(app, pilot)

        await pilot.press("f8", *"x^2", "enter")  # with a hint
        await settle(app, pilot)
        assert shown(app, "#verdict").startswith("✓ Right.")
        await pilot.press("ctrl+n", *"3", "enter")  # wrong, then right
        await settle(app, pilot)
        assert shown(app, "#verdict").startswith("✗")
        await pilot.press("ctrl+u", *"2", "enter")
        await settle(app, pilot)
        assert shown(app, "#verdict").startswith("✓ Right.")
        clock.advance(minutes=3)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonFinishedDialog), "not silently back to exercise 1"
        text = shown(app, "#lesson-finished-text")
        assert (
            "This sitting: 1 right first time; 1 right after a wrong try; 1 right with hints; 7 min spent"
            in text
        )
        assert "  1. right first time\n  2. right with hints\n  3. right after a wrong try" in text
        assert (
            "The lesson is not done yet: 1/2 steps read, 3/3 exercises solved. 0 of 4 lessons done." in text
        )
        assert "Next on the path: The dot product" in text
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson_id == "dot"
        assert not any(isinstance(screen, QuizScreen) for screen in app.screen_stack)
        assert [s.lesson_id for s in app.screen_stack if isinstance(s, LessonScreen)] == ["dot"]


@synchronously
async def test_the_summary_can_start_the_exercises_again_or_stay(make_app, context, tmp_path) -> None:
    small_library(tmp_path / "lib")
    use_only(context, tmp_path / "lib")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await app.library_settled.wait()
        open_lesson(app, "dot")
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")  # to the end, nothing answered
        await settle(app, pilot)
        assert "3 not solved yet" in shown(app, "#lesson-finished-text")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, QuizScreen)
        assert shown(app, "#exercise-title").endswith("exercise 3 of 3"), "stays on the last"
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        app.screen.query_one("#again").press()
        await settle(app, pilot)
        assert isinstance(app.screen, QuizScreen)
        assert shown(app, "#exercise-title").endswith("exercise 1 of 3")


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@synchronously
async def test_a_lesson_opens_at_the_top_and_derivation_complete_is_in_view(
    make_app, context, tmp_path, size
) -> None:
    intro = "\n\n".join(f"Paragraph {n} of a long introduction to derivatives." for n in range(1, 40))
    write_lesson(tmp_path / "lib", "long", "A lesson with a long introduction", intro=intro)
    use_only(context, tmp_path / "lib")
    app = make_app()
    app.animation_level = "none"
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await app.library_settled.wait()
        open_lesson(app, "long")
        await settle(app, pilot)
        assert app.screen.query_one("#lesson-body").scroll_y == 0
        rows_with(app, "A lesson with a long introduction  ·", "Paragraph 1 of a long")
        await pilot.press("n")
        await settle(app, pilot)
        rows_with(app, "Derivation complete. Press c for the numeric check")


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@synchronously
async def test_the_answer_preview_shows_what_was_typed_as_typed(make_app, context, tmp_path, size) -> None:
    write_lesson(tmp_path / "lib", "typed", "Typing answers")
    use_only(context, tmp_path / "lib")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await app.library_settled.wait()
        open_lesson(app, "typed")
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        for typed, preview in [
            ("3x-(x+x)", "3⋅x - (x + x)"),
            ("0.25", "0.25"),
            ("x + x", "x + x"),
            ("2*(x+1)", "2⋅(x + 1)"),
            ("1 + x^2", "     2\n1 + x "),
        ]:
            await pilot.press("ctrl+u", *typed)
            await settle(app, pilot)
            assert shown(app, "#answer-preview") == preview, typed


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@synchronously
async def test_f1_on_an_exercise_lists_its_own_keys_before_the_answer_box_editing_keys(
    make_app, context, tmp_path, size
) -> None:
    write_lesson(tmp_path / "lib", "keys", "Keys")
    use_only(context, tmp_path / "lib")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        open_lesson(app, "keys")
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        source = app.screen.query_one(Markdown).source
        rows = [line for line in source.splitlines() if line.startswith("| ") and "---" not in line]
        keys = [row.split(" | ")[1] for row in rows if not row.startswith("| key")]
        assert set(keys[:5]) == {"Hint", "Solution", "Next", "Back", "Previous"}, keys
        assert keys.index("Previous") < keys.index("Timer") < keys.index("Delete character left")


@pytest.mark.parametrize("width", [80, 100])
@synchronously
async def test_a_long_title_wraps_whole_in_the_title_line(make_app, context, tmp_path, width) -> None:
    write_lesson(tmp_path / "lib", "long-title", LONG_TITLE)
    use_only(context, tmp_path / "lib")
    app = make_app()
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(app, pilot)
        await app.library_settled.wait()
        open_lesson(app, "long-title")
        await settle(app, pilot)
        top = " ".join(line.strip() for line in screen_lines(app)[:3])
        assert f"studybuddy — {LONG_TITLE}" in " ".join(top.split()), top
        assert "…" not in top
        assert isinstance(app.screen, LessonScreen)
