"""A lesson: the intro, the derivation revealed one checked step at a time, numeric checks on demand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Markdown, Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.ui.mathview import pretty_source
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.screens.dialogs import LessonErrorDialog
from studybuddy.ui.services import service
from studybuddy.ui.widgets.step_view import StepView


def open_lesson(app: App[Any], lesson_id: str) -> None:
    app.push_screen(LessonScreen(lesson_id))


@dataclass(frozen=True)
class LessonPage:
    lesson: Any
    pretty_steps: list[str]
    step_checked: list[bool | None]


def prepare_page(app: Any, lesson_id: str) -> LessonPage:
    """Worker thread: load the lesson, verify its derivation and pretty-print each step."""
    lesson = service(app, "lessons").get(lesson_id)
    from studybuddy.core.lessons.compile import symbol_table

    table = symbol_table(lesson)
    pretty_steps = [pretty_source(step.expr.text, table) for step in lesson.derivation]
    step_checked = list(service(app, "lessons").verify_steps(lesson))
    return LessonPage(lesson, pretty_steps, step_checked)


class LessonScreen(SectionScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,space", "next_step", "Next step", id="lesson.next_step"),
        Binding("c", "run_checks", "Numeric check", id="lesson.checks"),
        Binding("x", "exercises", "Exercises", id="lesson.exercises"),
        Binding("escape", "back", "Back", id="lesson.back"),
    ]

    class Ready(Message):
        def __init__(self, page: LessonPage) -> None:
            super().__init__()
            self.page = page

    class Failed(Message):
        def __init__(self, error: StudybuddyError) -> None:
            super().__init__()
            self.error = error

    class ChecksDone(Message):
        def __init__(self, results: list[Any]) -> None:
            super().__init__()
            self.results = results

    def __init__(self, lesson_id: str) -> None:
        super().__init__()
        self.lesson_id = lesson_id
        self.page: LessonPage | None = None
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

    @work(thread=True, exclusive=True, group="lesson")
    def load(self) -> None:
        app: Any = self.app
        try:
            self.post_message(self.Ready(prepare_page(app, self.lesson_id)))
        except StudybuddyError as error:
            self.post_message(self.Failed(error))

    def on_lesson_screen_failed(self, message: Failed) -> None:
        self.app.pop_screen()
        self.app.push_screen(LessonErrorDialog(f"Cannot open lesson {self.lesson_id}", str(message.error)))

    def on_lesson_screen_ready(self, message: Ready) -> None:
        self.page = message.page
        lesson = message.page.lesson
        self.query_one("#lesson-title", Static).update(
            f"{lesson.title}  ·  {lesson.subject} / {lesson.topic}"
        )
        self.query_one("#lesson-intro", Markdown).update(lesson.intro)
        self.sub_title = lesson.title
        self.action_next_step()

    def action_next_step(self) -> None:
        page = self.page
        if page is None:
            return
        total = len(page.pretty_steps)
        if self.revealed < total:
            step = page.lesson.derivation[self.revealed]
            self.revealed += 1
            view = StepView(
                self.revealed,
                page.pretty_steps[self.revealed - 1],
                step.reason,
                page.step_checked[self.revealed - 1],
            )
            self.query_one("#steps", VerticalScroll).mount(view)
            view.scroll_visible()
            self._record_progress()
        hint = (
            f"Step {self.revealed} of {total}. Press n for the next step."
            if self.revealed < total
            else "Derivation complete. Press c for the numeric check, x for the exercises."
        )
        self.query_one("#steps-hint", Static).update(hint)

    def _record_progress(self) -> None:
        app: Any = self.app
        try:
            service(app, "progress").lesson_opened(self.lesson_id, steps_revealed=self.revealed)
        except StudybuddyError as error:
            self.notify(f"Could not save where you stopped: {error}", severity="warning")

    def action_run_checks(self) -> None:
        if self.page is not None:
            results = self.query_one("#check-results", Static)
            results.update("Running the numeric checks…")
            results.scroll_visible()
            self.run_checks()

    @work(thread=True, exclusive=True, group="checks")
    def run_checks(self) -> None:
        app: Any = self.app
        assert self.page is not None
        try:
            results = list(service(app, "lessons").run_checks(self.page.lesson))
        except StudybuddyError as error:
            app.call_from_thread(self.notify, f"The numeric checks failed: {error}", severity="error")
            return
        self.post_message(self.ChecksDone(results))

    def on_lesson_screen_checks_done(self, message: ChecksDone) -> None:
        results = self.query_one("#check-results", Static)
        results.update(format_checks(message.results))
        results.scroll_visible()

    def action_exercises(self) -> None:
        if self.page is not None:
            from studybuddy.ui.screens.quiz import QuizScreen

            self.app.push_screen(QuizScreen(self.page.lesson))

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


def format_checks(results: list[Any]) -> str:
    """One line per check (✓/✗, its name, the checker's figures), any detail indented under it."""
    lines: list[str] = []
    for result in results:
        name = result.key.removeprefix("check ")
        lines.append(f"{'✓' if result.passed else '✗'} {name}: {result.message}")
        lines.extend(f"    {line}" for line in result.detail.splitlines())
    return "\n".join(lines) or "This lesson has no numeric checks."
