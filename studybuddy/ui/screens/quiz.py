"""A lesson's exercises: answer box with a live pretty preview, verdict and diagnosis, hints, solution.

The preview and the grading both run in the grading service's worker process, asked from thread
workers, so typing and the timer never wait for SymPy (which this process never imports).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Markdown, Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.ui.mathview import ENGINE_LOADING, Preview, engine_ready, plain_variables, preview_answer
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.services import service
from studybuddy.ui.widgets.expression_preview import ExpressionPreview


def describe_verdict(verdict: Any) -> tuple[str, str]:
    """(css class, text) for a verdict: right, wrong with its diagnosis, invalid, or undecided."""
    if verdict.kind == "equivalent":
        return "-right", f"✓ Right. ({verdict.strength}, {verdict.ms:.0f} ms)"
    if verdict.kind == "different":
        why = verdict.diagnosis.message if verdict.diagnosis else verdict.detail
        return "-wrong", f"✗ Not quite: {why}\n  ({verdict.strength}, {verdict.ms:.0f} ms)"
    if verdict.kind == "invalid":
        pointer = verdict.error.pointer() if verdict.error else ""
        return "-invalid", f"{pointer}\n{verdict.detail}".strip()
    return "-unknown", f"? Could not decide in time: {verdict.detail}. Try a simpler form."


def grade_answer(grading: Any, lesson: Any, exercise: Any, answer: str) -> Any:
    """The GradingService call for one exercise: the lesson's symbols, definitions and listed mistakes.

    Plain data only (no SymPy here): the service's worker process builds the symbol table.
    """
    from studybuddy.core.grading.verdict import ListedMistake

    return grading.grade(
        answer,
        exercise.answer.text,
        [(spec.name, spec.domain, spec.shape) for spec in lesson.symbols],
        definitions={name: text.text for name, text in lesson.definitions},
        mistakes=[ListedMistake(mistake.answer.text, mistake.feedback) for mistake in exercise.mistakes],
    )


class QuizScreen(SectionScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f8", "hint", "Hint", id="quiz.hint"),
        Binding("f9", "solution", "Solution", id="quiz.solution"),
        Binding("ctrl+n", "next_exercise", "Next", id="quiz.next"),
        Binding("escape", "back", "Back", id="quiz.back"),
    ]

    class PreviewReady(Message):
        def __init__(self, preview: Preview) -> None:
            super().__init__()
            self.preview = preview

    class Graded(Message):
        def __init__(self, answer: str, verdict: Any, not_recorded: str | None) -> None:
            super().__init__()
            self.answer = answer
            self.verdict = verdict
            self.not_recorded = not_recorded  # why the attempt could not be saved, if it could not

    def __init__(self, lesson: Any, index: int = 0) -> None:
        super().__init__()
        self.lesson = lesson
        self.index = index
        self.hints_shown = 0
        self._wanted_preview = ""
        self._previewing = False

    @property
    def exercise(self) -> Any:
        return self.lesson.exercises[self.index]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="quiz-body"):
            yield Static("", id="exercise-title", classes="page-title")
            yield Markdown("", id="exercise-prompt")
            yield Input(placeholder="Your answer, as you would write it: 2x, x^2, exp(-z)…", id="answer")
            yield ExpressionPreview("", id="answer-preview")
            yield Static("", id="verdict")
            yield Static("", id="hints", markup=False)
            yield Markdown("", id="solution")
        with Horizontal(id="quiz-actions"):
            yield Button("Check", id="check", variant="primary", compact=True)
            yield Button("Hint", id="hint", compact=True)
            yield Button("Solution", id="show-solution", compact=True)
            yield Button("Next", id="next", compact=True)

    def on_mount(self) -> None:
        self._show_exercise()

    def _show_exercise(self) -> None:
        exercise = self.exercise
        self.hints_shown = 0
        count = len(self.lesson.exercises)
        self.query_one("#exercise-title", Static).update(
            f"{self.lesson.title}: exercise {self.index + 1} of {count}"
        )
        self.query_one("#exercise-prompt", Markdown).update(exercise.prompt)
        answer = self.query_one("#answer", Input)
        answer.value = ""
        answer.focus()
        self.query_one("#answer-preview", ExpressionPreview).show_empty()
        self.query_one("#verdict", Static).update("")
        self.query_one("#hints", Static).update("")
        solution = self.query_one("#solution", Markdown)
        solution.update("")
        solution.display = False

    # ---- live preview -----------------------------------------------------------------------------

    @on(Input.Changed, "#answer")
    def _typed(self, event: Input.Changed) -> None:
        # One preview request at a time, for the latest text: a request per keystroke would queue up
        # in the worker in front of a grading.
        self._wanted_preview = event.value
        if not self._previewing:
            self._previewing = True
            self.compute_preview(event.value)

    @work(thread=True, group="preview")  # not exclusive: _typed keeps it to one at a time
    def compute_preview(self, text: str) -> None:
        app: Any = self.app
        try:
            grading = service(app, "grading")
            if text.strip() and not engine_ready(grading):
                self.post_message(self.PreviewReady(Preview(text, loading=True)))
            preview = preview_answer(grading, text, plain_variables(self.lesson, self.exercise))
        except StudybuddyError as error:  # the engine is missing or timed out: say so under the box
            preview = Preview(text, message=f"No preview: {error}")
        self.post_message(self.PreviewReady(preview))

    def on_quiz_screen_preview_ready(self, message: PreviewReady) -> None:
        preview = message.preview
        if not preview.loading:  # this request is done: ask for the newest text if typing moved on
            self._previewing = False
            if self._wanted_preview != preview.text:
                self._previewing = True
                self.compute_preview(self._wanted_preview)
        if preview.text != self.query_one("#answer", Input).value:
            return  # typing moved on; a newer preview is coming
        widget = self.query_one("#answer-preview", ExpressionPreview)
        if preview.loading:
            widget.show_empty(f"{ENGINE_LOADING} The preview appears when it is ready.")
        elif preview.pretty is not None:
            widget.show_pretty(preview.pretty)
        elif preview.pointer is not None or preview.message is not None:
            widget.show_error(preview.pointer or preview.text, preview.message or "")
        else:
            widget.show_empty()

    # ---- grading ----------------------------------------------------------------------------------

    @on(Input.Submitted, "#answer")
    @on(Button.Pressed, "#check")
    def submit(self) -> None:
        answer = self.query_one("#answer", Input).value
        if not answer.strip():
            self.query_one("#verdict", Static).update("Type an answer first.")
            return
        self.query_one("#verdict", Static).update("Checking…")
        self.grade(answer)

    @work(thread=True, exclusive=True, group="grade")
    def grade(self, answer: str) -> None:
        """Worker thread: grade in the grading service's process, then store the attempt."""
        app: Any = self.app
        lesson, exercise = self.lesson, self.exercise
        try:
            verdict = grade_answer(service(app, "grading"), lesson, exercise, answer)
        except StudybuddyError as error:
            self.post_message(self.Graded(answer, None, None))
            app.call_from_thread(self.notify, f"Grading failed: {error}", severity="error")
            return
        not_recorded = None
        if verdict.kind in ("equivalent", "different"):  # an answer that could not be read is no attempt
            try:
                service(app, "progress").record_attempt(
                    lesson_id=lesson.id,
                    exercise_id=exercise.id,
                    answer=answer,
                    correct=verdict.kind == "equivalent",
                    verdict=verdict.kind,
                    diagnosis=verdict.diagnosis.code if verdict.diagnosis else None,
                )
            except StudybuddyError as error:
                not_recorded = str(error)
        self.post_message(self.Graded(answer, verdict, not_recorded))

    def on_quiz_screen_graded(self, message: Graded) -> None:
        box = self.query_one("#verdict", Static)
        if message.verdict is None:
            box.set_classes("-unknown")
            box.update("Grading is unavailable; your answer was not checked.")
            return
        css_class, text = describe_verdict(message.verdict)
        box.set_classes(css_class)
        box.update(text)
        if message.not_recorded:
            self.notify(f"The attempt could not be saved: {message.not_recorded}", severity="warning")

    # ---- hints, solution, navigation --------------------------------------------------------------

    def action_hint(self) -> None:
        hints = self.exercise.hints
        if self.hints_shown < len(hints):
            self.hints_shown += 1
        shown = [f"Hint {n + 1}: {hint}" for n, hint in enumerate(hints[: self.hints_shown])]
        if self.hints_shown == len(hints):
            shown.append("(no more hints; F9 shows the worked solution)")
        self.query_one("#hints", Static).update("\n".join(shown))

    def action_solution(self) -> None:
        solution = self.query_one("#solution", Markdown)
        solution.update("**Solution**\n\n" + self.exercise.solution)
        solution.display = True
        solution.scroll_visible()

    def action_next_exercise(self) -> None:
        self.index = (self.index + 1) % len(self.lesson.exercises)
        self._show_exercise()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#hint")
    def _hint(self) -> None:
        self.action_hint()

    @on(Button.Pressed, "#show-solution")
    def _solution(self) -> None:
        self.action_solution()

    @on(Button.Pressed, "#next")
    def _next(self) -> None:
        self.action_next_exercise()
