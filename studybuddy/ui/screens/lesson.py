"""A lesson: the intro, the derivation revealed one checked step at a time, numeric checks on demand.

The lesson file is read in a thread; every piece of math (pretty steps, step marks, the numeric checks)
comes from the grading worker process, so this screen works, and says so, while SymPy still loads.
Each answer from a thread names the lesson and the request it answers; one that no longer answers what
the screen shows (the learner left, or asked again) is dropped.
"""

from __future__ import annotations

from datetime import datetime
from itertools import count
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Markdown, Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.core.lessons.model import describe_minutes
from studybuddy.services.lesson_figures import format_checks, numeric_checks, pretty_steps, step_mark
from studybuddy.ui.key_hints import key_hint
from studybuddy.ui.mathview import ENGINE_LOADING, engine_ready
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.screens.dialogs import LessonErrorDialog
from studybuddy.ui.study_app import study_app
from studybuddy.ui.widgets.step_view import StepView

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from studybuddy.core.lessons.model import Lesson


class CheckResults(Static):
    """The numeric checks' results, scrolled into view from their first line. The new text is laid
    out a frame or more after ``update``, so the scroll is done again when the widget has resized."""

    _scroll_when_laid_out = False

    def show(self, text: str) -> None:
        self._scroll_when_laid_out = True
        self.update(text)
        self.scroll_visible(top=True)

    def on_resize(self) -> None:
        if self._scroll_when_laid_out:  # laid out now: scroll at once, past any step still gliding in
            self._scroll_when_laid_out = False
            self.scroll_visible(top=True, animate=False, immediate=True)


def open_lesson(app: App[Any], lesson_id: str) -> None:
    app.push_screen(LessonScreen(lesson_id))


class LessonScreen(SectionScreen):
    opened_at: datetime
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,space", "next_step", "Next step", id="lesson.next_step"),
        Binding("c", "run_checks", "Numeric check", id="lesson.checks"),
        Binding("x", "exercises", "Exercises", id="lesson.exercises"),
        Binding("escape", "back", "Back", id="lesson.back"),
    ]

    class Answer(Message):
        """A thread's answer about ``lesson`` to the screen's request number ``request``."""

        def __init__(self, lesson: Lesson, request: int) -> None:
            super().__init__()
            self.lesson = lesson
            self.request = request

    class Ready(Answer):
        """The lesson file was read: ``lesson`` is what the screen shows from now on."""

    class Failed(Message):
        def __init__(self, error: StudybuddyError, request: int) -> None:
            super().__init__()
            self.error = error
            self.request = request

    class EngineLoading(Answer):
        pass

    class StepsPretty(Answer):
        def __init__(self, lesson: Lesson, request: int, steps: list[str]) -> None:
            super().__init__(lesson, request)
            self.steps = steps

    class StepMarked(Answer):
        def __init__(self, lesson: Lesson, request: int, index: int, mark: str) -> None:
            super().__init__(lesson, request)
            self.index = index
            self.mark = mark

    class MathUnavailable(Answer):
        def __init__(self, lesson: Lesson, request: int, error: str) -> None:
            super().__init__(lesson, request)
            self.error = error

    class ChecksWaiting(Answer):
        """The numeric checks wait for the math engine to start."""

    class ChecksDone(Answer):
        def __init__(self, lesson: Lesson, request: int, results: list[dict[str, Any]]) -> None:
            super().__init__(lesson, request)
            self.results = results

    def __init__(self, lesson_id: str) -> None:
        super().__init__()
        self.lesson_id = lesson_id
        self.lesson: Lesson | None = None
        self.pretty_steps: list[str] | None = None
        self.marks: dict[int, str] = {}
        self.revealed = 0
        self._requests = count(1)
        self._load_request = 0  # the request whose answers the screen applies (0: none)
        self._checks_request = 0  # the numeric checks' run on its way (0: none)

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="lesson-body"):
            # markup=False here and below: a lesson's title and errors are a stranger's text
            yield Static("Loading the lesson…", id="lesson-title", classes="page-title", markup=False)
            yield Markdown("", id="lesson-intro")
            yield Vertical(id="steps")  # scrolled with the page: one scrollbar, not two
            yield Static("", id="steps-hint", classes="hint", markup=False)
            yield CheckResults("", id="check-results", markup=False)
        with Horizontal(id="lesson-actions"):
            yield Button("Next step", id="next-step", compact=True)
            yield Button("Numeric check", id="run-checks", compact=True)
            yield Button("Exercises", id="exercises", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.opened_at = study_app(self).clock.now()  # the finished exercises' summary counts from here
        self._load_request = next(self._requests)
        self.load(self._load_request)

    def on_unmount(self) -> None:
        self._load_request = self._checks_request = 0  # the learner left: whatever arrives now is stale

    def _answers_load(self, message: Answer) -> bool:
        return message.request == self._load_request and message.lesson is self.lesson

    def _answers_checks(self, message: Answer) -> bool:
        return message.request == self._checks_request and message.lesson is self.lesson

    # ---- loading: the file, then the worker's pretty steps and marks ---------------------------------

    @work(thread=True, exclusive=True, group="lesson")
    def load(self, request: int) -> None:
        """In a thread: every result is posted with the lesson and ``request`` it answers."""
        app = study_app(self)
        try:
            lesson = app.context.lessons.get(self.lesson_id)
        except StudybuddyError as error:
            self.post_message(self.Failed(error, request))
            return
        self.post_message(self.Ready(lesson, request))
        figures = app.lesson_figures.for_lesson(lesson)
        grading = app.context.grading
        try:
            if figures.steps is None and not engine_ready(grading):
                self.post_message(self.EngineLoading(lesson, request))
            self.post_message(self.StepsPretty(lesson, request, pretty_steps(grading, figures)))
            for index in range(len(lesson.derivation)):
                self.post_message(self.StepMarked(lesson, request, index, step_mark(grading, figures, index)))
        except StudybuddyError as error:
            self.post_message(self.MathUnavailable(lesson, request, str(error)))

    def on_lesson_screen_failed(self, message: Failed) -> None:
        if message.request != self._load_request:
            return
        title = f"Cannot open lesson {self.lesson_id}"
        if not self.is_active:  # the learner went on meanwhile: say it here, pop nothing of theirs
            self.query_one("#lesson-title", Static).update(f"{title}: {message.error}")
            return
        self.app.pop_screen()
        self.app.push_screen(LessonErrorDialog(title, str(message.error)))

    def on_lesson_screen_ready(self, message: Ready) -> None:
        if message.request != self._load_request or self.lesson is not None:
            return
        lesson = self.lesson = message.lesson
        minutes = describe_minutes(lesson.minutes)
        self.query_one("#lesson-title", Static).update(
            f"{lesson.title}  ·  {lesson.subject} / {lesson.topic}" + (f"  ·  {minutes}" if minutes else "")
        )
        self.query_one("#lesson-intro", Markdown).update(lesson.intro)
        self.sub_title = lesson.title
        self._reveal_step(scroll=False)  # the first step shows below the intro; the page opens at its top
        self.query_one("#lesson-body", VerticalScroll).scroll_home(animate=False)

    def on_lesson_screen_engine_loading(self, message: EngineLoading) -> None:
        if self._answers_load(message):
            self.query_one("#steps-hint", Static).update(
                f"{ENGINE_LOADING} (steps show as written until then)"
            )

    def on_lesson_screen_steps_pretty(self, message: StepsPretty) -> None:
        if not self._answers_load(message):
            return
        self.pretty_steps = message.steps
        for view in self.query(StepView):
            view.show_pretty(message.steps[view.number - 1])
        self._show_hint()

    def on_lesson_screen_step_marked(self, message: StepMarked) -> None:
        if not self._answers_load(message):
            return
        self.marks[message.index] = message.mark  # "unknown" too: a step revealed later shows it
        for view in self.query(StepView):
            if view.number == message.index + 1:
                view.show_mark(message.mark)

    def on_lesson_screen_math_unavailable(self, message: MathUnavailable) -> None:
        if not self._answers_load(message):
            return
        text = f"The math engine is unavailable: {message.error}"
        self.query_one("#steps-hint", Static).update(text)
        if self.is_active:
            self.notify(text, severity="error", markup=False)

    # ---- stepping -------------------------------------------------------------------------------------

    def action_next_step(self) -> None:
        self._reveal_step(scroll=True)

    def _reveal_step(self, *, scroll: bool) -> None:
        """Show the next derivation step (``scroll``: into view; after the last, down to the line that
        says the derivation is complete and what comes next)."""
        lesson = self.lesson
        if lesson is None:
            return
        if self.revealed < len(lesson.derivation):
            index = self.revealed
            step = lesson.derivation[index]
            self.revealed += 1
            text = self.pretty_steps[index] if self.pretty_steps else step.expr.text
            view = StepView(self.revealed, text, step.reason, self.marks.get(index))
            mounting = self.query_one("#steps", Vertical).mount(view)
            if scroll and self.revealed < len(lesson.derivation):
                view.scroll_visible()
            elif scroll:
                self.call_later(self._scroll_to_hint, mounting)
            self._record_progress()
        self._show_hint()

    async def _scroll_to_hint(self, mounting: AwaitMount) -> None:
        """ "Derivation complete" and what comes next, in view once the last step has its place."""
        await mounting
        hint = self.query_one("#steps-hint", Static)
        self.call_after_refresh(hint.scroll_visible, animate=False, immediate=True)

    def _show_hint(self) -> None:
        total = len(self.lesson.derivation) if self.lesson is not None else 0
        hint = (  # the keys the config binds, not the defaults
            f"Step {self.revealed} of {total}. Press {key_hint(self, 'lesson.next_step')} for the next step."
            if self.revealed < total
            else f"Derivation complete. Press {key_hint(self, 'lesson.checks')} for the numeric check, "
            f"{key_hint(self, 'lesson.exercises')} for the exercises."
        )
        self.query_one("#steps-hint", Static).update(hint)

    def _record_progress(self) -> None:
        """Where the learner stopped, written on the app's writer thread."""
        app = study_app(self)
        lesson_id, revealed = self.lesson_id, self.revealed

        def failed(error: StudybuddyError) -> None:
            self.notify(f"Could not save where you stopped: {error}", severity="warning", markup=False)

        app.io.run(
            lambda: app.context.progress.lesson_opened(lesson_id, steps_revealed=revealed),
            failed=failed,
            group="progress",
        )

    # ---- numeric checks ---------------------------------------------------------------------------------

    def action_run_checks(self) -> None:
        if self.lesson is not None and not self._checks_request:  # not while a run is on its way
            self.query_one(CheckResults).show("Running the numeric checks…")
            self._checks_request = next(self._requests)
            self.run_checks(self.lesson, self._checks_request)

    @work(thread=True, group="checks")
    def run_checks(self, lesson: Lesson, request: int) -> None:
        """In a thread: the results are posted with the lesson and ``request`` they answer."""
        app = study_app(self)
        figures = app.lesson_figures.for_lesson(lesson)
        grading = app.context.grading
        if figures.checks is None and not engine_ready(grading):
            self.post_message(self.ChecksWaiting(lesson, request))
        self.post_message(self.ChecksDone(lesson, request, numeric_checks(grading, figures)))

    def on_lesson_screen_checks_waiting(self, message: ChecksWaiting) -> None:
        if self._answers_checks(message):
            self.query_one(CheckResults).show(ENGINE_LOADING)

    def on_lesson_screen_checks_done(self, message: ChecksDone) -> None:
        if not self._answers_checks(message):
            return
        self._checks_request = 0
        self.query_one(CheckResults).show(format_checks(message.results))

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
