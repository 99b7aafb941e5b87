"""The app's start-up loads give way to the learner's keys, for a moment, never for good."""

from __future__ import annotations

import threading

from studybuddy.ui.background_loads import LONGEST_PAUSE, QUIET_SECONDS, BackgroundLoads

PATIENCE = 60.0  # seconds: only a broken test ever waits this long (and then fails, rather than hangs)


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


def test_a_load_goes_straight_on_when_no_key_was_pressed() -> None:
    time = FakeTime()
    loads = BackgroundLoads(time.clock, time.sleep)
    loads.give_way()
    assert time.slept == 0


def test_a_load_waits_until_input_has_been_quiet_for_a_moment() -> None:
    time = FakeTime()
    loads = BackgroundLoads(time.clock, time.sleep)
    loads.input_arrived()
    time.now += 0.03  # the load reaches its next step 30 ms after the key
    loads.give_way()
    assert abs(time.slept - (QUIET_SECONDS - 0.03)) < 1e-9


def test_fast_typing_cannot_hold_a_load_back_for_good() -> None:
    time = FakeTime()
    loads = BackgroundLoads(time.clock, time.sleep)

    def typing_sleep(seconds: float) -> None:  # a key arrives during every pause
        time.sleep(seconds)
        loads.input_arrived()

    loads._sleep = typing_sleep
    loads.input_arrived()
    loads.give_way()
    assert abs(time.slept - LONGEST_PAUSE) < 0.011


class WatchedLock:
    """A lock that says when someone has asked for it, so a test knows a thread is waiting on it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.asked = threading.Semaphore(0)

    def __enter__(self) -> None:
        self.asked.release()
        self.lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def test_a_load_waits_for_the_one_before_it_to_end() -> None:
    loads = BackgroundLoads()
    lock = loads._one_at_a_time = WatchedLock()  # type: ignore[assignment]
    events: list[str] = []

    def second() -> None:
        with loads.turn():
            events.append("second load")

    with loads.turn():  # the first load is running
        assert lock.asked.acquire(timeout=PATIENCE)  # the first load's own turn
        waiting = threading.Thread(target=second)
        waiting.start()
        # The second load has asked for its turn while the first holds it...
        assert lock.asked.acquire(timeout=PATIENCE), "the second load never asked for its turn"
        events.append("first load ends")
    waiting.join(timeout=PATIENCE)
    # ...but it starts only once the first has ended.
    assert events == ["first load ends", "second load"]
