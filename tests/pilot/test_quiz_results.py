"""The quiz as a learner meets it when results arrive late or disagree: one reading of an answer for
the preview and the grade, results for an exercise left behind dropped, and answers given after the
worked solution recorded as such and never counted as mastered."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque

import pytest
from pilot_support import settle, shown, synchronously

from studybuddy.cli import main
from studybuddy.services.lessons import LessonService
from studybuddy.ui.screens.progress import ProgressScreen
from studybuddy.ui.screens.quiz import QuizScreen

LESSONS = LessonService(None)
GATE_WAIT = 60.0  # seconds a test waits for a worker thread to reach a gate: a hang guard, not a timing


class Gate:
    """One held call: ``reached`` once the call waits at it, and it goes on when the test opens it."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()

    async def wait_reached(self) -> None:
        assert await asyncio.to_thread(self.reached.wait, GATE_WAIT), "the call never came"

    def open(self) -> None:
        self.opened.set()


class GatedGrader:
    """The real grading service, except that the next calls the test has gated wait for the test.

    It has the interface the quiz uses (``grade_exercise``, ``preview_exercise_answer``, ``is_ready``)
    and hands everything else (the lesson screen's steps and checks, start and close) to the real one.
    """

    def __init__(self, real) -> None:
        self.real = real
        self._gates: dict[str, deque[Gate]] = {"grade": deque(), "preview": deque()}
        self._lock = threading.Lock()

    def hold_next(self, kind: str) -> Gate:
        gate = Gate()
        with self._lock:
            self._gates[kind].append(gate)
        return gate

    def _pass(self, kind: str) -> None:
        with self._lock:
            gate = self._gates[kind].popleft() if self._gates[kind] else None
        if gate is not None:
            gate.reached.set()
            assert gate.opened.wait(GATE_WAIT), "the test never opened the gate"

    def grade_exercise(self, lesson, exercise, answer):
        self._pass("grade")
        return self.real.grade_exercise(lesson, exercise, answer)

    def preview_exercise_answer(self, lesson, exercise, text):
        self._pass("preview")
        return self.real.preview_exercise_answer(lesson, exercise, text)

    def __getattr__(self, name: str):
        return getattr(self.real, name)


async def open_quiz(app, pilot, lesson_id: str, exercise_id: str) -> QuizScreen:
    await settle(app, pilot)
    lesson = LESSONS.get(lesson_id)
    index = [exercise.id for exercise in lesson.exercises].index(exercise_id)
    screen = QuizScreen(lesson, index)
    await app.push_screen(screen)
    await settle(app, pilot)
    return screen


def attempts(context) -> list[tuple]:
    with context.database.read() as conn:
        return conn.execute(
            "SELECT exercise_id, answer, correct, hints_used, solution_seen FROM attempts ORDER BY id"
        ).fetchall()


@pytest.mark.parametrize(
    ("lesson_id", "exercise_id", "answer", "refusal"),
    [
        pytest.param(
            "sigmoid-derivative",
            "sigmoid-prime",
            "exp(-z)/(1 + exp(-z))^2",
            "unknown name 'z' (this exercise asks for the answer in s)",
            id="in terms of s",
        ),
        pytest.param(
            "softmax",
            "probability-ratio",
            "s1/s2",
            "unknown name 's1' (this exercise asks for the answer in z1, z2, z3)",
            id="in terms of the logits",
        ),
    ],
)
@synchronously
async def test_an_answer_in_names_the_exercise_does_not_allow_is_refused_by_preview_and_grade_alike(
    make_app, context, lesson_id, exercise_id, answer, refusal
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_quiz(app, pilot, lesson_id, exercise_id)
        await pilot.press(*answer)
        await settle(app, pilot)
        assert refusal in shown(app, "#answer-preview")
        await pilot.press("enter")
        await settle(app, pilot)
        verdict = shown(app, "#verdict")
        assert "✓" not in verdict and refusal in verdict
    assert attempts(context) == [], "an answer that could not be read is no attempt"


@synchronously
async def test_a_slow_grade_that_comes_back_after_next_does_not_land_under_the_next_exercise(
    make_app, context, grader
) -> None:
    gated = GatedGrader(grader)
    app = make_app(grading=gated)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_quiz(app, pilot, "sigmoid-derivative", "sigmoid-prime")
        await pilot.press(*"s(1-s)")
        await settle(app, pilot)
        gate = gated.hold_next("grade")
        await pilot.press("enter")
        await gate.wait_reached()
        assert shown(app, "#verdict") == "Checking…"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "exercise 2 of 5" in shown(app, "#exercise-title")
        gate.open()
        await settle(app, pilot)
        assert shown(app, "#verdict") == "", "exercise 1's verdict must not show under exercise 2"
        assert "✓" not in shown(app, "#verdict")
    assert attempts(context) == [("sigmoid-prime", "s(1-s)", 1, 0, 0)], "the answer itself is kept"


@synchronously
async def test_an_older_answer_graded_after_a_newer_one_does_not_replace_its_verdict(
    make_app, context, grader
) -> None:
    gated = GatedGrader(grader)
    app = make_app(grading=gated)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_quiz(app, pilot, "sigmoid-derivative", "sigmoid-prime")
        first, second = gated.hold_next("grade"), gated.hold_next("grade")
        await pilot.press(*"s(1+s)", "enter")
        await first.wait_reached()
        await pilot.press(*["backspace"] * 3, *"-s)", "enter")
        await second.wait_reached()
        newer = [worker for worker in app.workers if worker.group == "grade"][-1]
        second.open()  # the newer answer comes back first ...
        await app.workers.wait_for_complete([newer])
        await pilot.pause()
        assert shown(app, "#verdict").startswith("✓ Right.")
        first.open()  # ... and the older, wrong one after it
        await settle(app, pilot)
        assert shown(app, "#verdict").startswith("✓ Right.")
    assert sorted(attempts(context)) == [
        ("sigmoid-prime", "s(1+s)", 0, 0, 0),
        ("sigmoid-prime", "s(1-s)", 1, 0, 0),
    ]


@synchronously
async def test_a_preview_for_the_exercise_left_behind_is_dropped(make_app, grader) -> None:
    # sigmoid-prime allows only s; max-slope, the next exercise, allows every name of the lesson.
    gated = GatedGrader(grader)
    app = make_app(grading=gated)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_quiz(app, pilot, "sigmoid-derivative", "sigmoid-prime")
        gate = gated.hold_next("preview")
        await pilot.press("z")
        await gate.wait_reached()
        later = gated.hold_next("preview")
        await pilot.press("ctrl+n", "z")  # typed fast: the same text, now for exercise 2
        assert "exercise 2 of 5" in shown(app, "#exercise-title")
        gate.open()  # exercise 1's preview of 'z' comes back now ...
        await later.wait_reached()  # ... and exercise 2's is asked for next
        await pilot.pause()
        preview = shown(app, "#answer-preview")
        assert "unknown name" not in preview, "exercise 1's reading of 'z' must not show under exercise 2"
        later.open()
        await settle(app, pilot)
        assert shown(app, "#answer-preview").strip() == "z"


@synchronously
async def test_an_older_preview_coming_back_after_newer_typing_is_not_shown(make_app, grader) -> None:
    gated = GatedGrader(grader)
    app = make_app(grading=gated)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_quiz(app, pilot, "sigmoid-derivative", "sigmoid-prime")
        gate = gated.hold_next("preview")
        await pilot.press("s")
        await gate.wait_reached()
        later = gated.hold_next("preview")
        await pilot.press(*"(1-s")  # typed while the preview of "s" is on its way
        gate.open()  # the preview of "s" comes back now, after newer text was typed
        await later.wait_reached()  # and the newest text is asked for next
        await pilot.pause()
        assert shown(app, "#answer-preview").strip() != "s", "the preview of 's' is stale"
        later.open()
        await settle(app, pilot)
        assert "never closed" in shown(app, "#answer-preview")


@synchronously
async def test_an_answer_after_the_worked_solution_is_recorded_as_such_and_not_mastered(
    make_app, context
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_quiz(app, pilot, "sigmoid-derivative", "sigmoid-prime")
        await pilot.press("f8", "f8", "f9")
        await pilot.pause()
        await pilot.press(*"s(1-s)", "enter")
        await settle(app, pilot)
        verdict = shown(app, "#verdict")
        assert verdict.startswith("✓ Right.") and "not counted as mastered" in verdict

        # Leaving saves the sitting's review as Again (the solution was seen); coming back starts a
        # fresh sitting, with no hint or solution shown, as a review days later would.
        await pilot.press("escape")
        await open_quiz(app, pilot, "sigmoid-derivative", "sigmoid-prime")
        assert not app.screen.query_one("#solution").display
        assert shown(app, "#hints") == ""
        with context.database.read() as conn:
            assert conn.execute("SELECT rating, proposed FROM review_logs").fetchall() == [(1, 1)]
        await pilot.press(*"s - s^2", "enter")
        await settle(app, pilot)

        await pilot.press("ctrl+n", *"1/4", "enter")  # exercise 2 on its own: right
        await settle(app, pilot)
        assert shown(app, "#verdict").startswith("✓ Right.")
        assert "mastered" not in shown(app, "#verdict")

        await pilot.press("escape", "f5")
        await settle(app, pilot)
        assert isinstance(app.screen, ProgressScreen)
        table = app.screen.query_one("#lesson-progress")
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[0].startswith("The sigmoid and its derivative")
        # mastered 0 of 5 (that takes a review card recalled three weeks on); 2 of 3 right on their own
        assert row[2:] == ["0/5", "3", "67%"]
    assert attempts(context) == [
        ("sigmoid-prime", "s(1-s)", 1, 2, 1),
        ("sigmoid-prime", "s - s^2", 1, 0, 0),
        ("max-slope", "1/4", 1, 0, 0),
    ]
    mastery = context.stats.mastery("sigmoid-derivative")["sigmoid-derivative"]
    assert (mastery.exercises_mastered, mastery.right_attempts, mastery.after_solution) == (0, 2, 1)


def test_stats_reads_lesson_mastery_as_progress_does(context, capsys) -> None:
    progress = context.progress
    progress.record_attempt(
        lesson_id="sigmoid-derivative",
        exercise_id="sigmoid-prime",
        answer="s(1-s)",
        correct=True,
        verdict="equivalent",
        hints_used=3,
        solution_seen=True,
    )
    progress.record_attempt(
        lesson_id="sigmoid-derivative",
        exercise_id="max-slope",
        answer="1/4",
        correct=True,
        verdict="equivalent",
    )
    capsys.readouterr()
    assert main(["--home", str(context.home.root), "stats", "--json"]) == 0
    [lesson] = json.loads(capsys.readouterr().out)["lessons"]
    assert lesson | {"title": ""} == {
        "id": "sigmoid-derivative",
        "title": "",
        "steps_seen": 0,
        "steps_total": 5,
        "exercises": 5,
        "mastered": 0,
        "attempts": 2,
        "right": 1,
        "after_solution": 1,
    }
    assert main(["--home", str(context.home.root), "stats"]) == 0
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if "sigmoid and its derivative" in line]
    assert "mastered   0/5" in line and "2 answers, 1 right, 1 after the solution (not counted)" in line
