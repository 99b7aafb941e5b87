"""A stand-in for the grading service whose lesson answers the test holds and lets go, in the order it
chooses: the way to put a slow answer after a learner's next key, without sleeping.

Its answers name the lesson (``<id>: step 2``, ``<id> holds``), so a test sees at once whose answer a
screen shows. A held call waits in the app's worker thread until the test releases it.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from studybuddy.core.errors import StudybuddyError

PATIENCE = 60.0  # seconds: only a stuck test ever waits this long (and then fails, rather than hangs)


class Gate:
    def __init__(self, fail: str | None) -> None:
        self.fail = fail
        self.reached = threading.Event()
        self.opened = threading.Event()

    async def wait_reached(self) -> None:
        """Until the app's worker thread is waiting here."""
        assert await asyncio.to_thread(self.reached.wait, PATIENCE), "the app never asked"

    def release(self) -> None:
        self.opened.set()


class HeldGrader:
    def __init__(self) -> None:
        self._gates: dict[tuple[str, str], Gate] = {}
        self.asked: list[tuple[str, str]] = []

    def hold(self, kind: str, lesson_id: str, *, fail: str | None = None) -> Gate:
        """Hold the next ``kind`` ("steps", "mark" or "check") request about the lesson; when released it
        answers, or raises StudybuddyError(fail)."""
        gate = self._gates[(kind, lesson_id)] = Gate(fail)
        return gate

    def release_all(self) -> None:
        for gate in self._gates.values():
            gate.release()

    # --- the part of GradingService the lesson screen uses ------------------------------------------

    def start(self) -> None:
        pass

    def close(self) -> None:
        self.release_all()

    def is_ready(self) -> bool:
        return True

    def lesson_steps(self, lesson: Any) -> list[str]:
        self._through("steps", lesson)
        return [f"{lesson.id}: step {number}" for number in range(1, len(lesson.derivation) + 1)]

    def verify_step(self, lesson: Any, index: int) -> dict[str, Any]:
        self._through("mark", lesson)
        return {"mark": "start" if index == 0 else "checked", "message": ""}

    def numeric_check(self, lesson: Any, check_id: str) -> dict[str, Any]:
        self._through("check", lesson)
        return {
            "id": check_id,
            "kind": "example",
            "passed": True,
            "summary": f"{lesson.id} holds",
            "rows": [],
        }

    def _through(self, kind: str, lesson: Any) -> None:
        self.asked.append((kind, lesson.id))
        gate = self._gates.pop((kind, lesson.id), None)
        if gate is None:
            return
        gate.reached.set()
        gate.opened.wait(PATIENCE)
        if gate.fail is not None:
            raise StudybuddyError(gate.fail)
