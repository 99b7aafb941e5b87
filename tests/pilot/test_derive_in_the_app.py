"""Deriving in the app, as a learner does it: a derive exercise in the quiz worked line by line (each line
marked in the margin as it is finished, the first wrong line with its diagnosis, a hint from the last
right line, the solution, the attempt recorded), and the scratchpad (F12). Marks come from a worker and
a mark for a line that changed since is dropped."""

from __future__ import annotations

import asyncio
import threading

import pytest
from pilot_support import paste, screen_lines, settle, shown, synchronously

from studybuddy.ui.screens.quiz import QuizScreen
from studybuddy.ui.screens.scratchpad import ScratchpadScreen
from studybuddy.ui.widgets.derivation_pad import DerivationPad, MarksGutter

SIZES = [(80, 24), (120, 40)]
SOFTMAX = "softmax-cross-entropy"
PATIENCE = 60.0


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press({" ": "space", "\n": "enter"}.get(char, char))


async def all_marked(app, pilot) -> None:
    """Until every finished line's mark is in: each mark, once applied, sends the next line's request,
    so the workers finish many times over on a long page."""
    pad = app.screen.query_one(DerivationPad)
    for _ in range(5000):  # a bound on rounds, not on time: a stuck page fails instead of hanging
        await settle(app, pilot)
        if not pad.sheet.waiting() and not app.workers:
            return
    raise AssertionError("the marks never all came in")


async def write_line(app, pilot, text: str, *, finish: bool = True) -> None:
    """A line pasted, then Enter pressed (the key that finishes a line and asks for its mark)."""
    await paste(app, pilot, text)
    if finish:
        await pilot.press("enter")
    await all_marked(app, pilot)


def margin(app) -> list[str]:
    """What the margin shows beside each line, as the learner sees it."""
    pad = app.screen.query_one(DerivationPad)
    gutter = app.screen.query_one(MarksGutter)
    return [gutter.label(index) for index in range(len(pad.sheet.texts))]


async def open_derive_exercise(app, pilot, context, lesson_id: str = SOFTMAX) -> None:
    await settle(app, pilot)
    lesson = context.lessons.get(lesson_id)
    app.push_screen(QuizScreen(lesson, len(lesson.exercises) - 1))
    await settle(app, pilot)
    await pilot.press("ctrl+n")  # past the last answer exercise: the derive exercise
    await settle(app, pilot)
    assert "derive exercise 1 of 1" in shown(app, "#derive-title")


def attempts(context) -> list[tuple]:
    with context.database.read() as conn:
        return conn.execute(
            "SELECT exercise_id, answer, correct, diagnosis, hints_used, solution_seen, wrong_lines "
            "FROM attempts ORDER BY id"
        ).fetchall()


@pytest.mark.parametrize("size", SIZES)
@synchronously
async def test_a_right_derivation_is_marked_line_by_line_and_finishing_records_it(
    make_app, context, size
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_derive_exercise(app, pilot, context)
        await write_line(app, pilot, "L = -log(s1)")
        assert margin(app)[:1] == ["•"]
        await write_line(app, pilot, "= -z1 + log(exp(z1) + exp(z2) + exp(z3))")
        assert margin(app)[1].startswith("✓")
        await write_line(app, pilot, "dL/dz1 = -1 + exp(z1)/(exp(z1) + exp(z2) + exp(z3))")
        assert margin(app)[2].startswith("✓")
        await write_line(app, pilot, "= s1 - 1", finish=False)
        assert margin(app)[3] == "", "the line being written is not marked yet"
        await pilot.press("ctrl+s")
        await all_marked(app, pilot)
        assert [label[:1] for label in margin(app)] == ["•", "✓", "✓", "✓"]
        assert "✓ Derived" in shown(app, "#derive-verdict")
        assert any("✓ Derived" in row for row in screen_lines(app))
    [(exercise, answer, correct, diagnosis, hints, solution, wrong)] = attempts(context)
    assert exercise == "derive-label-gradient" and correct == 1 and diagnosis is None
    assert answer.splitlines()[0] == "L = -log(s1)" and answer.splitlines()[-1] == "= s1 - 1"
    assert (hints, solution, wrong) == (0, 0, "")


@pytest.mark.parametrize("size", SIZES)
@synchronously
async def test_the_first_wrong_line_is_highlighted_with_its_diagnosis(make_app, context, size) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_derive_exercise(app, pilot, context)
        await write_line(app, pilot, "L = -log(s1)")
        await write_line(app, pilot, "= -z1 + log(exp(z1) + exp(z2) + exp(z3))")
        await write_line(app, pilot, "dL/dz1 = exp(z1)/(exp(z1) + exp(z2) + exp(z3))")  # forgot the -1
        await write_line(app, pilot, "= s1")
        labels = margin(app)
        assert labels[2] == "✗ listed" and labels[3].startswith("✓"), labels
        detail = shown(app, "#derive-detail")
        assert detail.startswith("Line 3 ✗ Does not follow from L (line 2)")
        assert "The term -z1 differentiates to -1" in detail
        await pilot.press("ctrl+s")
        await all_marked(app, pilot)
        assert "line 3 do not hold" in shown(app, "#derive-verdict")
    [(_, _, correct, diagnosis, _, _, wrong)] = attempts(context)
    assert (correct, diagnosis, wrong) == (0, "listed:0", "3")


@pytest.mark.parametrize("size", SIZES)
@synchronously
async def test_the_exercises_own_hints_come_first_then_the_next_reference_step_from_the_last_right_line(
    make_app, context, size
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_derive_exercise(app, pilot, context)
        # Written unlike any reference step, but equal to step 3 (-z1 + log(...)): found by equivalence.
        await write_line(app, pilot, "L = log(exp(z2) + exp(z3) + exp(z1)) - z1")
        await write_line(app, pilot, "dL/dz1 = 1 - s1")  # the sign slip: the hint starts before it
        assert margin(app)[1].startswith("✗")
        # The lesson's own hints point the way, one a press (they were never shown: the first F8 wrote
        # out the next line of the reference)
        own = ["Write s1 with the logits.", "Split the log of the quotient", "Differentiate -z1 + ln("]
        for number, start in enumerate(own, start=1):
            await pilot.press("f8")
            await settle(app, pilot)
            assert shown(app, "#derive-hints").splitlines()[-1].startswith(f"Hint {number}: {start}")
        await pilot.press("f8")
        await settle(app, pilot)
        hints = shown(app, "#derive-hints")
        assert "Hint 4: From your line 1 (step 3 of the reference), next by differentiating" in hints
        assert "d/dz1: -1 + exp(z1)/(exp(z1) + exp(z2) + exp(z3))" in hints
        await pilot.press("f9")
        await settle(app, pilot)
        solution = shown(app, "#derive-solution")
        assert "-log(s1)" in solution and "d/dz1: -1 + exp(z1)" in solution and "= s1 - 1" in solution
        await pilot.press("ctrl+s")
        await all_marked(app, pilot)
    [(_, _, correct, _, hints_used, solution_seen, wrong)] = attempts(context)
    assert (correct, hints_used, solution_seen, wrong) == (0, 4, 1, "2")


class HoldingGrader:
    """The real grader, but the first mark of a line with ``text`` waits until the test releases it."""

    def __init__(self, grader, text: str) -> None:
        self.grader, self.text = grader, text
        self.reached, self.opened = threading.Event(), threading.Event()
        self.held_mark: dict | None = None

    def __getattr__(self, name):
        return getattr(self.grader, name)

    def mark_derivation_line(self, derivation, index):
        mark = self.grader.mark_derivation_line(derivation, index)
        if derivation.lines[index].text == self.text and not self.reached.is_set():
            self.held_mark = mark
            self.reached.set()
            assert self.opened.wait(PATIENCE)
        return mark


@pytest.mark.parametrize("size", SIZES)
@synchronously
async def test_a_mark_for_a_line_that_changed_since_is_dropped(make_app, context, grader, size) -> None:
    holding = HoldingGrader(grader, "= 1 + x^2")
    app = make_app(holding)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f12")
        await settle(app, pilot)
        assert isinstance(app.screen, ScratchpadScreen)
        await write_line(app, pilot, "x^2 + 1")
        await type_text(pilot, "= 1 + x^2\n")  # its mark is held: the line is asked, not yet answered
        assert await asyncio.to_thread(holding.reached.wait, PATIENCE)
        await pilot.press("up", "up", "end", "backspace", "2", "down")  # line 1 is now x^2 + 2
        await pilot.pause()
        assert margin(app)[1] == "…"
        holding.opened.set()
        await all_marked(app, pilot)
        assert holding.held_mark is not None and holding.held_mark["verdict"] == "follows"
        labels = margin(app)
        assert labels[0] == "•" and labels[1].startswith("✗"), "the mark for the old line 1 was dropped"
        assert "Line 2 ✗" in shown(app, "#derive-detail")


@synchronously
async def test_the_scratchpad_takes_declarations_and_marks_a_300_line_page_without_holding_up_typing(
    make_app, context
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Scratchpad")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ScratchpadScreen)
        await pilot.click("#scratch-symbols")
        await type_text(pilot, "p:probabilty")
        await pilot.pause()
        assert "did you mean probability?" in shown(app, "#scratch-symbols-said")
        await pilot.press("backspace", "backspace", "backspace", "i", "t", "y", "enter")
        page = "\n".join(["log(p) - log(1 - p)"] + [f"= log(p/(1 - p)) + {n} - {n}" for n in range(299)])
        long_line = "= log(p/(1 - p))" + " + p - p" * 1250  # over 10,000 characters
        area = app.screen.query_one(DerivationPad).area
        area.insert(page + "\n" + long_line + "\n= log(p) - log(1 - p)\n")
        await pilot.pause()
        await type_text(pilot, "= 0")  # typing is taken at once while the page is being marked
        await pilot.pause()
        assert area.text.endswith("= 0")  # (how many lines still wait here depends on the machine's speed)
        await all_marked(app, pilot)
        labels = margin(app)
        assert len(labels) == 303 and labels[0] == "•"
        assert all(label.startswith("✓") for label in labels[1:300]), [
            (number, label) for number, label in enumerate(labels) if not label.startswith("✓")
        ]
        assert labels[300][:1] in ("✓", "?", "!"), labels[300]  # marked: within its limit, never a hang
        assert labels[301].startswith("✓"), "the lines after the long one are still marked"
        assert labels[302] == "", "the line being written"
