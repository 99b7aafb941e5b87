"""TimerService, StatsService and ProgressService over a real database file and a fake clock.

"Another process" is a second service on the same file with another owner: exactly what a second
shell running `studybuddy timer pause` is.
"""

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from studybuddy.core.stats import Window
from studybuddy.core.timer import TimerError
from studybuddy.services.progress import ProgressService
from studybuddy.services.stats import StatsService
from studybuddy.services.timer import STALE_AFTER, InterruptedSessionError, TimerService
from studybuddy.storage.database import Database
from studybuddy.storage.sessions import Owner

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
OWNER, OTHER_SHELL = Owner(1001, "laptop"), Owner(1002, "laptop")


@dataclass
class FakeClock:
    moment: datetime = T0

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def database(tmp_path: Path):
    with Database.open(tmp_path / "studybuddy.sqlite3", now=T0) as database:
        yield database


def service(database: Database, clock: FakeClock, owner: Owner = OWNER, alive=(1001, 1002)) -> TimerService:
    return TimerService(
        database,
        clock,
        default_minutes=50,
        rotation=("linear algebra", "calculus"),
        owner=owner,
        is_alive=lambda pid: pid in alive,
    )


def test_start_commits_the_session_before_returning(database: Database, clock: FakeClock) -> None:
    session = service(database, clock).start(subject="calculus")
    with sqlite3.connect(database.path) as other:  # what any other process sees right now
        row = other.execute("SELECT subject, state, planned_seconds FROM sessions").fetchone()
    assert row == ("calculus", "running", 50 * 60)
    assert session.remaining_seconds == 50 * 60


@pytest.mark.parametrize(("subject", "minutes", "message"), [(" ", 60, "subject"), ("x", 0, "1 to 1440")])
def test_a_session_needs_a_subject_and_a_sane_length(database, clock, subject, minutes, message) -> None:
    with pytest.raises(TimerError, match=message):
        service(database, clock).start(subject=subject, minutes=minutes)


def test_only_one_session_runs_at_a_time(database: Database, clock: FakeClock) -> None:
    service(database, clock).start(subject="calculus")
    with pytest.raises(TimerError, match="already running: calculus, 50 min left"):
        service(database, clock, OTHER_SHELL).start(subject="algebra")


def test_pause_resume_and_stop_from_another_shell_reach_the_owner(
    database: Database, clock: FakeClock
) -> None:
    owner, other = service(database, clock), service(database, clock, OTHER_SHELL)
    session = owner.start(subject="calculus", minutes=60)

    def run_owner_for(minutes: int) -> None:  # the countdown's heartbeat, every 5 s
        for _ in range(minutes * 12):
            clock.advance(seconds=5)
            owner.heartbeat(session.id)

    run_owner_for(10)
    other.pause()
    run_owner_for(5)
    beat = owner.heartbeat(session.id)
    assert beat is not None and beat.state == "paused" and beat.studied_seconds == 600
    other.resume()
    run_owner_for(20)
    stopped = other.stop()
    assert (stopped.state, stopped.studied_seconds) == ("stopped", 30 * 60)
    assert owner.heartbeat(session.id).state == "stopped"  # type: ignore[union-attr]


def test_the_heartbeat_finishes_the_session_at_its_planned_end(database: Database, clock: FakeClock) -> None:
    timer = service(database, clock)
    session = timer.start(subject="calculus", minutes=60)
    clock.advance(minutes=61)
    ended = timer.heartbeat(session.id)
    assert ended is not None and ended.state == "finished"
    assert ended.ended_at == T0 + timedelta(hours=1) and ended.studied_seconds == 3600


def test_a_session_whose_owner_died_is_interrupted_at_once(database: Database, clock: FakeClock) -> None:
    service(database, clock, alive=()).start(subject="calculus")
    clock.advance(seconds=1)
    survivor = service(database, clock, OTHER_SHELL, alive=(1002,))
    assert [view.subject for view in survivor.interrupted()] == ["calculus"]
    assert survivor.status().session is None


def test_a_silent_owner_on_another_host_counts_as_interrupted_only_once_its_heartbeat_is_stale(
    database: Database, clock: FakeClock
) -> None:
    service(database, clock, Owner(7, "desktop")).start(subject="calculus")
    here = service(database, clock)
    clock.advance(seconds=STALE_AFTER.total_seconds())
    assert here.interrupted() == [] and here.status().state == "running"
    clock.advance(seconds=1)
    assert len(here.interrupted()) == 1


def test_an_interrupted_session_blocks_a_new_start_until_kept_or_discarded(database, clock) -> None:
    dead = service(database, clock, alive=())
    session = dead.start(subject="calculus", minutes=60)
    clock.advance(minutes=23)
    dead.heartbeat(session.id)
    clock.advance(hours=3)
    survivor = service(database, clock, OTHER_SHELL, alive=(1002,))
    with pytest.raises(InterruptedSessionError) as raised:
        survivor.start(subject="algebra")
    assert raised.value.sessions[0].studied_seconds == 23 * 60
    kept = survivor.recover(session.id, "heartbeat")
    assert (kept.state, kept.studied_seconds) == ("stopped", 23 * 60)
    assert survivor.start(subject="algebra").state == "running"


def test_recovery_to_the_planned_end_counts_the_whole_session(database, clock) -> None:
    session = service(database, clock, alive=()).start(subject="calculus", minutes=60)
    clock.advance(hours=2)
    kept = service(database, clock, OTHER_SHELL).recover(session.id, "planned_end")
    assert (kept.state, kept.studied_seconds) == ("finished", 3600)


def test_a_discarded_session_stays_on_record_but_never_counts(database, clock) -> None:
    dead = service(database, clock, alive=())
    session = dead.start(subject="calculus", minutes=60)
    clock.advance(minutes=30)
    dead.heartbeat(session.id)
    survivor = service(database, clock, OTHER_SHELL, alive=(1002,))
    assert survivor.discard(session.id).state == "discarded"
    assert StatsService(database, clock).minutes_by_day(T0.date(), T0.date()) == {}
    with pytest.raises(TimerError, match="already ended"):
        survivor.recover(session.id, "heartbeat")


def test_a_live_session_cannot_be_recovered_by_mistake(database: Database, clock: FakeClock) -> None:
    session = service(database, clock).start(subject="calculus")
    with pytest.raises(TimerError, match="still live"):
        service(database, clock, OTHER_SHELL).recover(session.id, "heartbeat")


def test_logged_time_lands_on_its_day(database: Database, clock: FakeClock) -> None:
    timer = service(database, clock)
    logged = timer.log(subject="calculus", minutes=45, day=date(2025, 7, 4))
    assert (logged.state, logged.day, logged.studied_seconds) == ("finished", date(2025, 7, 4), 2700)
    with pytest.raises(TimerError, match="future"):
        timer.log(subject="calculus", minutes=45, day=date(2025, 7, 7))


def test_the_next_subject_follows_the_last_session_in_the_rotation(database, clock) -> None:
    timer = service(database, clock)
    assert timer.suggest_subject() == "linear algebra"
    timer.log(subject="linear algebra", minutes=60)
    assert timer.suggest_subject() == "calculus"


def test_stats_count_minutes_per_day_and_subject_with_the_streak(database, clock) -> None:
    timer = service(database, clock)
    for days_ago, subject, minutes in (
        (0, "calculus", 60),
        (1, "calculus", 30),
        (1, "algebra", 45),
        (3, "x", 5),
    ):
        timer.log(subject=subject, minutes=minutes, day=T0.date() - timedelta(days=days_ago))
    stats = StatsService(database, clock)
    report = stats.report(Window.WEEK)
    assert report.minutes_by_day[T0.date()] == 60 and report.minutes_by_day[date(2025, 7, 5)] == 75
    assert len(report.minutes_by_day) == 7 and report.total_minutes == 140
    assert list(report.minutes_by_subject.items()) == [("calculus", 90), ("algebra", 45), ("x", 5)]
    assert (report.streaks.current, report.streaks.longest) == (2, 2)
    assert stats.minutes_by_day(date(2025, 7, 1), date(2025, 7, 5)) == {
        date(2025, 7, 3): 5,
        date(2025, 7, 5): 75,
    }
    summary = stats.summary()
    assert (summary.today_minutes, summary.week_minutes, summary.current_streak) == (60, 140, 2)
    assert report.to_json()["heatmap"]["levels"][6][-1] == 3  # Sunday the 6th: an hour


def test_a_running_session_counts_in_stats_up_to_its_last_heartbeat(database, clock) -> None:
    timer = service(database, clock)
    session = timer.start(subject="calculus")
    clock.advance(minutes=20)
    timer.heartbeat(session.id)
    assert StatsService(database, clock).minutes_by_day(T0.date(), T0.date()) == {T0.date(): 20}


def test_attempts_count_in_the_live_session_and_feed_mastery(database, clock) -> None:
    timer = service(database, clock)
    session = timer.start(subject="ml")
    progress = ProgressService(database, clock, timer)
    progress.lesson_opened("sigmoid", steps_revealed=2)
    for answer, correct in (("s*(1+s)", False), ("s*(1-s)", True)):
        clock.advance(seconds=30)
        progress.record_attempt(
            lesson_id="sigmoid", exercise_id="e1", answer=answer, correct=correct, verdict="graded"
        )
    assert timer.session(session.id).exercises_tried == 2
    assert timer.session(session.id).exercises_right == 1
    mastery = StatsService(database, clock).mastery()["sigmoid"]
    assert (mastery.right_attempts, mastery.exercises_mastered) == (1, 0), "right today: not yet mastered"
    assert [item.lesson_id for item in progress.recent_lessons()] == ["sigmoid"]


# ---- a session is a row, not a process: what happens when the process showing it exits -----------------


def run_for(timer: TimerService, clock: FakeClock, minutes: int) -> None:
    """The countdown's heartbeat, every 5 s for ``minutes`` of clock time."""
    for _ in range(minutes * 12):
        clock.advance(seconds=5)
        timer.heartbeat()


def test_a_session_let_go_of_at_exit_keeps_running_for_every_other_process(database, clock) -> None:
    app = service(database, clock)
    app.start(subject="calculus", minutes=60)
    run_for(app, clock, 10)
    released = app.release()
    assert released is not None and released.owner_pid is None and released.studied_seconds == 600
    clock.advance(minutes=5)
    shell = service(database, clock, OTHER_SHELL, alive=(1002,))  # the app's process is gone
    status = shell.status()
    assert status.interrupted == ()
    assert (status.state, status.session.studied_seconds) == ("running", 15 * 60)  # type: ignore[union-attr]
    with pytest.raises(TimerError, match="already running: calculus, 45 min left"):
        shell.start(subject="algebra")
    assert shell.pause().studied_seconds == 15 * 60  # any shell acts on it
    clock.advance(minutes=30)
    assert (shell.status().state, shell.status().session.studied_seconds) == ("paused", 15 * 60)  # type: ignore[union-attr]


def test_a_paused_session_let_go_of_stays_paused_with_its_time(database, clock) -> None:
    app = service(database, clock)
    app.start(subject="calculus", minutes=60)
    run_for(app, clock, 10)
    app.pause()
    run_for(app, clock, 3)
    app.release()
    clock.advance(hours=5)
    status = service(database, clock, OTHER_SHELL, alive=(1002,)).status()
    assert (status.state, status.session.studied_seconds) == ("paused", 600)  # type: ignore[union-attr]


def test_a_session_that_runs_out_while_nobody_holds_it_ends_at_its_planned_end(database, clock) -> None:
    app = service(database, clock)
    app.start(subject="calculus", minutes=60)
    run_for(app, clock, 10)
    app.release()
    clock.advance(hours=3)
    shell = service(database, clock, OTHER_SHELL, alive=(1002,))
    last = shell.last_session()  # shown as it stands before anything stores the end
    assert last is not None and (last.state, last.studied_seconds) == ("finished", 3600)
    assert last.ended_at == T0 + timedelta(hours=1)
    assert shell.status().state == "idle" and shell.interrupted() == []
    with database.read() as conn:  # stored so, for stats and for the next start
        assert conn.execute("SELECT state, studied_seconds FROM sessions").fetchall() == [("finished", 3600)]
    assert StatsService(database, clock).minutes_by_day(T0.date(), T0.date()) == {T0.date(): 60}
    shell.start(subject="algebra", minutes=30)
    clock.advance(minutes=10)
    assert (shell.pause().subject, shell.status().state) == ("algebra", "paused")


def test_a_new_start_first_ends_a_session_that_ran_out_unseen(database, clock) -> None:
    app = service(database, clock)
    app.start(subject="calculus", minutes=60)
    app.release()
    clock.advance(hours=2)
    service(database, clock, OTHER_SHELL, alive=(1002,)).start(subject="algebra", minutes=30)
    with database.read() as conn:
        stored = conn.execute("SELECT subject, state, studied_seconds FROM sessions ORDER BY id").fetchall()
    assert stored == [("calculus", "finished", 3600), ("algebra", "running", 0)]


def test_pausing_a_session_that_ran_out_unseen_says_nothing_is_running(database, clock) -> None:
    app = service(database, clock)
    app.start(subject="calculus", minutes=60)
    app.release()
    clock.advance(hours=2)
    with pytest.raises(TimerError, match="no session is running"):
        service(database, clock, OTHER_SHELL, alive=(1002,)).pause()


def test_a_reopened_app_takes_hold_so_a_kill_then_loses_at_most_a_heartbeat(database, clock) -> None:
    first = service(database, clock, alive=(1002,))
    session = first.start(subject="calculus", minutes=60)
    run_for(first, clock, 10)
    first.release()
    clock.advance(minutes=5)
    reopened = service(database, clock, OTHER_SHELL, alive=(1002,))
    assert reopened.heartbeat() is not None  # its first tick
    run_for(reopened, clock, 2)
    clock.advance(seconds=4)  # SIGKILL, between two heartbeats
    later = service(database, clock, Owner(1003, "laptop"), alive=(1003,))
    [stuck] = later.interrupted()
    assert (stuck.id, stuck.studied_seconds) == (session.id, 17 * 60)
    kept = later.recover(session.id, "heartbeat")
    assert (kept.state, kept.studied_seconds) == ("stopped", 17 * 60)


def test_a_process_lets_go_only_of_the_session_it_holds(database, clock) -> None:
    first, second = service(database, clock), service(database, clock, OTHER_SHELL)
    first.start(subject="calculus", minutes=60)
    clock.advance(seconds=5)
    second.heartbeat()  # a second app shows it too, and holds it now
    assert first.release() is None
    assert service(database, clock, Owner(1003, "laptop")).status().session.owner_pid == 1002  # type: ignore[union-attr]
    assert second.release() is not None and first.release() is None


def test_an_interrupted_session_can_be_resumed_and_the_resumer_holds_it(database, clock) -> None:
    dead = service(database, clock, alive=())
    session = dead.start(subject="calculus", minutes=60)
    clock.advance(minutes=23)
    dead.heartbeat(session.id)
    clock.advance(hours=3)
    survivor = service(database, clock, OTHER_SHELL, alive=(1002,))
    resumed = survivor.resume_interrupted(session.id)
    assert (resumed.state, resumed.studied_seconds, resumed.remaining_seconds) == (
        "running",
        23 * 60,
        37 * 60,
    )
    assert resumed.owner_pid == 1002 and survivor.interrupted() == []
    clock.advance(minutes=7)
    assert survivor.status().session.studied_seconds == 30 * 60  # type: ignore[union-attr]
    with pytest.raises(TimerError, match="already running: calculus, 30 min left"):
        survivor.start(subject="algebra")


def test_a_session_resumed_from_a_one_shot_command_is_held_by_nobody_and_counts_on(database, clock) -> None:
    dead = service(database, clock, alive=())
    session = dead.start(subject="calculus", minutes=60)
    clock.advance(minutes=10)
    dead.heartbeat(session.id)
    clock.advance(hours=1)
    shell = service(database, clock, OTHER_SHELL, alive=())  # `timer recover resume`, then it exits
    assert shell.recover(session.id, "resume").owner_pid is None
    clock.advance(minutes=5)
    later = service(database, clock, Owner(1003, "laptop"), alive=())
    status = later.status()
    assert status.interrupted == () and status.session.studied_seconds == 15 * 60  # type: ignore[union-attr]


def test_resuming_is_refused_while_another_session_is_live(database, clock) -> None:
    dead = service(database, clock, alive=())
    session = dead.start(subject="calculus", minutes=60)
    clock.advance(minutes=1)
    other = service(database, clock, Owner(7, "desktop"))  # on another host, a session already runs
    database_rows = sqlite3.connect(database.path)
    database_rows.execute("UPDATE sessions SET state = 'stopped' WHERE id = ?", (session.id,))
    database_rows.commit()
    other.start(subject="algebra")
    database_rows.execute("UPDATE sessions SET state = 'running' WHERE id = ?", (session.id,))
    database_rows.commit()
    database_rows.close()
    survivor = service(database, clock, OTHER_SHELL, alive=(1002,))
    with pytest.raises(TimerError, match="cannot resume the session of calculus: algebra is running"):
        survivor.resume_interrupted(session.id)


def test_without_a_rotation_the_next_subject_is_the_recent_one_waiting_longest(database, clock) -> None:
    timer = TimerService(database, clock, owner=OWNER, is_alive=lambda pid: True)
    assert (timer.subject_choice().last, timer.subject_choice().next) == (None, None)
    for subject in ("probability", "linear algebra", "calculus"):
        timer.log(subject=subject, minutes=30)
        clock.advance(hours=1)
    choice = timer.subject_choice()
    assert (choice.last, choice.next, choice.from_history) == ("calculus", "probability", True)
    assert timer.suggest_subject(after="probability") == "linear algebra"
    clock.advance(days=15)  # a subject left for more than two weeks is out of the rotation
    assert (timer.subject_choice().last, timer.subject_choice().next) == ("calculus", None)
