"""Time left, as the app's timer bar, the shell's countdown and every message say it: never less
than is left (1:56 to go is never "1 min"), and the same words wherever they appear."""

from datetime import UTC, datetime, timedelta

import pytest

from studybuddy.cli.countdown import countdown_line
from studybuddy.core.time_left import clock_text, time_left_text
from studybuddy.core.timer import TimerError, TimerSession
from studybuddy.services.timer import TimerService
from studybuddy.storage.database import Database
from studybuddy.storage.sessions import Owner
from studybuddy.ui.timer_view import TimerView

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "clock", "words"),
    [
        (116, "1:56", "1:56"),  # the case learners saw as "1 min left"
        (115.2, "1:56", "1:56"),  # a fraction of a second still to go rounds up
        (60, "1:00", "1:00"),
        (59.01, "1:00", "1:00"),
        (0.4, "0:01", "0:01"),
        (0, "0:00", "0:00"),
        (-3, "0:00", "0:00"),
        (9 * 60 + 59.5, "10:00", "10:00"),
        (10 * 60, "10:00", "10 min"),
        (10 * 60 + 1, "10:01", "11 min"),  # whole minutes round up too: never fewer than are left
        (42 * 60 + 7, "42:07", "43 min"),
        (3600, "1:00:00", "60 min"),
        (3600 + 61, "1:01:01", "62 min"),
    ],
)
def test_time_left_is_rounded_up_never_down(seconds: float, clock: str, words: str) -> None:
    assert (clock_text(seconds), time_left_text(seconds)) == (clock, words)


@pytest.mark.parametrize("left", [3600, 3599.5, 116, 115.2, 61, 60, 59.9, 0.3, 0])
def test_the_apps_timer_bar_and_the_shells_countdown_say_the_same_time(left: float) -> None:
    now = T0 + timedelta(seconds=3600 - left)
    timer = TimerSession(timedelta(hours=1)).start(T0)
    app = TimerView(state="running", subject="calculus", remaining=timer.remaining(now).total_seconds())

    class Session:  # what countdown_line reads of a SessionView
        subject, state, planned_seconds = "calculus", "running", 3600

        @staticmethod
        def remaining_at(moment: datetime) -> float:
            return timer.remaining(moment).total_seconds()

    assert countdown_line(Session, now).endswith(f"  {app.clock_text} left")  # type: ignore[arg-type]


def test_a_second_start_says_how_long_the_running_session_has_left_rounded_up(tmp_path) -> None:
    class Clock:
        moment = T0

        def now(self) -> datetime:
            return self.moment

    clock = Clock()
    with Database.open(tmp_path / "studybuddy.sqlite3", now=T0) as database:
        app = TimerService(database, clock, owner=Owner(1, "here"), is_alive=lambda pid: True)
        app.start(subject="calculus", minutes=60)
        clock.moment = T0 + timedelta(minutes=58, seconds=4)
        app.heartbeat()
        shell = TimerService(database, clock, owner=Owner(2, "here"), is_alive=lambda pid: True)
        with pytest.raises(TimerError, match="calculus, 1:56 left; stop it first"):
            shell.start(subject="algebra")
