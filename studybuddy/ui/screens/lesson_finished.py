"""After a lesson's last exercise: how the sitting went, where the path stands, and the next lesson."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from studybuddy.core.learning_path import DONE_MEANS
from studybuddy.services.learning_path import LearnerPath, PathLesson, SittingSummary
from studybuddy.ui.screens.dialogs import DialogButtons


class LessonFinishedDialog(ModalScreen[str | None]):
    """Dismissed with "next" (open the next lesson), "again" (exercise 1) or None (stay here). Enter
    presses the first button: the next lesson, when there is one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "stay", "Stay here", id="finished.stay")]

    def __init__(self, title: str, summary: SittingSummary, path: LearnerPath | None) -> None:
        super().__init__()
        self._lesson_title = title
        self.summary = summary
        self.path = path
        self.following: PathLesson | None = path.next_lesson(leaving=summary.lesson_id) if path else None

    def compose(self) -> ComposeResult:
        summary, path = self.summary, self.path
        on_path = path.lesson(summary.lesson_id) if path is not None else None
        lines = ["This sitting: " + "; ".join(summary.lines())]
        lines += [f"  {item.number}. {item.outcome}" for item in summary.exercises]
        if on_path is not None:
            state = "done" if on_path.done else f"not done yet: {on_path.progress.describe()}"
            lines.append(f"The lesson is {state}. {path.headline() if path else ''}.")
            if not on_path.done:
                lines.append(DONE_MEANS)
        if self.following is not None:
            lines.append(f"Next on the path: {self.following.title}")
        elif path is not None:
            lines.append("Every other lesson on the path is done.")
        with Vertical(classes="dialog dialog-wide", id="lesson-finished"):
            yield Label(
                f"Finished the exercises of {self._lesson_title}", classes="dialog-title", markup=False
            )
            yield Static("\n".join(lines), id="lesson-finished-text", markup=False)
            with DialogButtons(classes="dialog-buttons"):
                if self.following is not None:
                    yield Button("Next lesson", variant="primary", id="next")
                yield Button("Exercises again", id="again")
                yield Button("Stay here", id="stay")

    def action_stay(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def choose(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id != "stay" else None)
