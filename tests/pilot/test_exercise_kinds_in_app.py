"""Every exercise kind in the app, as a learner meets it, at 80x24 and 120x40: a shape, a number with
its tolerance, a choice (options listed, chosen by a click), a matrix answer (its shape said, another
shape said without an attempt), and variants (shown, drawn again with the key the footer and F1 name).
Each is answered wrong and right; the same for the first bundled exercise of each kind."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from pilot_support import screen_lines, settle, shown, synchronously

from studybuddy.core.lessons import Lesson, validate_lesson
from studybuddy.core.lessons.model import Exercise
from studybuddy.core.lessons.variants import exact
from studybuddy.services.exercise_form import exercise_form
from studybuddy.storage.lesson_yaml import load_yaml_text
from studybuddy.ui.screens.help import HelpScreen
from studybuddy.ui.screens.quiz import QuizScreen
from studybuddy.ui.widgets.exercise_form import OptionRow

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "lessons" / "exercise-kinds.yaml"
SIZES = [(80, 24), (120, 40)]


def flat(text: str) -> str:
    return " ".join(text.split())


def on_screen(app) -> str:
    return flat(" ".join(screen_lines(app)))


def typed(text: str, exercise: Exercise) -> str:
    """An author's expression as a learner types it for the variant on screen: parameters as values."""
    drawn = dict(exercise.drawn)
    if not drawn:
        return text
    return re.sub(r"[A-Za-z_]\w*", lambda m: f"({exact(drawn[m[0]])})" if m[0] in drawn else m[0], text)


def right_answer(exercise: Exercise) -> str:
    if exercise.kind == "choice":
        return " ".join(chr(ord("a") + i) for i, option in enumerate(exercise.options) if option.correct)
    return typed(exercise.answer.text, exercise)


def wrong_answer(exercise: Exercise) -> tuple[str, list[str]] | None:
    """A wrong answer and what the learner may be told about it (None: none foreseen). In a variant
    lessons check did not draw, two listed mistakes can take the same value: either one's feedback."""
    if exercise.kind == "choice":
        index = next(i for i, option in enumerate(exercise.options) if not option.correct)
        return chr(ord("a") + index), [exercise.options[index].feedback]
    if exercise.mistakes:
        said = [exercise.mistakes[-1].feedback, *(m.feedback for m in exercise.mistakes[:-1])]
        return typed(exercise.mistakes[-1].answer.text, exercise), said


@dataclass(frozen=True)
class Case:
    source: str  # "fixture" or the bundled lesson's file
    lesson_id: str
    exercise_id: str
    kind: str  # shape, number, choice, matrix, variant

    def __str__(self) -> str:
        return f"{self.kind}-{self.lesson_id}-{self.exercise_id}"


def kind_of(lesson: Lesson, exercise: Exercise) -> str | None:
    if exercise.parameters:
        return "variant"
    if exercise.kind in ("shape", "number", "choice"):
        return exercise.kind
    return "matrix" if exercise_form(lesson, exercise).arrays else None


def load(path: Path) -> Lesson:
    return validate_lesson(load_yaml_text(path.read_text(encoding="utf-8"), str(path)), str(path))


FIXTURE_CASES = [
    Case("fixture", "exercise-kinds", exercise_id, kind)
    for exercise_id, kind in [
        ("dw-shape", "shape"),
        ("sigmoid-value", "number"),
        ("step-bug", "choice"),
        ("dx", "matrix"),
        ("out-size", "variant"),
        ("power", "variant"),
    ]
]


def bundled_cases() -> list[Case]:
    """Every bundled exercise of these kinds (lessons join as they land), in file order."""
    found = []
    for path in sorted((ROOT / "lessons").rglob("*.yaml")):
        lesson = load(path)
        for exercise in lesson.exercises:
            kind = kind_of(lesson, exercise)
            if kind is not None:
                found.append(Case(str(path.relative_to(ROOT)), lesson.id, exercise.id, kind))
    return found


def first_of_each_kind(cases: list[Case]) -> list[Case]:
    first: dict[str, Case] = {}
    for case in cases:
        first.setdefault(case.kind, case)
    return list(first.values())


BUNDLED = bundled_cases()
# The small lesson at both sizes; every bundled one at 80x24, the tighter; the first of each kind at both.
CASES = [
    *((case, size) for case in FIXTURE_CASES for size in SIZES),
    *((case, SIZES[0]) for case in BUNDLED),
    *((case, SIZES[1]) for case in first_of_each_kind(BUNDLED)),
]


def attempts(context) -> int:
    with context.database.read() as conn:
        return conn.execute("SELECT count(*) FROM attempts").fetchone()[0]


async def check(app, pilot, answer: str) -> str:
    box = app.screen.query_one("#answer")
    box.value = answer
    box.focus()
    await pilot.press("enter")
    await settle(app, pilot)
    return flat(shown(app, "#verdict"))


async def open_quiz(app, pilot, context, case: Case) -> QuizScreen:
    await settle(app, pilot)
    lesson = context.lessons.get(case.lesson_id)
    index = [exercise.id for exercise in lesson.exercises].index(case.exercise_id)
    screen = QuizScreen(lesson, index)
    await app.push_screen(screen)
    await settle(app, pilot)
    return screen


def what_is_shown(case: Case, screen: QuizScreen) -> list[str]:
    """What the learner must see above the answer box before answering."""
    exercise = screen.session.exercise
    if case.kind == "shape":
        return [exercise_form(screen.session.lesson, exercise).placeholder]  # "A shape: (N, C) or N x C"
    if case.kind == "number":
        tolerance = exercise.tolerance
        return ["A number: exact"] if tolerance is None else [f"{tolerance.text}"]
    if case.kind == "choice":
        shown = exercise_form(screen.session.lesson, exercise).options  # inline code without backticks
        return [flat(f"[ ] {option.letter}) {option.shown}") for option in shown]
    if case.kind == "matrix":
        return ["The answer is", "Type it as NumPy code"]
    return ["Variant: " + ", ".join(f"{name} = {value}" for name, value in exercise.drawn), "^r Variant"]


EMPTY_PREVIEW = {
    "shape": "Type a shape",
    "number": "Type a number",
    "choice": "Type the letters or click the options",
    "matrix": "Type NumPy code",
}


@pytest.mark.parametrize(("case", "size"), CASES, ids=[f"{case}-{w}x{h}" for case, (w, h) in CASES])
@synchronously
async def test_each_kind_is_shown_answered_wrong_and_right(make_app, context, case: Case, size) -> None:
    if case.source == "fixture":
        context.home.lessons_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURE, context.home.lessons_dir)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_quiz(app, pilot, context, case)
        for words in what_is_shown(case, screen):
            assert flat(words) in on_screen(app), f"{words!r} is not shown:\n" + "\n".join(screen_lines(app))
        exercise = screen.session.exercise
        if case.kind != "variant":
            assert "^r Variant" not in on_screen(app), "the variant key shows on a variant only"
            # under the empty box, what to type for this kind (not "an expression" for a shape)
            assert flat(shown(app, "#answer-preview")).startswith(EMPTY_PREVIEW[case.kind])
        if case.kind == "number":  # examples chosen by the grading worker, never the answer
            placeholder = screen.query_one("#answer").placeholder
            assert placeholder.startswith("A number: ") and placeholder in on_screen(app), placeholder

        wrong = wrong_answer(exercise)
        if wrong is not None:
            verdict = await check(app, pilot, wrong[0])
            # a listed mistake of another shape is said as a shape, with its feedback, and not counted
            assert verdict.startswith(("✗ Not quite", "⧉ Your answer is")), verdict
            feedback = next((flat(said) for said in wrong[1] if flat(said) in verdict), None)
            assert feedback is not None, verdict
            assert feedback[:40] in on_screen(app), "the learner sees why it is wrong"
        recorded = attempts(context)
        if case.kind == "choice":  # chosen by a click on the option, not typed
            screen.query_one("#answer").value = ""
            letters = right_answer(exercise).split()
            for letter in letters:
                row = next(row for row in screen.query(OptionRow) if row.label.startswith(f"{letter}) "))
                row.scroll_visible(animate=False)
                await settle(app, pilot)
                await pilot.click(row)
                await settle(app, pilot)
            assert screen.query_one("#answer").value == ", ".join(letters)
            screen.query_one("#answer").focus()  # several right: the learner goes back to the box
            await pilot.press("enter")
            await settle(app, pilot)
            verdict = flat(shown(app, "#verdict"))
        else:
            verdict = await check(app, pilot, right_answer(exercise))
        assert verdict.startswith("✓ Right."), verdict
        assert "✓ Right." in on_screen(app), "the verdict is on screen"
        assert attempts(context) == recorded + 1


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@synchronously
async def test_a_matrix_answer_of_another_shape_is_said_and_costs_no_attempt(make_app, context, size) -> None:
    context.home.lessons_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, context.home.lessons_dir)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_quiz(app, pilot, context, FIXTURE_CASES[3])
        assert "The answer is a 2-vector. W is 3x2; g is a 3-vector" in on_screen(app)
        verdict = await check(app, pilot, "g^T @ W")  # the mathematical row (NumPy's g.T of 1-D g is g)
        assert verdict.startswith(
            "⧉ Your answer is 1x2 (a row), the question wants 2x1 (a column): did you transpose?"
        )
        assert "Not counted as an attempt" in verdict and "Not counted as an attempt" in on_screen(app)
        verdict = await check(app, pilot, "W.T * g")
        assert "Your answer is 2x3" in verdict and "`*` is elementwise" in verdict
        for refused in ("np.system(g)", "g_4"):
            verdict = await check(app, pilot, refused)
            assert "np.system is not one of the NumPy functions" in verdict or "past the end of g" in verdict
        assert attempts(context) == 0


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@synchronously
async def test_the_variant_key_draws_another_and_is_listed_in_help(make_app, context, size) -> None:
    context.home.lessons_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, context.home.lessons_dir)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_quiz(app, pilot, context, FIXTURE_CASES[4])
        first = screen.session.exercise
        assert "ctrl+r draws another" in on_screen(app)
        await check(app, pilot, "1")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        second = screen.session.exercise
        assert second.drawn != first.drawn
        width, kernel = (dict(second.drawn)[name] for name in ("n", "k"))
        assert f"An input of width {width} and a kernel of width {kernel}" in on_screen(app)
        assert shown(app, "#verdict") == "" and screen.query_one("#answer").value == ""
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.query_one("Markdown").source
        assert "| ^r | Variant | quiz.variant |" in help_text
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("ctrl+n")  # on to an exercise without parameters: no variant key
        await settle(app, pilot)
        assert "^r Variant" not in on_screen(app) and "Variant:" not in on_screen(app)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@synchronously
async def test_an_option_is_chosen_from_the_keyboard_and_checked_with_enter(make_app, context, size) -> None:
    context.home.lessons_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, context.home.lessons_dir)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_quiz(app, pilot, context, FIXTURE_CASES[2])
        await pilot.press(*"c")
        await settle(app, pilot)
        assert "[x] c) w -= lr * w" in on_screen(app), "a typed letter ticks its option"
        rows = list(screen.query(OptionRow))
        rows[1].focus()  # where Tab from the options above the box lands
        await pilot.press("space")
        await settle(app, pilot)
        assert screen.query_one("#answer").value == "b" and app.focused is screen.query_one("#answer")
        assert "[x] b) w += lr * dw" in on_screen(app) and "[x] c)" not in on_screen(app), "one at a time"
        await pilot.press("enter")
        await settle(app, pilot)
        assert shown(app, "#verdict").startswith("✓ Right.")
        option_lines = [line for line in screen_lines(app) if "[x]" in line or "[ ]" in line]
        assert option_lines and not any("`" in line for line in option_lines), "no backticks: code is styled"
        code = rows[1].code_style()
        content = rows[1].content
        styled = [content.plain[span.start : span.end] for span in content.spans if span.style == code]
        assert styled == ["w += lr * dw"], "the code is styled as the lesson's inline code"
