"""A lesson: the intro, the derivation revealed one checked step at a time, numeric checks on demand.

The lesson file is read in a thread; every piece of math (pretty steps, step marks, the numeric checks)
comes from the grading worker process, so this screen works, and says so, while SymPy still loads.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Markdown, Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.ui.mathview import ENGINE_LOADING, engine_ready
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.screens.dialogs import LessonErrorDialog
from studybuddy.ui.services import service
from studybuddy.ui.widgets.step_view import StepView


def open_lesson(app: App[Any], lesson_id: str) -> None:
    app.push_screen(LessonScreen(lesson_id))


def step_mark(grading: Any, lesson: Any, index: int) -> str:
    """The worker's mark for one step; "unknown" when it ran out of time (asked again next time)."""
    from studybuddy.services.grading import MathTimeout

    try:
        return str(grading.verify_step(lesson, index)["mark"])
    except MathTimeout:
        return "unknown"
    except StudybuddyError:  # an expression the checker refuses: `studybuddy lessons check` says why
        return "failed"


class LessonScreen(SectionScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,space", "next_step", "Next step", id="lesson.next_step"),
        Binding("c", "run_checks", "Numeric check", id="lesson.checks"),
        Binding("x", "exercises", "Exercises", id="lesson.exercises"),
        Binding("escape", "back", "Back", id="lesson.back"),
    ]

    class Ready(Message):
        def __init__(self, lesson: Any) -> None:
            super().__init__()
            self.lesson = lesson

    class Failed(Message):
        def __init__(self, error: StudybuddyError) -> None:
            super().__init__()
            self.error = error

    class EngineLoading(Message):
        pass

    class StepsPretty(Message):
        def __init__(self, steps: list[str]) -> None:
            super().__init__()
            self.steps = steps

    class StepMarked(Message):
        def __init__(self, index: int, mark: str) -> None:
            super().__init__()
            self.index = index
            self.mark = mark

    class ChecksDone(Message):
        def __init__(self, results: list[dict[str, Any]]) -> None:
            super().__init__()
            self.results = results

    def __init__(self, lesson_id: str) -> None:
        super().__init__()
        self.lesson_id = lesson_id
        self.lesson: Any = None
        self.pretty_steps: list[str] | None = None
        self.marks: dict[int, str] = {}
        self.revealed = 0

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="lesson-body"):
            yield Static("Loading the lesson…", id="lesson-title", classes="page-title")
            yield Markdown("", id="lesson-intro")
            yield VerticalScroll(id="steps")
            yield Static("", id="steps-hint", classes="hint")
            yield Static("", id="check-results", markup=False)
        with Horizontal(id="lesson-actions"):
            yield Button("Next step", id="next-step", compact=True)
            yield Button("Numeric check", id="run-checks", compact=True)
            yield Button("Exercises", id="exercises", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.load()

    # ---- loading: the file, then the worker's pretty steps and marks ---------------------------------

    @work(thread=True, exclusive=True, group="lesson")
    def load(self) -> None:
        app: Any = self.app
        try:
            lesson = service(app, "lessons").get(self.lesson_id)
        except StudybuddyError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(self.Ready(lesson))
        figures = app.lesson_figures.for_lesson(lesson)
        try:
            grading = service(app, "grading")
            if figures.steps is None:
                if not engine_ready(grading):
                    self.post_message(self.EngineLoading())
                figures.steps = grading.lesson_steps(lesson)
            self.post_message(self.StepsPretty(figures.steps))
            for index in range(len(lesson.derivation)):
                mark = figures.marks.get(index) or step_mark(grading, lesson, index)
                if mark != "unknown":
                    figures.marks[index] = mark
                self.post_message(self.StepMarked(index, mark))
        except StudybuddyError as error:
            app.call_from_thread(self.notify, f"The math engine is unavailable: {error}", severity="error")

    def on_lesson_screen_failed(self, message: Failed) -> None:
        self.app.pop_screen()
        self.app.push_screen(LessonErrorDialog(f"Cannot open lesson {self.lesson_id}", str(message.error)))

    def on_lesson_screen_ready(self, message: Ready) -> None:
        lesson = self.lesson = message.lesson
        self.query_one("#lesson-title", Static).update(
            f"{lesson.title}  ·  {lesson.subject} / {lesson.topic}"
        )
        self.query_one("#lesson-intro", Markdown).update(lesson.intro)
        self.sub_title = lesson.title
        self.action_next_step()

    def on_lesson_screen_engine_loading(self) -> None:
        self.query_one("#steps-hint", Static).update(f"{ENGINE_LOADING} (steps show as written until then)")

    def on_lesson_screen_steps_pretty(self, message: StepsPretty) -> None:
        self.pretty_steps = message.steps
        for view in self.query(StepView):
            view.show_pretty(message.steps[view.number - 1])
        self._show_hint()

    def on_lesson_screen_step_marked(self, message: StepMarked) -> None:
        self.marks[message.index] = message.mark
        for view in self.query(StepView):
            if view.number == message.index + 1:
                view.show_mark(message.mark)

    # ---- stepping -------------------------------------------------------------------------------------

    def action_next_step(self) -> None:
        lesson = self.lesson
        if lesson is None:
            return
        if self.revealed < len(lesson.derivation):
            index = self.revealed
            step = lesson.derivation[index]
            self.revealed += 1
            text = self.pretty_steps[index] if self.pretty_steps else step.expr.text
            view = StepView(self.revealed, text, step.reason, self.marks.get(index))
            self.query_one("#steps", VerticalScroll).mount(view)
            view.scroll_visible()
            self._record_progress()
        self._show_hint()

    def _show_hint(self) -> None:
        total = len(self.lesson.derivation) if self.lesson is not None else 0
        hint = (
            f"Step {self.revealed} of {total}. Press n for the next step."
            if self.revealed < total
            else "Derivation complete. Press c for the numeric check, x for the exercises."
        )
        self.query_one("#steps-hint", Static).update(hint)

    def _record_progress(self) -> None:
        """Where the learner stopped, written on the app's writer thread."""
        app: Any = self.app
        lesson_id, revealed = self.lesson_id, self.revealed

        def failed(error: StudybuddyError) -> None:
            self.notify(f"Could not save where you stopped: {error}", severity="warning")

        app.io.run(
            lambda: service(app, "progress").lesson_opened(lesson_id, steps_revealed=revealed),
            failed=failed,
            group="progress",
        )

    # ---- numeric checks ---------------------------------------------------------------------------------

    def action_run_checks(self) -> None:
        if self.lesson is not None:
            results = self.query_one("#check-results", Static)
            results.update("Running the numeric checks…")
            results.scroll_visible()
            self.run_checks()

    @work(thread=True, exclusive=True, group="checks")
    def run_checks(self) -> None:
        app: Any = self.app
        figures = app.lesson_figures.for_lesson(self.lesson)
        if figures.checks is None:
            try:
                grading = service(app, "grading")
            except StudybuddyError as error:
                app.call_from_thread(self.notify, f"The numeric checks failed: {error}", severity="error")
                return
            if not engine_ready(grading):
                app.call_from_thread(self.query_one("#check-results", Static).update, ENGINE_LOADING)
            figures.checks = [run_check(grading, self.lesson, check.id) for check in self.lesson.checks]
        self.post_message(self.ChecksDone(figures.checks))

    def on_lesson_screen_checks_done(self, message: ChecksDone) -> None:
        results = self.query_one("#check-results", Static)
        results.update(format_checks(message.results))
        results.scroll_visible()

    # ---- navigation -------------------------------------------------------------------------------------

    def action_exercises(self) -> None:
        if self.lesson is not None:
            from studybuddy.ui.screens.quiz import QuizScreen

            self.app.push_screen(QuizScreen(self.lesson))

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#next-step")
    def _next(self) -> None:
        self.action_next_step()

    @on(Button.Pressed, "#run-checks")
    def _checks(self) -> None:
        self.action_run_checks()

    @on(Button.Pressed, "#exercises")
    def _exercises(self) -> None:
        self.action_exercises()


def run_check(grading: Any, lesson: Any, check_id: str) -> dict[str, Any]:
    try:
        return dict(grading.numeric_check(lesson, check_id))
    except StudybuddyError as error:  # a time-out or a check SymPy could not run: shown as failed
        return {"id": check_id, "kind": "", "passed": False, "summary": str(error), "rows": []}


def format_checks(results: list[dict[str, Any]]) -> str:
    """One line per check (✓/✗, its id, the checker's summary); for a gradient, a line per variable
    with the analytic and numeric values and their relative error."""
    lines: list[str] = []
    for result in results:
        lines.append(f"{'✓' if result['passed'] else '✗'} {result['id']}: {result['summary']}")
        if result.get("kind") == "gradient":
            lines.extend(f"    {describe_gradient_row(row)}" for row in result["rows"])
    return "\n".join(lines) or "This lesson has no numeric checks."


def describe_gradient_row(row: dict[str, Any]) -> str:
    """``∂/∂z: analytic 0.2350037, numeric 0.2350037, relative error 3.1e-11 (excellent)``."""
    analytic, numeric = row["analytic"], row["numeric"]
    if isinstance(analytic, list) or isinstance(numeric, list):
        values = f"{_count(analytic)} entries"
    else:
        values = f"analytic {analytic:.7g}, numeric {numeric:.7g}"
    return f"∂/∂{row['variable']}: {values}, relative error {row['relative_error']:.1e} ({row['rating']})"


def _count(value: Any) -> int:
    return sum(_count(item) for item in value) if isinstance(value, list) else 1
