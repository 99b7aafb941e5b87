"""The review rating's part of the quiz screen (and of the Review section, which is a quiz screen).

A right answer comes back with the rating proposed for the sitting (``GradeResult.proposal``): it is
shown under the verdict with the next interval on each choice, and the learner may change it with one
key. It is saved when they confirm it (Enter) or move on (next exercise, back, another section,
quitting the app); an exercise left with only wrong tries is saved as Again. Saving runs on the app's
writer thread; what was saved is said under the verdict, or in a toast once the exercise has left the
screen. A derive exercise's finished derivation is rated the same way (``QuizSession.derivation_tried``),
its rating chosen under the derivation (the screen names the exercise and the RatingChoice on screen).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on

from studybuddy.core.errors import StudybuddyError
from studybuddy.services.review_round import save_on_leaving
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.study_app import study_app
from studybuddy.ui.widgets.derive_exercise_view import DeriveExerciseView
from studybuddy.ui.widgets.rating_choice import RatingChoice

if TYPE_CHECKING:
    from collections.abc import Callable

    from studybuddy.services.quiz import GradeResult, QuizSession
    from studybuddy.services.reviews import ReviewProposal, SavedReview


class QuizRating(SectionScreen):
    """The quiz screen's base: its ``session`` is the QuizSession on screen, and it composes a
    RatingChoice with the id ``rating`` (and one per other kind of exercise: ``rating_widget_id``)."""

    session: QuizSession
    _left_for_good = False  # the screen is being left and what waited is saved (unmounting: nothing to do)

    def rating_exercise_id(self) -> str | None:
        """The exercise on screen, whose rating waits in ``_rating_choice()`` (None: none)."""
        return self.session.exercise.id if self.session.typed else None

    def rating_widget_id(self) -> str:
        """The id of the RatingChoice of the exercise on screen."""
        return "rating"

    def rating_graded(self, result: GradeResult, current: bool) -> None:
        """A grade came back (``current``: it answers the exercise on screen): show its rating to
        choose; one for an exercise left behind is saved as proposed (the learner moved on)."""
        current = current and result.ticket.exercise_id == self.rating_exercise_id()  # not a derive's turn
        if result.review_failed and current:
            self.notify(f"No review rating: {result.review_failed}", severity="warning", markup=False)
        proposal = result.proposal
        if proposal is None:
            return
        if current:
            self._rating_choice().show_proposal(proposal)
            return
        session = self.session
        self._save(lambda: session.save_rating(proposal), quiet_conflict=True)

    def rating_leave(self, *, for_good: bool = False, then: Callable[[], None] | None = None) -> None:
        """The learner leaves the exercise on screen (``for_good``: and the screen): save the rating
        chosen, or Again for only wrong tries, nothing for none (in the background; ``then()`` once
        that is done, saved or not)."""
        self._left_for_good = for_good
        exercise_id = self.rating_exercise_id()
        widget = self._rating_choice()
        chosen = widget.take()
        widget.clear()
        if exercise_id is None:
            if then is not None:
                then()
            return
        session = self.session
        self._save(lambda: save_on_leaving(session, exercise_id, chosen), always=then)

    _rating_widgets: dict[str, RatingChoice] | None = None

    def _rating_choice(self) -> RatingChoice:
        """The RatingChoice of the exercise on screen (kept: when the screen unmounts, its widgets are
        gone already)."""
        if self._rating_widgets is None:
            self._rating_widgets = {}
        widget_id = self.rating_widget_id()
        if widget_id not in self._rating_widgets:
            self._rating_widgets[widget_id] = self.query_one(f"#{widget_id}", RatingChoice)
        return self._rating_widgets[widget_id]

    def on_screen_suspend(self, _: events.ScreenSuspend) -> None:
        """Another section opened over this one (F2-F5, the palette): what waits is saved now, not
        when the learner comes back (a dialog or help on top leaves this screen in the stack: it waits)."""
        leaving = self.is_mounted and not self._left_for_good and self not in self.app.screen_stack
        if leaving and hasattr(self, "session"):  # (left for good: Back saved it, and pops this screen)
            self.rating_leave()

    def on_unmount(self) -> None:
        self.rating_unmounted()

    def rating_unmounted(self) -> None:
        """The screen goes away (back, or the app quits): what still waits is saved before it does."""
        if self._left_for_good or not hasattr(self, "session"):
            return
        exercise_id = self.rating_exercise_id()
        widget = (self._rating_widgets or {}).get(self.rating_widget_id())
        chosen = None if widget is None else widget.take()
        if exercise_id is None:
            return
        session = self.session
        try:
            study_app(self).io.run_now(lambda: save_on_leaving(session, exercise_id, chosen))
        except StudybuddyError as error:  # the app is closing: nowhere left to show it but the log
            study_app(self).log.error(f"The review rating could not be saved: {error}")

    @on(RatingChoice.Confirmed)
    def _rating_confirmed(self, message: RatingChoice.Confirmed) -> None:
        session, proposal, rating = self.session, message.proposal, message.rating
        self._save(
            lambda: session.save_rating(proposal, rating), then=self.rating_saved, always=self.rating_done
        )

    def rating_saved(self, saved: SavedReview) -> None:
        """A confirmed rating is saved: said under the verdict."""
        if saved.exercise_id == self.rating_exercise_id():
            self._rating_choice().show_saved(saved.text())

    @on(DeriveExerciseView.Attempted)
    def _derivation_attempted(self, message: DeriveExerciseView.Attempted) -> None:
        """A derivation was finished and recorded: a try of its sitting; a right one brings its rating
        to choose (or, the learner having moved on, saved as proposed)."""
        session, exercise_id, finished = self.session, message.exercise_id, message.finished

        def proposed(proposal: ReviewProposal | None) -> None:
            if proposal is None:
                return
            if session is self.session and exercise_id == self.rating_exercise_id() and self.is_mounted:
                self._rating_choice().show_proposal(proposal)
            else:
                self._save(lambda: session.save_rating(proposal), quiet_conflict=True)

        def failed(error: StudybuddyError) -> None:
            self.notify(f"No review rating: {error}", severity="warning", markup=False)

        study_app(self).io.run(
            lambda: session.derivation_tried(exercise_id, finished, message.hints, message.solution),
            proposed,
            failed=failed,
            group="review-rating",
        )

    def rating_done(self) -> None:
        """A confirmed rating was saved or could not be (the Review section moves on here)."""

    def _save(
        self,
        call: Callable[[], SavedReview | None],
        then: Callable[[SavedReview], None] | None = None,
        *,
        always: Callable[[], None] | None = None,
        quiet_conflict: bool = False,
    ) -> None:
        from studybuddy.services.reviews import ReviewConflict

        def done(saved: SavedReview | None) -> None:
            if saved is not None and then is not None:
                then(saved)
            elif saved is not None:
                self.notify(saved.text(), markup=False)
            if always is not None:
                always()

        def failed(error: StudybuddyError) -> None:
            if not (quiet_conflict and isinstance(error, ReviewConflict)):
                # (a conflict there: a late grade's rating, after leaving had saved the sitting as Again)
                self.notify(f"The review rating was not saved: {error}", severity="warning", markup=False)
            if always is not None:
                always()

        study_app(self).io.run(call, done, failed=failed, group="review-rating")
