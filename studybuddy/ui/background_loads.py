"""The app's start-up loads (the dashboard's data, the lesson library, the grading worker): one at a
time, and giving way to the learner's keys.

They run in threads of the UI's own process, so they share its interpreter lock: three loads at once
took two thirds of the UI thread's turns, and a key pressed during them waited for its frame. So the
loads take turns, and between their steps (each service, each lesson file) they pause while input
has just arrived, until the UI has had a quiet moment to handle it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

QUIET_SECONDS = 0.1
"""How long after a key press or click the loads stay paused: a key's frame takes a few tens of ms."""

LONGEST_PAUSE = 0.5
"""A load never waits longer than this at one step, so fast typing cannot hold it back for good."""


class BackgroundLoads:
    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._quiet_from = 0.0
        self._one_at_a_time = threading.Lock()

    def input_arrived(self) -> None:
        """Called on the UI thread for every key press and click."""
        self._quiet_from = self._clock() + QUIET_SECONDS

    def give_way(self) -> None:
        """Called by a load between its steps: returns once input has been quiet for a moment."""
        give_up = self._clock() + LONGEST_PAUSE
        while True:
            now = self._clock()
            wait = min(self._quiet_from, give_up) - now
            if wait <= 0:
                return
            self._sleep(min(wait, 0.01))

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Held for the whole of one load: the next starts when this one ends."""
        with self._one_at_a_time:
            self.give_way()
            yield
