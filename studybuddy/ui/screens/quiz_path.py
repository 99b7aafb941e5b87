"""The learner's path in the quiz screen: the exercise list with solved marks (a click goes there), the
previous exercise (ctrl+b), and after the last exercise a summary of the sitting with the next lesson on
the path, instead of wrapping round to exercise 1.

The Review section is a quiz screen over exercises of many lessons: none of this applies there
(``LESSON_PATH`` False).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message

from studybuddy.core.errors import StudybuddyError
from studybuddy.ui.screens.quiz_rating import QuizRating
from studybuddy.ui.study_app import study_app
from studybuddy.ui.widgets.exercise_list import ExerciseList

if TYPE_CHECKING:
    from studybuddy.core.lessons.model import Lesson
    from studybuddy.services.learning_path import LearnerPath, SittingSummary
    from studybuddy.services.quiz import GradeResult


class QuizPath(QuizRating):
    """The quiz screen's base for the path: it composes an ExerciseList with the id ``exercise-list``."""

    LESSON_PATH: ClassVar[bool] = True
    HELP: ClassVar[str | None] = (
        "**Exercises.** Type the answer as you would write it; Enter checks it. An exercise is solved "
        "when it is answered right without the worked solution (hints are fine). Moving on from the "
        "last exercise shows how the sitting went and the next lesson on the path."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+b,alt+left", "previous_exercise", "Previous", id="quiz.previous"),  # tmux takes ctrl+b
    ]

    lesson: Lesson
    path_began: datetime | None = None  # when the learner opened the lesson (or its exercises)
    _solved: frozenset[str] = frozenset()  # the lesson's exercise ids answered right without the solution

    class SolvedRead(Message):
        def __init__(self, lesson_id: str, solved: frozenset[str]) -> None:
            super().__init__()
            self.lesson_id = lesson_id
            self.solved = solved

    class Finished(Message):
        def __init__(self, lesson_id: str, summary: SittingSummary, path: LearnerPath | None) -> None:
            super().__init__()
            self.lesson_id = lesson_id
            self.summary = summary
            self.path = path

    # ---- the exercise list -----------------------------------------------------------------------

    def path_shown(self) -> None:
        """An exercise is on screen: the list marks it (read the solved ones the first time)."""
        widget = self.query_one("#exercise-list", ExerciseList)
        widget.display = self.LESSON_PATH
        if not self.LESSON_PATH:
            return
        if self.path_began is None:
            self.path_began = self._lesson_opened_at()
            self.read_solved(self.lesson.id)
        self._show_list()

    def _show_list(self) -> None:
        ids = [exercise.id for exercise in self.lesson.exercises]
        solved = frozenset(index for index, exercise_id in enumerate(ids) if exercise_id in self._solved)
        self.query_one("#exercise-list", ExerciseList).show(len(ids), self.session.index, solved)

    def _lesson_opened_at(self) -> datetime:
        """When the lesson screen under this one opened this lesson; now, when there is none."""
        from studybuddy.ui.screens.lesson import LessonScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, LessonScreen) and screen.lesson_id == self.lesson.id:
                return screen.opened_at
        return study_app(self).clock.now()

    @work(thread=True, exclusive=True, group="quiz-solved")
    def read_solved(self, lesson_id: str) -> None:
        from studybuddy.storage.progress import solved_exercises

        try:
            with study_app(self).context.database.read() as conn:
                solved = frozenset(solved_exercises(conn).get(lesson_id, set()))
        except StudybuddyError:
            return  # the marks stay empty; an answer graded now still marks its exercise
        self.post_message(self.SolvedRead(lesson_id, solved))

    def on_quiz_path_solved_read(self, message: SolvedRead) -> None:
        if message.lesson_id == self.lesson.id and self.is_attached:
            self._solved |= message.solved
            self._show_list()

    def path_graded(self, result: GradeResult) -> None:
        """A grade came back: a right answer given without the worked solution, and recorded, marks its
        exercise solved."""
        if not self.LESSON_PATH or result.ticket.lesson_id != self.lesson.id:
            return
        verdict = result.verdict
        solution_seen = self.session.progress.aids_shown(self.lesson.id, result.ticket.exercise_id).solution
        right = verdict is not None and verdict.kind == "equivalent"
        if right and not result.not_recorded and not solution_seen:
            self._solved |= {result.ticket.exercise_id}
            self._show_list()

    # ---- moving between exercises ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("previous_exercise", "go_to_exercise") and not self.LESSON_PATH:
            return False
        return super().check_action(action, parameters)

    def action_previous_exercise(self) -> None:
        if self.session.index == 0:
            self.app.bell()  # the first exercise: nothing before it
            return
        self.action_go_to_exercise(self.session.index - 1)

    def action_go_to_exercise(self, index: int) -> None:
        if not 0 <= index < len(self.lesson.exercises) or index == self.session.index:
            return
        self.rating_leave()
        self.session.go_to(index)
        self._show_exercise()

    def _show_exercise(self) -> None:
        """Shows ``self.session``'s exercise: the quiz screen's own."""
        raise NotImplementedError

    # ---- after the last exercise -----------------------------------------------------------------

    def path_finishing(self) -> bool:
        """Called when the learner moves on from an exercise: True (and the summary is on its way)
        when it was the lesson's last, instead of wrapping round to the first."""
        if not self.LESSON_PATH or self.session.index + 1 < len(self.lesson.exercises):
            return False
        app = study_app(self)
        self.summarise(self.lesson, self.path_began or app.clock.now(), app.clock.now(), app.library)
        return True

    @work(thread=True, exclusive=True, group="quiz-finished")
    def summarise(self, lesson: Lesson, began: datetime, now: datetime, library: object) -> None:
        from studybuddy.services.learning_path import learner_path, sitting_summary
        from studybuddy.ui.library import LibraryState

        database = study_app(self).context.database
        try:
            summary = sitting_summary(database, lesson, began, now)
        except StudybuddyError as error:
            self.app.call_from_thread(
                self.notify, f"The summary cannot be read: {error}", severity="error", markup=False
            )
            return
        path = None
        if isinstance(library, LibraryState) and library.ready and not library.error:
            try:
                path = learner_path(database, library.lessons)
            except StudybuddyError:
                path = None  # the summary still shows, without the path
        self.post_message(self.Finished(lesson.id, summary, path))

    def on_quiz_path_finished(self, message: Finished) -> None:
        if message.lesson_id != self.lesson.id or not self.is_current:
            return  # the learner has left the lesson meanwhile
        from studybuddy.ui.screens.lesson_finished import LessonFinishedDialog

        dialog = LessonFinishedDialog(self.lesson.title, message.summary, message.path)
        following = dialog.following

        def chosen(choice: str | None) -> None:
            if choice == "next" and following is not None:
                self._open_next(following.id)
            elif choice == "again":
                self.session.go_to(0)
                self._show_exercise()

        self.app.push_screen(dialog, chosen)

    def _open_next(self, lesson_id: str) -> None:
        """This quiz and the lesson under it make way for the next lesson."""
        from studybuddy.ui.screens.lesson import LessonScreen, open_lesson

        self.rating_leave(for_good=True)
        app = self.app
        app.pop_screen()
        if isinstance(app.screen, LessonScreen) and app.screen.lesson_id == self.lesson.id:
            app.pop_screen()
        open_lesson(app, lesson_id)
