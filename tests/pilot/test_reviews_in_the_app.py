"""Spaced review as the learner meets it in the app, on a frozen clock with the real grader: the rating
proposed under a right answer and changed with one key, what leaving an exercise saves, the Review
section's order and its fresh variants, the dashboard's counts, Progress's review part and the
weekly report (the same as `review stats` and `report --week`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fsrs import Rating
from pilot_support import screen_lines, settle, shown, synchronously, warnings
from timer_support import start_session

from studybuddy.cli.review import render_overview
from studybuddy.core.reviews.rating import Encounter, Try
from studybuddy.services.insights import review_overview
from studybuddy.services.quiz import QuizSession
from studybuddy.ui.screens.lesson import LessonScreen
from studybuddy.ui.screens.quiz import QuizScreen
from studybuddy.ui.screens.review import ReviewScreen

LESSON = "sigmoid-derivative"
ROOT = Path(__file__).resolve().parents[2]
SIZES = [(80, 24), (120, 40)]


def logs(context) -> list[tuple[str, int, int]]:
    """(exercise, rating saved, rating proposed) of every review, oldest first."""
    with context.database.read() as conn:
        return conn.execute(
            "SELECT c.exercise_id, l.rating, l.proposed FROM review_logs l JOIN cards c USING (card_id) "
            "ORDER BY l.rowid"
        ).fetchall()


def text(app) -> str:
    return "\n".join(screen_lines(app))


async def open_exercise(app, pilot, exercise_id: str, lesson_id: str = LESSON) -> QuizScreen:
    await settle(app, pilot)
    lesson = app.context.lessons.get(lesson_id)
    screen = QuizScreen(lesson, [e.id for e in lesson.exercises].index(exercise_id))
    await app.push_screen(screen)
    await settle(app, pilot)
    return screen


async def type_answer(app, pilot, answer: str) -> None:
    app.screen.query_one("#answer").focus()
    await pilot.press(*answer, "enter")
    await settle(app, pilot)


def answered(context, exercise_id: str, answer: str, *, hints: int = 0, lesson_id: str = LESSON):
    """An exercise answered (and its review saved) before the app opens, through the quiz's path."""
    lesson = context.lessons.get(lesson_id)
    index = [e.id for e in lesson.exercises].index(exercise_id)
    session = QuizSession(lesson, context.grading, context.progress, index, reviews=context.reviews)
    if hints:
        context.progress.show_hint(lesson_id, exercise_id, hints)
    request = session.ask_grade(answer)
    assert request is not None
    session.grade(request)
    proposal = session.pending_proposal()
    assert proposal is not None
    return session.save_rating(proposal)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("save_key", ["enter", "ctrl+n", "escape"])
@synchronously
async def test_a_right_answer_shows_the_proposal_and_each_interval_and_the_rating_changed_is_saved(
    make_app, context, size, save_key
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_exercise(app, pilot, "sigmoid-prime")
        await type_answer(app, pilot, "s*(1-s)")
        screen = text(app)
        assert "Proposed: Easy (right first time, no hint, in 0 s)" in " ".join(screen.split())
        for choice in ("1 Again 1 min", "2 Hard 6 min", "3 Good 10 min", "4 Easy 10 days"):
            assert choice in screen, f"{choice!r} is not on the {size} screen:\n{screen}"
        assert logs(context) == [], "nothing is saved before the learner confirms or moves on"
        await pilot.press("2")  # one key: Hard
        await pilot.press(save_key)
        await settle(app, pilot)
        assert logs(context) == [("sigmoid-prime", int(Rating.Hard), int(Rating.Easy))]
        card = context.reviews.card(LESSON, "sigmoid-prime")
        assert card is not None and (card.due - context.clock.now()).total_seconds() == 5.5 * 60  # "6 min"
        if save_key == "enter":
            assert "Saved as Hard (proposed Easy); next review in 6 min." in shown(app, "#rating")
        assert warnings(app) == []


@pytest.mark.parametrize("way_out", ["ctrl+n", "escape", "quit"])
@synchronously
async def test_leaving_an_exercise_with_only_wrong_tries_saves_again(make_app, context, way_out) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_exercise(app, pilot, "sigmoid-prime")
        await type_answer(app, pilot, "s*(1+s)")
        assert shown(app, "#verdict").startswith("✗")
        assert logs(context) == []
        if way_out == "quit":
            await app.action_quit()
        else:
            await pilot.press(way_out)
            await settle(app, pilot)
    assert logs(context) == [("sigmoid-prime", int(Rating.Again), int(Rating.Again))]


@synchronously
async def test_leaving_an_exercise_not_tried_saves_nothing(make_app, context) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_exercise(app, pilot, "sigmoid-prime")
        await pilot.press("ctrl+n", "escape")
        await settle(app, pilot)
    assert logs(context) == []


@synchronously
async def test_wrong_then_hinted_then_right_come_back_in_that_order_in_the_review_section(
    make_app, context, clock
) -> None:
    """The issue's test, in the app: one wrong, one right after a hint, one right (not quickly)."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_exercise(app, pilot, "sigmoid-prime")
        await type_answer(app, pilot, "s*(1+s)")  # wrong, and left
        await pilot.press("ctrl+n")  # on to max-slope
        await settle(app, pilot)
        await pilot.press("f8")  # a hint, then right
        await type_answer(app, pilot, "1/4")
        assert "Proposed: Hard (right after a hint)" in text(app)
        await pilot.press("ctrl+n")  # on to chain-rule-w: two minutes reading, then right
        await settle(app, pilot)
        clock.advance(minutes=2)
        await type_answer(app, pilot, app.screen.session.exercise.answer.text)
        assert "Proposed: Good (right first time, no hint)" in text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert [row[0] for row in logs(context)] == ["sigmoid-prime", "max-slope", "chain-rule-w"]

        clock.advance(minutes=30)
        await pilot.press("f10")
        await settle(app, pilot)
        served = []
        for _ in range(3):
            assert isinstance(app.screen, ReviewScreen)
            served.append(app.screen.session.exercise.id)
            assert "due now" in shown(app, "#exercise-title")
            await pilot.press("ctrl+n")  # not answered: the next one
            await settle(app, pilot)
    assert served == ["sigmoid-prime", "max-slope", "chain-rule-w"]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@synchronously
async def test_the_review_section_serves_what_is_due_rates_it_and_then_says_when_the_next_is_due(
    make_app, context, clock, size
) -> None:
    answered(context, "sigmoid-prime", "s*(1+s)")  # Again: due in a minute
    clock.advance(minutes=5)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f10")
        await settle(app, pilot)
        title = shown(app, "#exercise-title")
        assert title.startswith("Review: ") and "The sigmoid and its derivative" in title
        assert "4 min overdue" in title or "due now" in title
        assert app.screen.session.exercise.id == "sigmoid-prime"
        await type_answer(app, pilot, "s*(1-s)")
        assert "Proposed: Easy" in text(app)
        await pilot.press("3", "enter")  # Good, saved: on to the next (new ones of the lesson)
        await settle(app, pilot)
        assert logs(context)[-1] == ("sigmoid-prime", int(Rating.Good), int(Rating.Easy))
        assert app.screen.session.exercise.id != "sigmoid-prime", "a reviewed card is not served again"

    # With no new exercise to introduce (the day's cap taken), nothing is due: it says until when.
    context.reviews.caps = type(context.reviews.caps)(new=0)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f10")
        await settle(app, pilot)
        status = " ".join(shown(app, "#review-status").split())
        card = context.reviews.card(LESSON, "sigmoid-prime")
        assert card is not None
        assert status.startswith("Nothing to review now.")
        assert f"The next review is due in 10 min ({card.due:%H:%M})." in status
        assert not app.screen.query_one("#quiz-body").display


@synchronously
async def test_an_exercise_with_parameters_is_reviewed_as_a_fresh_variant(make_app, context, clock) -> None:
    lesson_id, exercise_id = "batched-softmax-fc", "dscores-entry"
    first = context.lessons.get(lesson_id)
    written = next(e for e in first.exercises if e.id == exercise_id)
    assert written.parameters, "the bundled lesson's exercise has parameters"
    wrong = Encounter((Try(False, clock.now()),), clock.now())  # wrong: due again in a minute
    context.reviews.save(context.reviews.propose(lesson_id, exercise_id, wrong))
    drawn = []
    for minutes in (5, 60):
        clock.advance(minutes=minutes)
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("f10")
            await settle(app, pilot)
            exercise = app.screen.session.exercise
            assert exercise.id == exercise_id and exercise.drawn, "served as a variant"
            values = dict(exercise.drawn)
            assert "{N}" not in exercise.prompt and f"A batch of {values['N']} examples" in exercise.prompt
            assert "variant N = " in shown(app, "#exercise-title")
            drawn.append((exercise.seed, exercise.drawn))
            right = (float(values["p"]) - 1) / int(values["N"])
            await type_answer(app, pilot, repr(right))
            assert shown(app, "#verdict").startswith("✓ Right."), "graded against the values drawn"
            await pilot.press("1", "enter")  # Again, to have it back soon
            await settle(app, pilot)
    assert drawn[0][0] != drawn[1][0], "each review draws afresh"


@synchronously
async def test_cards_of_a_removed_lesson_never_crash_the_review_section(make_app, context, clock) -> None:
    mine = context.home.lessons_dir / "my-sigmoid.yaml"
    mine.parent.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "lessons" / "activations" / "sigmoid-derivative.yaml").read_text(encoding="utf-8")
    mine.write_text(text.replace(f"id: {LESSON}", "id: my-sigmoid", 1), encoding="utf-8")
    context.lessons.library(refresh=True)
    answered(context, "sigmoid-prime", "s*(1+s)", lesson_id="my-sigmoid")
    answered(context, "sigmoid-prime", "s*(1+s)")
    mine.unlink()  # the learner deletes their lesson
    context.lessons.library(refresh=True)
    clock.advance(minutes=5)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f10")
        await settle(app, pilot)
        session = app.screen.session
        assert (session.lesson.id, session.exercise.id) == (LESSON, "sigmoid-prime")
        await pilot.press("f5")
        await settle(app, pilot)
        overview = shown(app, "#review-overview")
        assert "Orphaned cards (their exercise is gone; kept, never served): 1" in overview
        assert warnings(app) == []


@synchronously
async def test_the_dashboard_counts_reviews_due_and_new_waiting_and_r_opens_the_review(
    make_app, context, clock
) -> None:
    answered(context, "sigmoid-prime", "s*(1+s)")
    clock.advance(minutes=5)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        lesson = context.lessons.get(LESSON)
        new = len(lesson.exercises) - 1
        assert f"1 due today · {new} new waiting. Press r to review." in " ".join(
            shown(app, "#card-reviews").split()
        )
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.session.exercise.id == "sigmoid-prime"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@synchronously
async def test_progress_shows_what_review_stats_prints_and_w_the_weekly_report(
    make_app, context, clock, size
) -> None:
    answered(context, "sigmoid-prime", "s*(1+s)")
    answered(context, "max-slope", "1/4", hints=1)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        expected = "\n".join(render_overview(review_overview(context)))
        assert shown(app, "#review-overview") == expected
        assert "once this month, mostly in The sigmoid and its derivative" in expected
        await pilot.press("w")
        await settle(app, pilot)
        report = "\n".join(screen_lines(app))
        assert "Weekly report, 30 Jun to 6 Jul 2025" in report and "##" not in report, "a heading"
        assert "Exercises: 2 exercises answered (2 answers, 50% right)" in report and "**" not in report


@synchronously
async def test_the_weekly_report_of_a_week_with_no_study_says_so_and_a_key_adds_it_to_the_diary(
    make_app, context
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5", "w")
        await settle(app, pilot)
        assert any("No study recorded this week" in line for line in screen_lines(app))
        await pilot.press("a")
        await settle(app, pilot)
    entry = context.home.diary_dir / "2025-07-06.md"
    assert "## Weekly report, 30 Jun to 6 Jul 2025" in entry.read_text(encoding="utf-8")


@synchronously
async def test_a_review_while_the_timer_runs_counts_in_the_session(make_app, context, clock) -> None:
    answered(context, "sigmoid-prime", "s*(1+s)")
    clock.advance(minutes=5)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await start_session(app, pilot, "calculus", 60)
        await pilot.press("f10")
        await settle(app, pilot)
        await type_answer(app, pilot, "s*(1-s)")
        await pilot.press("enter")
        await settle(app, pilot)
    with context.database.read() as conn:
        rows = conn.execute(
            "SELECT l.session_id, s.exercises_tried FROM review_logs l JOIN sessions s ON s.id = l.session_id"
        ).fetchall()
    assert len(rows) == 1 and rows[0][1] >= 1


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@synchronously
async def test_the_lesson_of_a_review_opens_over_it_and_esc_comes_back_to_the_answer_as_typed(
    make_app, context, clock, size
) -> None:
    answered(context, "sigmoid-prime", "s*(1+s)")  # Again: due in a minute
    clock.advance(minutes=5)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f10")
        await settle(app, pilot)
        assert "^o Lesson" in text(app), "the footer offers it"
        app.screen.query_one("#answer").focus()
        await pilot.press(*"s*(1-")
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen)
        assert "The sigmoid and its derivative" in shown(app, "#lesson-title")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.session.exercise.id == "sigmoid-prime", "the same exercise, not the next"
        assert app.screen.query_one("#answer").value == "s*(1-"
        await pilot.press(*"s)", "enter")
        await settle(app, pilot)
        assert "Proposed: Hard (right after opening the lesson)" in text(app), "the lesson was help"
        assert logs(context) == [("sigmoid-prime", int(Rating.Again), int(Rating.Again))], "none saved yet"
