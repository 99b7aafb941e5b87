"""The dashboard's path card: how many lessons are done, and the next lesson on the path (``n`` opens it).

Read after the first paint, once the lesson library is loaded (the path orders the library's lessons),
and again whenever the dashboard comes back: each read carries the library it answers, and one for a
library since replaced is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from studybuddy.core.errors import StudybuddyError
from studybuddy.ui.key_hints import key_hint
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.study_app import study_app

if TYPE_CHECKING:
    from studybuddy.services.learning_path import LearnerPath
    from studybuddy.ui.library import LibraryState


class DashboardPath(SectionScreen):
    """The dashboard's base: it composes a Card with the id ``card-path``."""

    path: LearnerPath | None = None

    class PathRead(Message):
        def __init__(self, library: LibraryState, path: LearnerPath | None, problem: str | None) -> None:
            super().__init__()
            self.library = library
            self.path = path
            self.problem = problem

    def path_mounted(self) -> None:
        self.watch(self.app, "library", self._path_library_changed, init=False)
        study_app(self).after_first_paint(lambda: self._path_library_changed(study_app(self).library))

    def path_resumed(self) -> None:
        if study_app(self).library.ready:
            self._path_library_changed(study_app(self).library)

    def _path_library_changed(self, library: LibraryState) -> None:
        if library.ready:
            self.read_path(library)

    @work(thread=True, exclusive=True, group="dashboard-path")
    def read_path(self, library: LibraryState) -> None:
        from studybuddy.services.learning_path import learner_path

        app = study_app(self)
        with app.loads.turn():
            try:
                path, problem = learner_path(app.context.database, library.lessons), None
            except StudybuddyError as error:
                path, problem = None, f"path: {error}"
        self.post_message(self.PathRead(library, path, problem))

    def on_dashboard_path_path_read(self, message: PathRead) -> None:
        from studybuddy.core.learning_path import Stage  # here, not on the start-up path
        from studybuddy.ui.screens.dashboard import Card

        if message.library is not study_app(self).library:
            return  # the library was loaded again meanwhile: a newer read is on its way
        card = self.query_one("#card-path", Card)
        library = message.library
        if library.error:
            card.show(f"The lesson library could not be loaded: {library.error}")
            return
        if message.path is None:
            card.show("Cannot be read now.")
            self.notify(message.problem or "", severity="error", markup=False)
            return
        self.path = path = message.path
        following = path.next_lesson()
        if not path.lessons:
            card.show(f"No lesson loads. Lessons ({key_hint(self, 'mode.lessons')}) says why.")
            return
        if following is None:
            card.show(f"{path.headline()}: every lesson on the path. Well done.")
            return
        started = "" if following.stage is Stage.NOT_STARTED else f" ({following.progress.describe()})"
        card.show(
            f"{path.headline()}.\nNext: {following.title}{started}. "
            f"Press {key_hint(self, 'dashboard.next_lesson')}."
        )

    def action_open_next_lesson(self) -> None:
        following = self.path.next_lesson() if self.path is not None else None
        if following is None:
            self.app.switch_mode("lessons")  # not read yet, or all done: the whole path is there
            return
        from studybuddy.ui.screens.lesson import open_lesson

        open_lesson(self.app, following.id)
