"""The first screen: the session and timer, today's diary entry, recent lessons, streak and the week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.widgets import Button, Label, Markdown, Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.services import ServiceMissing, service


@dataclass(frozen=True)
class DashboardData:
    today: date
    last_session: str
    diary_excerpt: str | None
    recent: list[str]
    streak_days: int
    week_minutes: int
    problems: list[str]


def gather_dashboard(app: Any, today: date) -> DashboardData:
    """Runs in a worker thread: every read the dashboard needs, each failure kept as a message."""
    problems: list[str] = []

    def attempt(what: str, call: Any, default: Any) -> Any:
        try:
            return call()
        except ServiceMissing:  # not installed in this build: show the empty state, quietly
            return default
        except StudybuddyError as error:
            problems.append(f"{what}: {error}")
            return default

    last = attempt("sessions", lambda: service(app, "timer").last_session(), None)
    entry = attempt("diary", lambda: service(app, "diary").open_draft(today), None)
    summary = attempt("stats", lambda: service(app, "stats").summary(today), None)
    recent = attempt("lessons", lambda: service(app, "progress").recent_lessons(limit=5), [])
    return DashboardData(
        today=today,
        last_session=describe_session(last),
        diary_excerpt=None if entry is None or not entry.text.strip() else entry.text.strip()[:600],
        recent=[describe_recent(app, item) for item in recent],
        streak_days=getattr(summary, "current_streak", 0),
        week_minutes=getattr(summary, "week_minutes", 0),
        problems=problems,
    )


def describe_recent(app: Any, item: Any) -> str:
    """``The sigmoid and its derivative: step 3`` (the id when the lesson is gone from the library)."""
    try:
        entry = service(app, "lessons").library().find(item.lesson_id)
    except StudybuddyError:
        entry = None
    return f"{entry.title if entry else item.lesson_id}: step {item.steps_revealed}"


def describe_session(session: Any) -> str:
    if session is None:
        return "No session yet. Press F6 to start your first hour."
    minutes = int(session.studied_seconds) // 60
    return f"Last: {session.subject or 'no subject'}, {minutes} min, {session.started_at:%a %d %b %H:%M}"


class DashboardScreen(SectionScreen):
    class Loaded(Message):
        def __init__(self, data: DashboardData) -> None:
            super().__init__()
            self.data = data

    def compose_body(self) -> ComposeResult:
        with Grid(id="dashboard"):
            with Vertical(classes="card", id="card-session"):
                yield Label("Session", classes="card-title")
                yield Static("Loading…", id="session-text")
            with Vertical(classes="card", id="card-streak"):
                yield Label("Streak", classes="card-title")
                yield Static("Loading…", id="streak-text")
            with Vertical(classes="card", id="card-diary"):
                yield Label("Today's diary", classes="card-title")
                yield Markdown("Loading…", id="diary-excerpt")
                yield Button("Write", id="write-diary", compact=True)
            with Vertical(classes="card", id="card-recent"):
                yield Label("Recent lessons", classes="card-title")
                yield Static("Loading…", id="recent-text")
                yield Button("Browse lessons", id="browse", compact=True)

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="dashboard")
    def load(self) -> None:
        app: Any = self.app
        self.post_message(self.Loaded(gather_dashboard(app, app.clock.now().date())))

    def on_dashboard_screen_loaded(self, message: Loaded) -> None:
        data = message.data
        self.query_one("#session-text", Static).update(data.last_session)
        self.query_one("#streak-text", Static).update(
            f"{data.streak_days} day{'s' if data.streak_days != 1 else ''} in a row\n"
            f"{data.week_minutes} min this week"
        )
        self.query_one("#diary-excerpt", Markdown).update(
            data.diary_excerpt or "*Nothing written today yet.* What did you learn?"
        )
        self.query_one("#recent-text", Static).update(
            "\n".join(data.recent) or "No lesson opened yet. Pick one in Lessons (F3)."
        )
        for problem in data.problems:
            self.notify(problem, severity="error")

    @on(Button.Pressed, "#write-diary")
    def write_diary(self) -> None:
        self.app.switch_mode("diary")

    @on(Button.Pressed, "#browse")
    def browse(self) -> None:
        self.app.switch_mode("lessons")
