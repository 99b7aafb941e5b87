"""The Review section: the exercises due today, one at a time, interleaved across lessons.

It is the quiz screen (the same answer box, live preview, grade, hints, worked solution and review
rating), walking ``services.review_round.ReviewRound`` instead of one lesson's exercises: each turn is
read afresh from the day's queue after the last rating is saved, with a fresh variant where the
exercise has parameters. A derive exercise is served in the quiz's derive view, written line by line
and rated from the finished derivation. When nothing is due it says when the next review is.
"""

from __future__ import annotations

from itertools import count
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.services.quiz import QuizSession
from studybuddy.services.review_round import NothingDue, ReviewRound, ReviewTurn
from studybuddy.ui.screens.lesson import LessonScreen
from studybuddy.ui.screens.quiz import QuizScreen
from studybuddy.ui.screens.quiz_rating import QuizRating
from studybuddy.ui.study_app import study_app

if TYPE_CHECKING:
    from studybuddy.services.reviews import SavedReview


class ReviewScreen(QuizScreen):
    LESSON_PATH = False  # exercises of many lessons: no lesson's exercise list, previous or summary
    HELP = None
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "open_lesson", "Lesson", id="review.lesson"),
    ]

    class TurnReady(Message):
        def __init__(self, turn: ReviewTurn | NothingDue | None, number: int, problem: str | None) -> None:
            super().__init__()
            self.turn = turn
            self.number = number  # the request it answers: an older one is dropped
            self.problem = problem

    def __init__(self) -> None:
        QuizRating.__init__(self)  # no lesson: each turn brings its own
        self.turn: ReviewTurn | NothingDue | None = None
        self._requests = count(1)
        self._latest_request = 0
        self._numbers = count(1)  # grade and preview requests, across every turn's session

    def compose_body(self) -> ComposeResult:
        yield Static("Loading the reviews due…", id="review-status", classes="page-title", markup=False)
        yield from super().compose_body()

    def open_exercises(self) -> None:
        """Called on mount: the first turn is read from the queue."""
        self.round = ReviewRound(study_app(self).context)
        self._show_quiz(False)
        self.next_turn()

    def on_screen_resume(self) -> None:
        if not isinstance(self.turn, ReviewTurn):  # nothing was due: it may be now
            self.next_turn()

    # ---- turns -------------------------------------------------------------------------------------

    def next_turn(self) -> None:
        self._latest_request = next(self._requests)
        self.read_turn(self._latest_request)

    @work(thread=True, exclusive=True, group="review-turn")
    def read_turn(self, number: int) -> None:
        try:
            turn = self.round.next_turn()
        except StudybuddyError as error:
            self.post_message(self.TurnReady(None, number, str(error)))
            return
        self.post_message(self.TurnReady(turn, number, None))

    def on_review_screen_turn_ready(self, message: TurnReady) -> None:
        if message.number != self._latest_request:
            return  # an older reading of the queue
        turn = self.turn = message.turn
        status = self.query_one("#review-status", Static)
        status.display = True
        if turn is None:
            status.update(f"The reviews cannot be read: {message.problem}")
            self._show_quiz(False)
            return
        if isinstance(turn, NothingDue):
            status.update(turn.text())
            self._show_quiz(False)
            return
        context = study_app(self).context
        try:
            grading, progress = context.grading, context.progress
        except StudybuddyError as error:
            status.update(f"Reviews are unavailable: {error}")
            self._show_quiz(False)
            return
        self.lesson, self.index = turn.lesson, 0 if turn.derive else turn.index
        self.session = QuizSession(
            turn.lesson, grading, progress, self.index, reviews=context.reviews, numbers=self._numbers
        )
        status.update("\n".join(turn.passed_over))
        status.display = bool(turn.passed_over)
        self._show_quiz(True)
        if turn.derive:  # written line by line, in the quiz's derive view
            self.show_derive(turn.lesson, turn.index)
            self.query_one("#derive-title", Static).update(turn.heading())
            return
        self.hide_derive()
        self._show_exercise()
        self.query_one("#exercise-title", Static).update(turn.heading())

    def _show_quiz(self, shown: bool) -> None:
        self.query_one("#quiz-body").display = shown
        self.query_one("#quiz-actions").display = shown
        if not shown:
            self.derive_view.hide()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_lesson":
            return isinstance(self.turn, ReviewTurn)  # shown with an exercise on screen only
        return super().check_action(action, parameters)

    def action_open_lesson(self) -> None:
        """The lesson of the exercise on screen, over the review (Esc comes back to it, as it was); a
        right answer after it is proposed Hard at most, as after a hint."""
        turn = self.turn
        if isinstance(turn, ReviewTurn):
            exercises = turn.lesson.derive_exercises if turn.derive else turn.lesson.exercises
            self.session.lesson_opened(exercises[turn.index].id)
            self.app.push_screen(LessonScreen(turn.lesson.id))

    # ---- moving on -----------------------------------------------------------------------------------

    def action_next_exercise(self) -> None:
        """On to the next due exercise (this one's rating saved first; one left unanswered comes back
        after the others)."""
        if not isinstance(self.turn, ReviewTurn):
            self.next_turn()
            return
        self.round.skip(self.turn.key)
        self.turn = None
        self.rating_leave(then=self.next_turn)

    def action_back(self) -> None:
        """Esc: to the dashboard (this exercise's rating saved; it is served again when due)."""
        if isinstance(self.turn, ReviewTurn):
            self.round.skip(self.turn.key)
            self.turn = None
            self.rating_leave()
        self.app.switch_mode("dashboard")

    def rating_saved(self, saved: SavedReview) -> None:
        self.notify(saved.text(), markup=False)

    def rating_done(self) -> None:
        self.turn = None
        self.next_turn()
