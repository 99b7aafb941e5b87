"""Modal questions: start a session, recover an interrupted one, the hour is over, a lesson error."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from studybuddy.core.rotation import SubjectChoice, same_subject
from studybuddy.ui.widgets.spread import clickable


class DialogButtons(Horizontal):
    """A dialog's buttons side by side, or one above the other when their labels do not fit the width
    (a long subject in "Switch to ...", a narrow terminal): never squeezed, cut off or off the edge."""

    def on_resize(self) -> None:
        self.set_class(self.width_side_by_side() > self.content_size.width, "-stacked")

    def width_side_by_side(self) -> int:
        """The columns the buttons take in one row, each as wide as its label asks."""
        container, viewport = self.content_size, self.app.size
        total = 0
        for button in self.query_children(Button):
            styles = button.styles
            width = button.get_content_width(container, viewport) + styles.gutter.width
            if styles.min_width is not None:
                width = max(width, int(styles.min_width.resolve(container, viewport)))
            total += width + styles.margin.width
        return total


class _Dialog(ModalScreen[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Close", id="dialog.close")]

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class StartTimerDialog(_Dialog):
    """Subject and length of the session; Enter starts it. The subjects ``offered`` (the rotation's
    next, the last session's) are listed under the subject box: a click or up/down puts one in it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "other_subject(-1)", "Other subject", show=False, id="start.previous_subject"),
        Binding("down", "other_subject(1)", "Other subject", show=False, id="start.next_subject"),
    ]

    def __init__(
        self,
        subject: str,
        minutes: int,
        choice: SubjectChoice | None = None,
        offered: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self._subject = subject
        self._minutes = minutes
        self._choice = choice
        self._offered = tuple(offered)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Start a study session", classes="dialog-title")
            yield Label("Subject")
            yield Input(self._subject, placeholder="e.g. linear algebra", id="subject")
            if self._offered:
                yield Static(self._choices_text(), id="subject-choices")
            yield Label("Minutes")
            yield Input(str(self._minutes), type="integer", id="minutes")
            yield Static("", id="start-error", classes="error")
            with DialogButtons(classes="dialog-buttons"):
                yield Button("Start", variant="primary", id="start")
                yield Button("Cancel", id="cancel")

    def _choices_text(self) -> Content:
        choice = self._choice
        parts: list[Content] = []
        for index, subject in enumerate(self._offered):
            why = []
            if choice is not None and choice.next and same_subject(subject, choice.next):
                why.append("next")
            if choice is not None and choice.last and same_subject(subject, choice.last):
                why.append("last")
            label = f"{subject} ({', '.join(why)})" if why else subject
            parts.append(clickable(Content(label), f"screen.use_subject({index})"))
        keys = "  ↑↓" if len(self._offered) > 1 else ""
        return Content.assemble(Content(" · ").join(parts), Content.styled(keys, "dim"))

    def action_use_subject(self, index: int) -> None:
        subject = self.query_one("#subject", Input)
        subject.value = self._offered[index]
        subject.focus()

    def action_other_subject(self, step: int) -> None:
        """The next (or previous) offered subject in the subject box, while it has the focus."""
        subject = self.query_one("#subject", Input)
        if not self._offered or self.focused is not subject:
            return
        current = next((i for i, text in enumerate(self._offered) if same_subject(text, subject.value)), None)
        if current is None:  # something typed: the first (down) or the last (up) offered
            current = -1 if step > 0 else 0
        subject.value = self._offered[(current + step) % len(self._offered)]
        subject.cursor_position = len(subject.value)

    @on(Input.Submitted)
    @on(Button.Pressed, "#start")
    def start(self) -> None:
        subject = " ".join(self.query_one("#subject", Input).value.split())
        minutes_text = self.query_one("#minutes", Input).value.strip()
        if not subject:
            self.query_one("#start-error", Static).update("Name the subject you are studying.")
            self.query_one("#subject", Input).focus()
            return
        if not minutes_text.isdigit() or not 1 <= int(minutes_text) <= 24 * 60:
            self.query_one("#start-error", Static).update("Minutes must be a whole number from 1 to 1440.")
            return
        self.dismiss((subject, int(minutes_text)))

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)


class RecoverSessionDialog(_Dialog):
    """A session a crash or a closed terminal interrupted: resume it (the time since its last heartbeat
    is a pause), keep it (to the last heartbeat) or discard it."""

    def __init__(self, session: Any) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        session = self.session
        with Vertical(classes="dialog"):
            yield Label("An interrupted session was found", classes="dialog-title")
            yield Static(describe_interrupted(session), id="recover-text")
            with DialogButtons(classes="dialog-buttons"):
                yield Button("Resume", variant="primary", id="resume")
                yield Button("Keep it", id="keep")
                yield Button("Discard", variant="error", id="discard")

    @on(Button.Pressed, "#resume")
    def resume(self) -> None:
        self.dismiss("resume")

    @on(Button.Pressed, "#keep")
    def keep(self) -> None:
        self.dismiss("keep")

    @on(Button.Pressed, "#discard")
    def discard(self) -> None:
        self.dismiss("discard")


def describe_interrupted(session: Any) -> str:
    subject = getattr(session, "subject", "") or "no subject"
    started = getattr(session, "started_at", None)
    studied = getattr(session, "studied_seconds", None)
    parts = [f"Subject: {subject}"]
    if started is not None:
        parts.append(f"Started: {started:%Y-%m-%d %H:%M}")
    if studied is not None:
        parts.append(f"Known studied time: {int(studied) // 60} min")
    return (
        "\n".join(parts) + "\n\nResume it from here (the time since then counts as a pause), keep it up "
        "to the last moment it was known running, or discard it?"
    )


class TimerFinishedDialog(_Dialog):
    """The hour rang: write the diary entry, or switch to the next subject of the rotation."""

    def __init__(self, finished: Any, next_subject: str) -> None:
        super().__init__()
        self.finished = finished
        self.next_subject = next_subject

    def compose(self) -> ComposeResult:
        switch_label = f"Switch to {self.next_subject}" if self.next_subject else "Start another session"
        with Vertical(classes="dialog dialog-wide"):
            yield Label("Time's up!", classes="dialog-title")
            yield Static("Well done. Write down what you learned while it is fresh, or move on.")
            with DialogButtons(classes="dialog-buttons"):
                yield Button("Write the diary", variant="primary", id="diary")
                yield Button(switch_label, id="switch")
                yield Button("Later", id="later")

    @on(Button.Pressed)
    def choose(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id != "later" else None)


class LessonErrorDialog(_Dialog):
    """A lesson file that cannot be loaded: the error, with file:line:column, to read and fix."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self._heading = title
        self._message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Static(self._message, id="lesson-error", classes="error", markup=False)
            with DialogButtons(classes="dialog-buttons"):
                yield Button("Close", variant="primary", id="close")

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.dismiss(None)
