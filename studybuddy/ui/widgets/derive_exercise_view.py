"""A ``kind: derive`` exercise in the quiz: the prompt, a DerivationPad, hints, the solution, Finish.

The quiz screen shows this in place of its answer box when a derive exercise is on screen and routes
its Hint, Solution and Check keys here. What a hint says, what the solution is and what a finished
derivation records are ``services.derive_exercise``'s; this widget lays them out and carries each
background result's identity (the exercise, and the sheet and text it answers), dropping stale ones.
A recorded attempt is told to the screen (``Attempted``), which proposes its review rating; the
rating is chosen in this widget's RatingChoice (``#derive-rating``), as under a typed answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Markdown, Static

from studybuddy.core.derivation.model import DerivationContext, lesson_context
from studybuddy.core.errors import StudybuddyError
from studybuddy.services.derivation import DerivationService
from studybuddy.services.derivation_sheet import DerivationSheet
from studybuddy.services.derive_exercise import (
    DeriveHint,
    DeriveSetup,
    FinishedDerivation,
    derive_hint,
    derive_setup,
    finish_derivation,
)
from studybuddy.ui.key_hints import bound_key, key_name
from studybuddy.ui.study_app import study_app
from studybuddy.ui.widgets.derivation_pad import DerivationPad
from studybuddy.ui.widgets.rating_choice import RatingChoice

if TYPE_CHECKING:
    from studybuddy.core.derivation.model import Derivation
    from studybuddy.core.lessons.model import DeriveExercise, Lesson

PLACEHOLDER = "One step a line, as on paper: L = -log(s1), then dL/dz1 = ... (Enter finishes a line)"


@dataclass(frozen=True)
class _Ticket:
    """What a background result answers: the exercise shown, and the request's number."""

    exercise: str
    number: int


class DeriveExerciseView(Widget):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "finish", "Finish", id="derive.finish"),
    ]
    DEFAULT_CSS = """
    DeriveExerciseView { display: none; height: 1fr; padding: 0 1; }
    DeriveExerciseView > #derive-prompt { height: auto; max-height: 4; margin: 0; }
    DeriveExerciseView > #derive-ends { height: auto; padding: 0 1; color: $accent; }
    DeriveExerciseView > #derive-info { height: auto; max-height: 4; }
    DeriveExerciseView #derive-verdict.-right { color: $success; text-style: bold; }
    DeriveExerciseView #derive-verdict.-wrong { color: $warning; }
    DeriveExerciseView #derive-solution { margin-top: 1; }
    """

    class SetUp(Message):
        def __init__(self, ticket: _Ticket, setup: DeriveSetup | None, error: str | None) -> None:
            super().__init__()
            self.ticket, self.setup, self.error = ticket, setup, error

    class Hinted(Message):
        def __init__(self, ticket: _Ticket, text: str, hint: DeriveHint | None, error: str | None) -> None:
            super().__init__()
            self.ticket, self.text, self.hint, self.error = ticket, text, hint, error

    class Finished(Message):
        def __init__(
            self,
            ticket: _Ticket,
            finished: FinishedDerivation | None,
            error: str | None,
            help_had: tuple[int, bool] = (0, False),
        ) -> None:
            super().__init__()
            self.ticket, self.finished, self.error = ticket, finished, error
            self.help_had = help_had  # (hints shown, solution seen) when it was finished

    class Attempted(Message):
        """A finished derivation was recorded as an attempt (for the screen: its review rating)."""

        def __init__(
            self, exercise_id: str, finished: FinishedDerivation, hints: int, solution: bool
        ) -> None:
            super().__init__()
            self.exercise_id, self.finished = exercise_id, finished
            self.hints, self.solution = hints, solution

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lesson: Lesson | None = None
        self.position: int | None = None  # which of the lesson's derive exercises is shown (None: none)
        self.exercise: DeriveExercise | None = None
        self.setup: DeriveSetup | None = None
        self.hints: list[str] = []
        self.solution_shown = False
        self._numbers = count(1)
        self._ticket = _Ticket("", 0)
        self._hint_asked: _Ticket | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="derive-title", classes="page-title", markup=False)
        yield Markdown("", id="derive-prompt")
        # Where to start and what to reach, under the prompt and never cut with it: a long prompt filled
        # the prompt's four rows and hid them (the start is what the first line must equal).
        yield Static("", id="derive-ends", markup=False)
        yield DerivationPad(DerivationSheet(None, DerivationContext(), "derive"), placeholder=PLACEHOLDER)
        with VerticalScroll(id="derive-info"):
            yield Static("", id="derive-verdict", markup=False)
            yield Static("", id="derive-hints", markup=False)
            yield Static("", id="derive-solution", markup=False)
        yield RatingChoice(id="derive-rating")  # below the short scroll: its choices always show

    @property
    def pad(self) -> DerivationPad:
        return self.query_one(DerivationPad)

    @property
    def derivations(self) -> DerivationService:
        return DerivationService(study_app(self).context.grading)

    # ---- showing an exercise -----------------------------------------------------------------------

    def show(self, lesson: Lesson, position: int) -> None:
        """Derive exercise ``position`` of ``lesson``, on a blank page (its setup comes from a worker:
        lines typed before it arrives are marked once it has)."""
        exercise = lesson.derive_exercises[position]
        self.lesson, self.exercise, self.setup = lesson, exercise, None
        self.position = position
        self.hints, self.solution_shown = [], False
        self._ticket = _Ticket(exercise.id, next(self._numbers))
        total = len(lesson.derive_exercises)
        self.query_one("#derive-title", Static).update(
            f"{lesson.title}: derive exercise {position + 1} of {total}"
        )
        self.query_one("#derive-prompt", Markdown).update(exercise.prompt)
        self.query_one("#derive-ends", Static).update(
            f"Start from {exercise.start}; end with a line equal to {exercise.goal}."
        )
        self._verdict("", None)
        self.query_one("#derive-rating", RatingChoice).clear()
        self.query_one("#derive-prompt").display = True
        self.query_one("#derive-ends").display = True
        self.display = True
        self._show_aids()
        self.pad.use(DerivationSheet(None, lesson_context(lesson), exercise.id), text="")
        self.pad.focus_lines()
        self._set_up(self._ticket, lesson, exercise)

    def hide(self) -> None:
        """No derive exercise on screen (the quiz shows a typed one)."""
        self.position = self.exercise = None
        self.display = False

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The rating to choose has the keyboard: the prompt gives it its rows (at 80x24 the page, its
        marks and the verdict fill the rest). Else, under a page with no verdict yet: the key that
        finishes, as the keymap binds it (named once the lines have the keyboard: the binding is active
        then)."""
        if isinstance(event.widget, RatingChoice):
            self.query_one("#derive-prompt").display = False
            self.query_one("#derive-ends").display = False
            return
        if self._verdict_text or self.exercise is None:
            return
        key = bound_key(self.screen, "derive.finish")
        how = f"{key_name(key)} (or Check)" if key is not None else "Check"
        self._verdict(f"{how} marks every line, checks the goal and records the attempt.", None)
        self._verdict_text = ""  # a hint, not a verdict: the next one replaces it

    @work(thread=True, group="derive-setup")
    def _set_up(self, ticket: _Ticket, lesson: Lesson, exercise: DeriveExercise) -> None:
        try:
            setup = derive_setup(lesson, exercise, study_app(self).context.grading)
        except StudybuddyError as error:
            self.post_message(self.SetUp(ticket, None, str(error)))
        else:
            self.post_message(self.SetUp(ticket, setup, None))

    @on(SetUp)
    def _setup_ready(self, message: SetUp) -> None:
        message.stop()
        if message.ticket != self._ticket:
            return  # an exercise no longer on screen
        if message.setup is None:
            self._verdict(f"This exercise cannot be worked: {message.error}", "wrong")
            return
        self.setup = message.setup
        assert self.exercise is not None
        self.pad.use(DerivationSheet(self.derivations, message.setup.context, self.exercise.id))

    # ---- hints and the solution --------------------------------------------------------------------

    def hint(self) -> None:
        """The exercise's next own hint, then the next step of the reference from the learner's last
        correct line (asked in a worker)."""
        if self.setup is None or self.exercise is None:
            self.notify("The exercise is still being prepared; try again in a moment.", markup=False)
            return
        self._hint_asked = self._ticket
        sheet = self.pad.sheet
        self.query_one("#derive-hints", Static).update(self._hints_text("Finding the next step…"))
        self._hint(self._ticket, self.setup, sheet.derivation(), sheet.text(), len(self.hints))

    @work(thread=True, group="derive-hint")
    def _hint(
        self, ticket: _Ticket, setup: DeriveSetup, derivation: Derivation, text: str, shown: int
    ) -> None:
        try:
            found = derive_hint(self.derivations, setup, derivation, shown)
        except StudybuddyError as error:
            self.post_message(self.Hinted(ticket, text, None, str(error)))
        else:
            self.post_message(self.Hinted(ticket, text, found, None))

    @on(Hinted)
    def _hinted(self, message: Hinted) -> None:
        message.stop()
        if message.ticket != self._ticket or self._hint_asked != message.ticket:
            return
        if message.text != self.pad.sheet.text() and self.setup is not None:
            self.hint()  # the lines changed while it was found: find it for them (one hint, not two)
            return
        self._hint_asked = None
        if message.hint is None:
            self.notify(f"No hint: {message.error}", severity="error", markup=False)
            self._show_aids()
            return
        self.hints.append(message.hint.text)
        assert self.lesson is not None and self.exercise is not None
        study_app(self).context.progress.show_hint(self.lesson.id, self.exercise.id, len(self.hints))
        self._show_aids()

    def solution(self) -> None:
        if self.setup is None or self.exercise is None or self.lesson is None:
            self.notify("The exercise is still being prepared; try again in a moment.", markup=False)
            return
        self.solution_shown = True
        study_app(self).context.progress.show_solution(self.lesson.id, self.exercise.id)
        self._show_aids()
        self.query_one("#derive-solution", Static).scroll_visible()

    def _hints_text(self, pending: str = "") -> str:
        lines = [f"Hint {number}: {text}" for number, text in enumerate(self.hints, 1)]
        return "\n".join([*lines, pending] if pending else lines)

    def _show_aids(self) -> None:
        self.query_one("#derive-hints", Static).update(self._hints_text())
        solution = self.query_one("#derive-solution", Static)
        if self.solution_shown and self.setup is not None:
            extra = f"\n\n{self.setup.exercise.solution}" if self.setup.exercise.solution else ""
            solution.update(
                "Solution (the reference derivation):\n"
                + "\n".join(f"  {line}" for line in self.setup.solution_lines())
                + extra
            )
        else:
            solution.update("")
        solution.display = self.solution_shown

    # ---- finishing ---------------------------------------------------------------------------------

    def action_finish(self) -> None:
        self.finish()

    def finish(self) -> None:
        """Mark every line, check the start and the goal, and record the attempt (in a worker)."""
        if self.setup is None or self.lesson is None or self.exercise is None:
            self.notify("The exercise is still being prepared; try again in a moment.", markup=False)
            return
        sheet = self.pad.sheet
        if not sheet.text().strip():
            self._verdict("Nothing to finish yet: write the derivation, one step a line.", None)
            return
        self.pad.check_all()
        self._verdict("Checking the whole derivation…", None)
        self._finish(self._ticket, self.setup, sheet.derivation(), len(self.hints), self.solution_shown)

    @work(thread=True, group="derive-finish")
    def _finish(
        self, ticket: _Ticket, setup: DeriveSetup, derivation: Derivation, hints: int, solution: bool
    ) -> None:
        context = study_app(self).context
        try:
            finished = finish_derivation(
                self.derivations,
                context.progress,
                setup,
                derivation,
                hints_used=hints,
                solution_seen=solution,
            )
        except StudybuddyError as error:
            self.post_message(self.Finished(ticket, None, str(error)))
        else:
            self.post_message(self.Finished(ticket, finished, None, (hints, solution)))

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        message.stop()
        finished = message.finished
        if finished is not None and finished.not_recorded:  # saved data: said even after moving on
            self.notify(f"The attempt could not be saved: {finished.not_recorded}", severity="warning")
        if finished is not None and finished.recorded:  # rated even when the learner has moved on
            self.post_message(self.Attempted(message.ticket.exercise, finished, *message.help_had))
        if message.ticket != self._ticket:
            return
        if finished is None:
            self._verdict(f"Could not check the derivation: {message.error}", "wrong")
            return
        assert self.exercise is not None
        self._verdict(finished.summary(str(self.exercise.goal)), "right" if finished.correct else "wrong")

    _verdict_text = ""

    def _verdict(self, text: str, tone: str | None) -> None:
        self._verdict_text = text
        box = self.query_one("#derive-verdict", Static)
        box.set_classes("" if tone is None else f"-{tone}")
        box.update(text)
