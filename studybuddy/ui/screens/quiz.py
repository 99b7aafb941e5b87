"""A lesson's exercises: answer box with a live pretty preview, verdict and diagnosis, hints, solution.

The screen lays out, handles keys and applies results; ``services.quiz.QuizSession`` decides: what
is shown, what a verdict says, and whether a result that comes back from a worker still answers the
exercise on screen (a stale one is dropped). The preview and the grading both run in the grading
service's worker process, asked from thread workers, so typing and the timer never wait for SymPy
(which this process never imports).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Markdown, Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.services.exercise_form import ExerciseForm, exercise_form
from studybuddy.services.quiz import (
    EMPTY_ANSWER,
    AnswerPreview,
    GradeRequest,
    GradeResult,
    PreviewRequest,
    QuizSession,
)
from studybuddy.ui.key_hints import key_hint
from studybuddy.ui.mathview import ENGINE_LOADING
from studybuddy.ui.screens.quiz_path import QuizPath
from studybuddy.ui.study_app import study_app
from studybuddy.ui.widgets.derive_exercise_view import DeriveExerciseView
from studybuddy.ui.widgets.exercise_form import ExerciseFormView
from studybuddy.ui.widgets.exercise_list import ExerciseList
from studybuddy.ui.widgets.expression_preview import ExpressionPreview
from studybuddy.ui.widgets.rating_choice import RatingChoice

if TYPE_CHECKING:
    from studybuddy.core.lessons.model import Lesson


class QuizScreen(QuizPath):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f8", "hint", "Hint", id="quiz.hint"),
        Binding("f9", "solution", "Solution", id="quiz.solution"),
        Binding("ctrl+n,alt+right", "next_exercise", "Next", id="quiz.next"),
        Binding("ctrl+r", "new_variant", "Variant", id="quiz.variant"),  # shown on a variant only
        Binding("escape", "back", "Back", id="quiz.back"),
    ]

    class PreviewReady(Message):
        def __init__(self, preview: AnswerPreview) -> None:
            super().__init__()
            self.preview = preview

    class Graded(Message):
        def __init__(self, result: GradeResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, lesson: Lesson, index: int = 0) -> None:
        super().__init__()
        self.lesson = lesson
        self.index = index

    session: QuizSession  # set on mount: the services belong to the app
    form: ExerciseForm  # how the exercise on screen is answered, set as it is shown

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="quiz-body"):
            # markup=False: titles, feedback and typed answers are text, never markup ("[/]" is words)
            yield Static("", id="exercise-title", classes="page-title", markup=False)
            yield ExerciseList(id="exercise-list")
            yield Markdown("", id="exercise-prompt")
            yield ExerciseFormView(id="exercise-form")
            yield Input(placeholder="Your answer, as you would write it: 2x, x^2, exp(-z)…", id="answer")
            yield ExpressionPreview("", id="answer-preview", markup=False)
            yield Static("", id="verdict", markup=False)
            yield RatingChoice(id="rating")
            yield Static("", id="hints", markup=False)
            yield Markdown("", id="solution")
        self.derive_view = DeriveExerciseView(id="derive-exercise")  # kept: asked after unmounting too
        yield self.derive_view
        with Horizontal(id="quiz-actions"):
            yield Button("Check", id="check", variant="primary", compact=True)
            yield Button("Hint", id="hint", compact=True)
            yield Button("Solution", id="show-solution", compact=True)
            yield Button("Next", id="next", compact=True)

    def on_mount(self) -> None:
        self.open_exercises()

    def open_exercises(self) -> None:
        """The session over the lesson's exercises (the Review section's brings one per turn instead)."""
        context = study_app(self).context
        try:
            grading, progress = context.grading, context.progress
        except StudybuddyError as error:  # the grader or the database cannot open: nothing here works
            self.notify(f"The exercises are unavailable: {error}", severity="error", markup=False)
            self.app.pop_screen()
            return
        self.session = QuizSession(self.lesson, grading, progress, self.index, reviews=context.reviews)
        if not self.session.typed:  # derive exercises only: the first of them
            self.show_derive(self.lesson, 0)
            return
        self._show_exercise()

    def _show_exercise(self) -> None:
        session = self.session
        self.query_one("#exercise-title", Static).update(session.title())
        self.query_one("#exercise-prompt", Markdown).update(session.exercise.prompt)
        self._show_form()
        answer = self.query_one("#answer", Input)
        answer.value = ""
        answer.focus()
        self.query_one("#answer-preview", ExpressionPreview).show_empty(self.form.empty_preview)
        self.query_one("#verdict", Static).update("")
        self._show_aids()
        self.path_shown()

    def _show_aids(self, *, scroll_to_solution: bool = False) -> None:
        """The hints and the worked solution shown so far for this exercise (kept when coming back)."""
        self.query_one("#hints", Static).update(self.session.hints_text(key_hint(self, "quiz.solution")))
        solution = self.query_one("#solution", Markdown)
        text = self.session.solution_markdown()
        solution.update(text or "")
        solution.display = text is not None
        if text is not None and scroll_to_solution:
            solution.scroll_visible()

    # ---- live preview -----------------------------------------------------------------------------

    @on(Input.Changed, "#answer")
    def _typed(self, event: Input.Changed) -> None:
        request = self.session.ask_preview(event.value)
        if request is not None:
            self.compute_preview(request)

    @work(thread=True, group="preview")  # not exclusive: the session keeps it to one at a time
    def compute_preview(self, request: PreviewRequest) -> None:
        loading = self.session.loading_preview(request)
        if loading is not None:
            self.post_message(self.PreviewReady(loading))
        self.post_message(self.PreviewReady(self.session.preview(request)))

    def on_quiz_screen_preview_ready(self, message: PreviewReady) -> None:
        preview = message.preview
        following = self.session.preview_done(preview)
        if following is not None:
            self.compute_preview(following)
        if not self.session.is_current_preview(preview):
            return  # typing or the exercise moved on; a newer preview is coming
        widget = self.query_one("#answer-preview", ExpressionPreview)
        if preview.loading:
            widget.show_empty(f"{ENGINE_LOADING} The preview appears when it is ready.")
        elif preview.pretty is not None:
            widget.show_pretty(preview.pretty)
        elif preview.pointer is not None or preview.message is not None:
            widget.show_error(preview.pointer or preview.text, preview.message or "")
        else:
            widget.show_empty(self.form.empty_preview)

    # ---- grading ----------------------------------------------------------------------------------

    @on(Input.Submitted, "#answer")
    @on(Button.Pressed, "#check")
    def submit(self) -> None:
        if self._derive_turn("finish"):
            return
        request = self.session.ask_grade(self.query_one("#answer", Input).value)
        box = self.query_one("#verdict", Static)
        box.set_classes("")
        if request is None:
            box.update(EMPTY_ANSWER)
            return
        box.update("Checking…")
        self.grade(request)

    @work(thread=True, group="grade")  # each result says what it answers; the session drops stale ones
    def grade(self, request: GradeRequest) -> None:
        self.post_message(self.Graded(self.session.grade(request)))

    def on_quiz_screen_graded(self, message: Graded) -> None:
        result = message.result
        if result.not_recorded:  # about saved data: said even when the learner has moved on
            self.notify(
                f"The attempt could not be saved: {result.not_recorded}", severity="warning", markup=False
            )
        current = self.session.is_current_grade(result)
        self.rating_graded(result, current)
        self.path_graded(result)
        if not current:
            return  # an answer to an exercise no longer on screen, or an older answer
        if result.failed:
            self.notify(f"Grading failed: {result.failed}", severity="error", markup=False)
        box = self.query_one("#verdict", Static)
        box.set_classes(f"-{result.tone}")
        box.update(result.text)

    # ---- hints, solution, navigation --------------------------------------------------------------

    def action_hint(self) -> None:
        if self._derive_turn("hint"):
            return
        self.session.reveal_hint()
        self._show_aids()

    def action_solution(self) -> None:
        if self._derive_turn("solution"):
            return
        self.session.reveal_solution()
        self._show_aids(scroll_to_solution=True)

    def action_next_exercise(self) -> None:
        if self._derive_turn("next"):
            return
        self.rating_leave()
        if self.path_finishing():  # the last exercise: the lesson's summary, not exercise 1 again
            return
        self.session.next_exercise()
        self._show_exercise()

    def action_back(self) -> None:
        self.rating_leave(for_good=True)
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

    # ---- how to answer this kind: options, tolerance, shape, variant (widgets/exercise_form.py) -----

    def _show_form(self) -> None:
        session = self.session
        form = self.form = exercise_form(session.lesson, session.exercise)
        view = self.query_one(ExerciseFormView)
        view.show(form, key_hint(self, "quiz.variant"))
        self.query_one("#answer", Input).placeholder = form.placeholder
        if form.arrays:
            view.ask_shape(partial(session.grading.answer_shape, session.lesson, session.exercise))
        if form.number_examples:
            grading, candidates = session.grading, form.number_examples
            view.ask_examples(partial(grading.clear_examples, session.lesson, session.exercise, candidates))
        self.refresh_bindings()  # the variant key shows on a variant only

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_variant":
            session: QuizSession | None = getattr(self, "session", None)  # None: not open yet
            view: DeriveExerciseView | None = getattr(self, "derive_view", None)
            if session is None or not session.typed or view is None or view.position is not None:
                return False  # not open yet, or a derive exercise on screen
            return bool(session.exercise.parameters)
        return super().check_action(action, parameters)

    def action_new_variant(self) -> None:
        """Another variant of the exercise on screen: new values, a blank answer, the same hints shown."""
        if self.session.draw_variant():
            self._show_exercise()

    @on(ExerciseFormView.ExamplesChosen)
    def _examples_chosen(self, message: ExerciseFormView.ExamplesChosen) -> None:
        self.query_one("#answer", Input).placeholder = message.placeholder

    @on(ExerciseFormView.Chosen)
    def _options_chosen(self, message: ExerciseFormView.Chosen) -> None:
        answer = self.query_one("#answer", Input)
        answer.value = message.letters  # previewed as if typed
        if message.done:
            answer.focus()  # Enter checks it

    @on(Input.Changed, "#answer")
    def _typed_choice(self, event: Input.Changed) -> None:
        self.query_one(ExerciseFormView).follow_typed(event.value)

    @on(Graded)
    def _verdict_in_view(self, message: Graded) -> None:
        """A long prompt, a choice's options or a matrix's preview can push the verdict below the fold."""
        if self.session.is_current_grade(message.result):
            self.call_after_refresh(self.query_one("#verdict").scroll_visible, animate=False)

    # ---- derive exercises, written line by line (widgets/derive_exercise_view.py) ----------------------

    def _derive_turn(self, action: str) -> bool:
        """Route ``action`` (hint, solution, finish, next) to the derive exercise on screen; True when
        handled. Next goes from the last answer exercise to the derive exercises, and from the last of
        those back to the first answer exercise (which the session's next does from its last), or to
        the first derive exercise in a lesson with no other kind."""
        view = self.derive_view
        derive = self.lesson.derive_exercises
        on_screen = view.position is not None
        if action != "next":
            if on_screen:
                {"hint": view.hint, "solution": view.solution, "finish": view.finish}[action]()
            return on_screen
        if not derive:
            return False
        if on_screen:
            assert view.position is not None
            following = view.position + 1
            self.rating_leave()
            if following < len(derive) or not self.session.typed:
                self.show_derive(self.lesson, following % len(derive))
                return True
            self.hide_derive()
            return False
        if self.session.index + 1 < len(self.lesson.exercises):
            return False
        self.rating_leave()
        self.show_derive(self.lesson, 0)
        return True

    def show_derive(self, lesson: Lesson, position: int) -> None:
        """Derive exercise ``position`` of ``lesson`` in place of the answer box; its sitting starts."""
        self.query_one("#quiz-body").display = False
        self.derive_view.show(lesson, position)
        self.session.derive_shown(lesson.derive_exercises[position].id)

    def hide_derive(self) -> None:
        self.derive_view.hide()
        self.query_one("#quiz-body").display = True

    def rating_exercise_id(self) -> str | None:
        exercise = self.derive_view.exercise
        return exercise.id if exercise is not None else super().rating_exercise_id()

    def rating_widget_id(self) -> str:
        return "derive-rating" if self.derive_view.exercise is not None else "rating"
