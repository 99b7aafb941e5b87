"""One writer thread for the app's database and file writes: calls keep their order, keys never wait.

Timer actions and heartbeats, diary saves and lesson progress all go through here. Each call is an
async Textual worker awaiting the thread, so the app (and a test) can wait for it like any other worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from textual.app import App
from textual.worker import Worker

from studybuddy.core.errors import StudybuddyError

T = TypeVar("T")


class BackgroundIO:
    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="studybuddy-io")

    def run(
        self,
        call: Callable[[], T],
        then: Callable[[T], None] | None = None,
        *,
        failed: Callable[[StudybuddyError], None] | None = None,
        group: str = "io",
    ) -> Worker[None]:
        """``call()`` on the writer thread, then ``then(result)`` (or ``failed(error)``) on the UI thread;
        the app's worker that waits for it."""

        async def job() -> None:
            loop = asyncio.get_running_loop()
            try:
                result = await loop.run_in_executor(self._writer, call)
            except StudybuddyError as error:
                if failed is None:
                    self.app.notify(str(error), severity="error")
                else:
                    failed(error)
                return
            if then is not None:
                then(result)

        return self.app.run_worker(job, group=group, name=f"{group}-call")

    def run_now(self, call: Callable[[], T]) -> T:
        """``call()`` after the queued writes, waiting for it here: for the app's exit, and for the diary
        before ``$EDITOR`` opens the file. Once the writer is closed, it simply runs on this thread."""
        try:
            future = self._writer.submit(call)
        except RuntimeError:  # closed: the app is going away
            return call()
        return future.result()

    def close(self) -> None:
        """Finish the queued writes (at exit)."""
        self._writer.shutdown(wait=True)
