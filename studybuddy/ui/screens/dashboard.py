"""The first screen: the session and timer, today's diary entry, recent lessons, streak and the week.

It is on the start-up path, so it imports and composes little: a card is one widget (title, clickable
action and text), the diary excerpt is a Markdown widget mounted when the entry arrives (the worker
thread imports it), and its data are read after the first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.services.dashboard import DashboardData, ReviewCounts, gather_dashboard, gather_review_counts
from studybuddy.ui.key_hints import key_hint
from studybuddy.ui.screens.dashboard_path import DashboardPath
from studybuddy.ui.study_app import study_app
from studybuddy.ui.widgets.spread import link, spread

if TYPE_CHECKING:
    from studybuddy.ui.library import LibraryState

NO_ENTRY_YET = Content.assemble(("Nothing written today yet.", "italic"), " What did you learn?")


def describe_recent(library: LibraryState, lesson_id: str, steps: int) -> str:
    """``The sigmoid and its derivative: step 3``; the id until the library is loaded (or if it is gone)."""
    entry = library.by_id.get(lesson_id)
    return f"{entry.title if entry else lesson_id}: step {steps}"


class Card(Widget):
    """A dashboard card's text: its title in bold, a clickable action at the right end, then the text.

    One widget (not a title label, a text and a button): the dashboard is the first screen painted,
    and each widget on it adds to the time before that first frame.
    """

    def __init__(
        self,
        title: str,
        text: str = "",
        *,
        action: tuple[str, str] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``action``: (label, action string) of the clickable word, e.g. ``(" Write ", "screen.write")``."""
        super().__init__(id=id, classes=classes)
        self.title = title
        self.text = text
        self.action = action

    def show(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.refresh(layout=True)

    def render(self) -> Content:
        title = Content.styled(self.title, "bold $accent")
        if self.action is not None:
            title = spread(title, link(*self.action), self.content_size.width)
        return Content.assemble(title, "\n", self.text) if self.text else title


class DashboardScreen(DashboardPath):
    # Letters are safe here: the dashboard has no text box. Enter writes today's entry, the first
    # thing a learner comes back to do.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,w", "write_diary", "Write today's entry", show=False, id="dashboard.write"),
        Binding("l", "browse", "Browse lessons", show=False, id="dashboard.browse"),
        Binding("n", "open_next_lesson", "Next lesson on the path", show=False, id="dashboard.next_lesson"),
        Binding("r", "review", "Review what is due", show=False, id="dashboard.review"),
    ]

    class Loaded(Message):
        def __init__(self, data: DashboardData) -> None:
            super().__init__()
            self.data = data

    class ReviewsLoaded(Message):
        def __init__(self, counts: ReviewCounts | None, problem: str | None) -> None:
            super().__init__()
            self.counts = counts
            self.problem = problem

    def compose_body(self) -> ComposeResult:
        with Grid(id="dashboard"):
            yield Card("Session", "Loading…", id="card-session", classes="card")
            yield Card("Streak", "Loading…", id="card-streak", classes="card")
            yield Card(
                "Reviews", "Loading…", action=(" Review ", "screen.review"), id="card-reviews", classes="card"
            )
            yield Card(
                "Your path",
                "Loading…",
                action=(" Next ", "screen.open_next_lesson"),
                id="card-path",
                classes="card",
            )
            with Vertical(classes="card", id="card-diary"):
                yield Card("Today's diary", action=(" Write ", "screen.write_diary"))
                yield Static("Loading…", id="diary-excerpt")
            yield Card(
                "Recent lessons",
                "Loading…",
                action=(" Browse ", "screen.browse"),
                id="card-recent",
                classes="card",
            )

    def __init__(self) -> None:
        super().__init__()
        self.data: DashboardData | None = None

    def on_mount(self) -> None:
        study_app(self).after_first_paint(self.load)
        study_app(self).after_first_paint(self.load_reviews)
        self.watch(self.app, "library", lambda _: self._show_recent(), init=False)
        self.path_mounted()

    def on_screen_resume(self) -> None:
        self.path_resumed()
        if self.data is not None:  # back from another section: the diary or the timer may have changed
            self.load()
            self.load_reviews()

    @work(thread=True, exclusive=True, group="dashboard")
    def load(self) -> None:
        app = study_app(self)
        with app.loads.turn():
            data = gather_dashboard(app.context, app.clock.now().date(), pace=app.loads.give_way)
            if data.diary_excerpt is not None:
                # Imported here, in this thread, so mounting the excerpt next does not import on the UI
                # thread (and not at all on a day with nothing written yet).
                from textual.widgets import Markdown  # noqa: F401
        self.post_message(self.Loaded(data))

    async def on_dashboard_screen_loaded(self, message: Loaded) -> None:
        data, before = message.data, self.data
        self.data = data
        for problem in data.problems:
            self.notify(problem, severity="error")
        if data == before:
            return  # nothing changed: no repaint, and no Markdown parse on the UI thread
        self.query_one("#card-session", Card).show(
            data.last_session
            or f"No session yet. Press {key_hint(self, 'timer.toggle')} to start your first hour."
        )
        self.query_one("#card-streak", Card).show(
            f"{data.streak_days} day{'s' if data.streak_days != 1 else ''} in a row\n"
            f"{data.week_minutes} min this week"
        )
        self._show_recent()
        if before is None or data.diary_excerpt != before.diary_excerpt:
            await self._show_excerpt(data.diary_excerpt)

    async def _show_excerpt(self, excerpt: str | None) -> None:
        """Today's entry as Markdown, or an invitation to write it (plain text: no Markdown widget)."""
        shown = self.query_one("#diary-excerpt")
        if excerpt is None and isinstance(shown, Static):
            shown.update(NO_ENTRY_YET)
            return
        card = self.query_one("#card-diary")
        if not card.is_attached:  # the app is closing
            return
        if excerpt is None:
            await shown.remove()
            await card.mount(Static(NO_ENTRY_YET, id="diary-excerpt"))
            return
        from textual.widgets import Markdown

        if isinstance(shown, Markdown):
            await shown.update(excerpt)
        else:
            await shown.remove()
            await card.mount(Markdown(excerpt, id="diary-excerpt"))

    def _show_recent(self) -> None:
        if self.data is None:
            return
        library = study_app(self).library
        lines = [describe_recent(library, lesson_id, steps) for lesson_id, steps in self.data.recent]
        self.query_one("#card-recent", Card).show(
            "\n".join(lines)
            or f"No lesson opened yet. Pick one in Lessons ({key_hint(self, 'mode.lessons')})."
        )

    @work(thread=True, exclusive=True, group="dashboard-reviews")
    def load_reviews(self) -> None:
        """The Reviews card: due today and new waiting (the queue reads the lesson library, so it comes
        after the other cards, on its own)."""
        app = study_app(self)
        with app.loads.turn():
            try:
                counts, problem = gather_review_counts(app.context, pace=app.loads.give_way), None
            except StudybuddyError as error:
                counts, problem = None, f"reviews: {error}"
        self.post_message(self.ReviewsLoaded(counts, problem))

    def on_dashboard_screen_reviews_loaded(self, message: ReviewsLoaded) -> None:
        card = self.query_one("#card-reviews", Card)
        if message.counts is None:
            card.show("Cannot be read now.")
            self.notify(message.problem or "", severity="error", markup=False)
            return
        key = key_hint(self, "dashboard.review")
        counts = message.counts
        more = counts.due_today or counts.new_waiting
        card.show(counts.text() + (f". Press {key} to review." if more else ""))

    def action_review(self) -> None:
        self.app.switch_mode("review")

    def action_write_diary(self) -> None:
        from studybuddy.ui.screens.diary import write_todays_entry

        write_todays_entry(study_app(self))  # today's entry, the cursor in the editor

    def action_browse(self) -> None:
        self.app.switch_mode("lessons")
