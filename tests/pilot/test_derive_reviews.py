"""Derive exercises in spaced review, as the learner meets them in the app (frozen clock, real grader):
the Review section serves a due derive exercise in the derive view and a finished derivation proposes
its rating like any exercise (wrong lines: Again, hints: Hard, clean: Good), in the Review section
and in a lesson's quiz; a lesson with derive exercises only opens its quiz on them; a rating waiting
on screen is saved when the learner opens another section; the finish key can be remapped."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from fsrs import Rating
from pilot_support import paste, record_notifications, screen_lines, settle, shown, synchronously, warnings

from studybuddy.core.reviews.rating import Encounter, Try
from studybuddy.services.context import StudyContext
from studybuddy.ui.app import StudyBuddyApp
from studybuddy.ui.screens.help import HelpScreen, key_table
from studybuddy.ui.screens.quiz import QuizScreen
from studybuddy.ui.screens.review import ReviewScreen
from studybuddy.ui.widgets.derivation_pad import DerivationPad

LESSON = "sigmoid-derivative"
DERIVE = "derive-sigmoid-prime"
ROOT = Path(__file__).resolve().parents[2]
SIZES = [(80, 24), (120, 40)]
RIGHT = ["1/(1 + exp(-z))", "d/dz: exp(-z)/(1 + exp(-z))^2", "= s*(1 - s)"]
WRONG = ["1/(1 + exp(-z))", "d/dz: -exp(-z)/(1 + exp(-z))^2", "= -s*(1 - s)"]  # the listed sign slip


def logs(context) -> list[tuple[str, int, int]]:
    """(exercise, rating saved, rating proposed) of every review, oldest first."""
    with context.database.read() as conn:
        return conn.execute(
            "SELECT c.exercise_id, l.rating, l.proposed FROM review_logs l JOIN cards c USING (card_id) "
            "ORDER BY l.rowid"
        ).fetchall()


def text(app) -> str:
    return "\n".join(screen_lines(app))


async def all_marked(app, pilot) -> None:
    pad = app.screen.query_one(DerivationPad)
    for _ in range(5000):  # a bound on rounds, not on time
        await settle(app, pilot)
        if not pad.sheet.waiting() and not app.workers:
            return
    raise AssertionError("the marks never all came in")


async def write(app, pilot, lines: list[str]) -> None:
    """The derivation written line by line (each pasted), each finished with Enter (the last one too)."""
    for line in lines:
        await paste(app, pilot, line)
        await pilot.press("enter")
        await all_marked(app, pilot)


async def finish(app, pilot, key: str = "ctrl+s") -> None:
    await pilot.press(key)
    await all_marked(app, pilot)
    await settle(app, pilot)


def due_derive(context, clock) -> None:
    """The sigmoid's derive exercise, derived wrong once: due again within minutes."""
    wrong = Encounter((Try(False, clock.now()),), clock.now())
    context.reviews.save(context.reviews.propose(LESSON, DERIVE, wrong))
    clock.advance(minutes=5)


async def open_review(app, pilot) -> None:
    await settle(app, pilot)
    await pilot.press("f10")
    await settle(app, pilot)
    assert isinstance(app.screen, ReviewScreen)


async def open_lesson_derive(app, pilot, context, lesson_id: str = LESSON) -> QuizScreen:
    """The lesson's quiz (in the Lessons section) at its last typed exercise, then Next: its derive one."""
    await settle(app, pilot)
    await pilot.press("f3")
    await settle(app, pilot)
    lesson = context.lessons.get(lesson_id)
    screen = QuizScreen(lesson, len(lesson.exercises) - 1)
    await app.push_screen(screen)
    await settle(app, pilot)
    await pilot.press("ctrl+n")
    await settle(app, pilot)
    assert screen.derive_view.exercise is not None
    return screen


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@synchronously
async def test_the_review_section_serves_a_due_derive_exercise_and_rates_the_derivation(
    make_app, context, clock, size
) -> None:
    due_derive(context, clock)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_review(app, pilot)
        title = shown(app, "#derive-title")
        assert title.startswith("Review: ") and "The sigmoid and its derivative" in title, title
        assert "due now" in title or "overdue" in title
        assert app.screen.derive_view.display and not app.screen.query_one("#quiz-body").display
        assert "derive exercise" not in shown(app, "#review-status"), "not passed over"
        await write(app, pilot, RIGHT)
        await finish(app, pilot)
        assert "✓ Derived" in shown(app, "#derive-verdict")
        assert "Proposed: Good (right first time, no hint)" in text(app)
        assert re.search(r"1 Again \S+ min +2 Hard .+ 4 Easy \d+ days?", text(app)), "every choice shows"
        assert logs(context) == [(DERIVE, int(Rating.Again), int(Rating.Again))], "not saved before Enter"
        await pilot.press("enter")
        await settle(app, pilot)
        assert warnings(app) == []
    assert logs(context)[-1] == (DERIVE, int(Rating.Good), int(Rating.Good))


@pytest.mark.parametrize(
    ("how", "proposed"),
    [("clean", Rating.Good), ("hint", Rating.Hard), ("wrong lines, then left", Rating.Again)],
)
@synchronously
async def test_a_finished_derivation_in_the_quiz_proposes_a_rating_like_any_exercise(
    make_app, context, how, proposed
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_lesson_derive(app, pilot, context)
        if how == "hint":
            await pilot.press("f8")
            await settle(app, pilot)
            assert "Hint 1" in shown(app, "#derive-hints")
        await write(app, pilot, WRONG if how.startswith("wrong") else RIGHT)
        await finish(app, pilot)
        if how.startswith("wrong"):
            assert "do not hold" in shown(app, "#derive-verdict")
            assert "Proposed:" not in text(app), "a wrong derivation can still be put right"
            await pilot.press("ctrl+n")  # left with wrong lines only: Again
        else:
            reason = "right first time, no hint" if how == "clean" else "right after a hint"
            assert f"Proposed: {proposed.name} ({reason})" in text(app)
            await pilot.press("enter")
        await settle(app, pilot)
    assert logs(context) == [(DERIVE, int(proposed), int(proposed))]


def derive_only_lesson(context) -> str:
    """A lesson of the learner's whose exercises are all derive exercises (the sigmoid's, three times)."""
    document = yaml.safe_load((ROOT / "lessons/activations/sigmoid-derivative.yaml").read_text("utf-8"))
    [derive] = [item for item in document["exercises"] if item.get("kind") == "derive"]
    document["id"] = "sigmoid-derive-only"
    document["exercises"] = [{**copy.deepcopy(derive), "id": f"derive-{n}"} for n in (1, 2, 3)]  # no anchors
    mine = context.home.lessons_dir / "sigmoid-derive-only.yaml"
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    context.lessons.library(refresh=True)
    return document["id"]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@synchronously
async def test_a_lesson_with_only_derive_exercises_opens_its_quiz_on_them(make_app, context, size) -> None:
    lesson_id = derive_only_lesson(context)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        lesson = context.lessons.get(lesson_id)
        assert lesson.exercises == () and len(lesson.derive_exercises) == 3
        await app.push_screen(QuizScreen(lesson))
        await settle(app, pilot)
        assert isinstance(app.screen, QuizScreen)
        assert "derive exercise 1 of 3" in shown(app, "#derive-title")
        assert not app.screen.query_one("#quiz-body").display
        await write(app, pilot, RIGHT)
        await finish(app, pilot)
        assert "Proposed: Good" in text(app)
        for expected in ("derive exercise 2 of 3", "derive exercise 3 of 3", "derive exercise 1 of 3"):
            await pilot.press("ctrl+n")  # the rating waiting is saved; round the derive exercises
            await settle(app, pilot)
            assert expected in shown(app, "#derive-title")
        await pilot.press("escape")
        await settle(app, pilot)
        assert warnings(app) == []
    assert logs(context) == [("derive-1", int(Rating.Good), int(Rating.Good))]


async def type_answer(app, pilot, answer: str) -> None:
    app.screen.query_one("#answer").focus()
    await pilot.press(*answer, "enter")
    await settle(app, pilot)


@pytest.mark.parametrize("section", ["f2", "f4", "f5", "f10"])
@pytest.mark.parametrize("kind", ["typed", "derive"])
@synchronously
async def test_a_rating_waiting_is_saved_when_another_section_opens(make_app, context, section, kind) -> None:
    app = make_app()
    async with app.run_test(size=SIZES[0]) as pilot:  # what is saved does not hang on the layout
        if kind == "typed":
            await settle(app, pilot)
            await pilot.press("f3")
            await settle(app, pilot)
            await app.push_screen(QuizScreen(context.lessons.get(LESSON)))  # sigmoid-prime
            await settle(app, pilot)
            await type_answer(app, pilot, "s*(1-s)")
            exercise, proposed = "sigmoid-prime", Rating.Easy  # right at once on a frozen clock: quick
        else:
            await open_lesson_derive(app, pilot, context)
            await write(app, pilot, RIGHT)
            await finish(app, pilot)
            exercise, proposed = DERIVE, Rating.Good  # a derivation is never Easy for its speed
        assert f"Proposed: {proposed.name}" in text(app)
        await pilot.press("2")  # changed to Hard, not yet saved
        await settle(app, pilot)
        assert logs(context) == []
        await pilot.press(section)
        await settle(app, pilot)
        assert not isinstance(app.screen, QuizScreen) or section == "f10"
        assert logs(context) == [(exercise, int(Rating.Hard), int(proposed))]
        await pilot.press("f3")  # back: nothing waits, and nothing is saved twice
        await settle(app, pilot)
        assert "Proposed:" not in text(app)
        assert warnings(app) == []
    assert logs(context) == [(exercise, int(Rating.Hard), int(proposed))]


@synchronously
async def test_a_rating_waiting_is_kept_on_screen_under_the_help_and_saved_at_exit(make_app, context) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_lesson_derive(app, pilot, context)
        await write(app, pilot, RIGHT)
        await finish(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert logs(context) == [] and "Proposed: Good" in text(app), "help over it: still waiting"
        await app.action_quit()
    assert logs(context) == [(DERIVE, int(Rating.Good), int(Rating.Good))]


@synchronously
async def test_the_finish_key_is_remapped_from_the_config_and_the_hint_and_help_name_it(
    tmp_path, monkeypatch, clock, grader
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"derive.finish" = "ctrl+f"\n', encoding="utf-8")
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(config))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
    context = StudyContext.open(str(tmp_path / "home"))
    context.clock = clock
    context.grading = grader
    app = StudyBuddyApp(context)
    record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_lesson_derive(app, pilot, context)
        assert warnings(app) == [], "derive.finish is a binding the config may remap"
        assert shown(app, "#derive-verdict").startswith("ctrl+f (or Check) marks every line")
        await write(app, pilot, RIGHT)
        await finish(app, pilot, "ctrl+s")
        assert "✓ Derived" not in shown(app, "#derive-verdict"), "ctrl+s no longer finishes"
        await finish(app, pilot, "ctrl+f")
        assert "✓ Derived" in shown(app, "#derive-verdict")
        app.screen.query_one(DerivationPad).focus()
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        help_text = key_table(app.screen.below)  # the help's table of keys, scrolled or not
        [finish_row] = [line for line in help_text.splitlines() if "derive.finish" in line]
        assert finish_row.startswith("| ^f | Finish |"), finish_row
