"""The timer state machine: pauses excluded, the planned end, and recovery after a crash."""

from datetime import UTC, datetime, timedelta

import pytest

from studybuddy.core.timer import KeepUntil, TimerError, TimerSession, TimerState

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def running() -> TimerSession:
    return TimerSession(HOUR).start(T0)


def test_a_running_timer_counts_down_from_the_planned_length() -> None:
    timer = running()
    assert timer.elapsed(at(20)) == timedelta(minutes=20)
    assert timer.remaining(at(20)) == timedelta(minutes=40)
    assert timer.progress(at(15)) == 0.25


def test_pauses_do_not_count_as_study_time() -> None:
    timer = running().pause(at(10)).resume(at(25)).pause(at(30))
    assert timer.state is TimerState.PAUSED
    assert timer.elapsed(at(50)) == timedelta(minutes=15)  # 10 before the first pause, 5 after it
    assert timer.resume(at(50)).due_at() == at(60 + 15 + 20)


def test_the_timer_finishes_at_the_moment_the_time_is_up_not_when_noticed() -> None:
    timer = running().pause(at(10)).resume(at(20)).settle(at(95))
    assert timer.state is TimerState.FINISHED
    assert timer.ended_at == at(70)
    assert timer.elapsed(at(500)) == HOUR


def test_stopping_early_keeps_the_time_studied() -> None:
    timer = running().stop(at(42))
    assert timer.state is TimerState.STOPPED
    assert timer.elapsed(at(100)) == timedelta(minutes=42)


def test_stopping_while_paused_ends_the_pause_too() -> None:
    timer = running().pause(at(10)).stop(at(30))
    assert timer.state is TimerState.STOPPED
    assert timer.pauses[-1].end == at(30)
    assert timer.elapsed(at(99)) == timedelta(minutes=10)


def test_stopping_after_the_time_is_up_finishes_instead() -> None:
    assert running().stop(at(61)).state is TimerState.FINISHED


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: TimerSession(HOUR).pause(T0), "has not started"),
        (lambda: running().resume(at(1)), "is running"),
        (lambda: running().pause(at(1)).pause(at(2)), "is paused"),
        (lambda: running().stop(at(5)).stop(at(6)), "already ended"),
        (lambda: running().pause(at(61)), "already ended"),
        (lambda: running().start(at(1)), "already started"),
        (lambda: TimerSession(timedelta(0)).start(T0), "at least a minute"),
    ],
)
def test_actions_that_do_not_fit_the_state_are_refused_with_a_reason(make, message) -> None:
    with pytest.raises(TimerError, match=message):
        make()


def test_recovery_keeps_up_to_the_last_heartbeat() -> None:
    timer = running().recovered(KeepUntil.HEARTBEAT, last_heartbeat=at(23), now=at(300))
    assert timer.state is TimerState.STOPPED
    assert timer.ended_at == at(23)
    assert timer.elapsed(at(300)) == timedelta(minutes=23)


def test_recovery_of_a_paused_session_does_not_count_the_pause() -> None:
    timer = running().pause(at(20)).recovered(KeepUntil.HEARTBEAT, last_heartbeat=at(40), now=at(300))
    assert timer.elapsed(at(300)) == timedelta(minutes=20)


def test_recovery_to_the_planned_end_counts_the_whole_hour() -> None:
    timer = running().pause(at(10)).resume(at(15)).recovered(KeepUntil.PLANNED_END, at(30), now=at(300))
    assert timer.state is TimerState.FINISHED
    assert timer.ended_at == at(65)
    assert timer.elapsed(at(300)) == HOUR


def test_recovery_to_the_planned_end_never_counts_time_that_has_not_happened() -> None:
    timer = running().recovered(KeepUntil.PLANNED_END, last_heartbeat=at(10), now=at(25))
    assert timer.elapsed(at(99)) == timedelta(minutes=25)


def test_a_heartbeat_after_the_planned_end_still_counts_one_hour_ending_on_time() -> None:
    timer = running().recovered(KeepUntil.HEARTBEAT, last_heartbeat=at(80), now=at(90))
    assert (timer.state, timer.ended_at, timer.elapsed(at(90))) == (TimerState.FINISHED, at(60), HOUR)


def test_a_discarded_session_is_closed_and_cannot_be_recovered_again() -> None:
    timer = running().discarded()
    assert timer.state is TimerState.DISCARDED
    with pytest.raises(TimerError):
        timer.recovered(KeepUntil.HEARTBEAT, at(1), at(2))


def test_a_clock_that_steps_backwards_never_gives_negative_time() -> None:
    assert running().elapsed(at(-5)) == timedelta(0)


# ---- resuming an interrupted session -------------------------------------------------------------


def test_a_resumed_session_runs_on_from_where_its_last_heartbeat_left_it() -> None:
    timer = running().resumed_after_interruption(last_heartbeat=at(23), now=at(300))
    assert timer.state is TimerState.RUNNING
    assert timer.elapsed(at(300)) == timedelta(minutes=23)  # the unknown gap is a pause
    assert timer.remaining(at(310)) == timedelta(minutes=27)
    assert timer.due_at() == at(337)


def test_a_session_paused_when_interrupted_resumes_with_its_pause_ending_now() -> None:
    timer = running().pause(at(20)).resumed_after_interruption(last_heartbeat=at(40), now=at(300))
    assert (timer.state, timer.elapsed(at(300)), timer.elapsed(at(305))) == (
        TimerState.RUNNING,
        timedelta(minutes=20),
        timedelta(minutes=25),
    )


def test_a_session_that_ran_its_hour_before_the_interruption_cannot_be_resumed() -> None:
    with pytest.raises(TimerError, match=r"planned length.*keep it"):
        running().resumed_after_interruption(last_heartbeat=at(61), now=at(300))
    with pytest.raises(TimerError, match="cannot resume"):
        running().discarded().resumed_after_interruption(last_heartbeat=at(1), now=at(2))
