"""Running lesson checks under a time limit per item, in worker processes that can be killed.

A thread cannot stop a runaway SymPy computation (a cost-bomb expression, a limit SymPy cannot do),
so each lesson is checked in a worker process that reports each item as it starts and ends. When an
item overruns, the worker is killed, the item is reported as timed out, and a fresh worker carries on
with the rest of that lesson. Lessons are checked in parallel, one worker per CPU (at most 4).
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from studybuddy.core.lessons import Lesson
from studybuddy.core.lessons.errors import LessonError

DEFAULT_ITEM_TIMEOUT = 10.0  # seconds; the slowest honest item in the bundled library takes < 2 s
STARTUP_TIMEOUT = 60.0  # a fresh worker imports SymPy and plans the lesson before its first item
PLANNER = "studybuddy.core.lessons.checker:plan_checks"


@dataclass
class LessonReport:
    """The checker's verdict on one lesson file: a load error, or one result per item."""

    source: str
    lesson_id: str | None
    error: LessonError | None = None  # the file did not load
    results: list[Any] = field(default_factory=list)  # ItemResult
    seconds: float = 0.0
    fingerprint: str = ""  # the checked file's (see Lesson.fingerprint)

    @property
    def passed(self) -> bool:
        return self.error is None and all(result.passed for result in self.results)

    @property
    def failures(self) -> list[Any]:
        return [result for result in self.results if not result.passed]


def run_checks(
    lessons: Sequence[Lesson],
    *,
    item_timeout: float = DEFAULT_ITEM_TIMEOUT,
    workers: int | None = None,
    planner: str = PLANNER,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[LessonReport]:
    """Check each lesson in a killable worker; yields reports in the order lessons finish."""
    workers = max(1, min(workers or os.cpu_count() or 1, 4, len(lessons)))
    context = _process_context()
    queue = deque(lessons)
    running: dict[Connection, _Job] = {}
    idle: list[_Worker] = []
    try:
        while queue or running:
            while queue and len(running) < workers:
                worker = idle.pop() if idle else _Worker.start(context, planner)
                job = _Job(queue.popleft(), worker, started=clock())
                job.send()
                running[worker.connection] = job
            deadline = min(job.deadline(item_timeout) for job in running.values())
            for ready in wait(list(running), timeout=max(0.0, deadline - clock())):
                connection = cast(Connection, ready)  # wait() returns what it was given: connections
                job = running[connection]
                if job.receive(clock):
                    del running[connection]
                    idle.append(job.worker)
                    yield job.report(clock)
            for connection, job in list(running.items()):
                if not job.overdue(clock(), item_timeout):
                    continue
                job.worker.kill()
                del running[connection]
                in_item = job.current is not None
                job.record_timeout(item_timeout)
                if not in_item:  # stuck before any item started: nothing left to resume
                    yield job.report(clock)
                    continue
                job.worker = _Worker.start(context, planner)
                job.started = clock()
                job.send()
                running[job.worker.connection] = job
    finally:
        for worker in idle + [job.worker for job in running.values()]:
            worker.kill()


def _process_context() -> multiprocessing.context.BaseContext:
    # forkserver forks each worker from a process with SymPy already imported (fast, and safe in a
    # program with threads); elsewhere spawn is the only safe choice.
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["studybuddy.core.lessons.checker"])
        return context
    return multiprocessing.get_context("spawn")


@dataclass
class _Worker:
    process: Any
    connection: Connection

    @classmethod
    def start(cls, context: Any, planner: str) -> _Worker:
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child, planner), daemon=True, name="studybuddy-check")
        process.start()
        child.close()
        return cls(process, parent)

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()


@dataclass
class _Job:
    lesson: Lesson
    worker: _Worker
    started: float
    current: str | None = None
    item_started: float | None = None
    results: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.began = self.started  # `started` restarts with each fresh worker; this is the whole job

    def send(self) -> None:
        self.current = None
        self.item_started = None
        self.worker.connection.send((self.lesson, {result.key for result in self.results}))

    def deadline(self, item_timeout: float) -> float:
        if self.item_started is None:  # starting up, planning, or between two items
            return self.started + max(STARTUP_TIMEOUT, item_timeout)
        return self.item_started + item_timeout

    def overdue(self, now: float, item_timeout: float) -> bool:
        return now > self.deadline(item_timeout)

    def receive(self, clock: Callable[[], float]) -> bool:
        """Handle one message from the worker; True when the lesson is done."""
        try:
            message = self.worker.connection.recv()
        except (EOFError, OSError):  # the worker died (out of memory, a crash in a C extension)
            message = ("crashed",)
        if message[0] == "start":
            self.current, self.item_started = message[1], clock()
            return False
        if message[0] == "done":
            self.results.append(message[1])
            self.current, self.item_started = None, None
            self.started = clock()
            return False
        if message[0] == "crashed":
            self._fail_current("the checker process stopped unexpectedly while checking this")
        return True

    def record_timeout(self, item_timeout: float) -> None:
        self._fail_current(
            f"took longer than {item_timeout:g} s and was stopped (is an expression too costly?)"
        )

    def _fail_current(self, message: str) -> None:
        from studybuddy.core.lessons.checker import ItemResult

        key = self.current or "lesson"
        self.results.append(ItemResult(key, False, message, self.lesson.location))

    def report(self, clock: Callable[[], float]) -> LessonReport:
        return LessonReport(
            self.lesson.source,
            self.lesson.id,
            results=self.results,
            seconds=clock() - self.began,
            fingerprint=self.lesson.fingerprint,
        )


def _serve(connection: Connection, planner: str) -> None:
    """The worker: check each lesson it is sent, announcing each item before running it."""
    module_name, _, function_name = planner.partition(":")
    plan = getattr(importlib.import_module(module_name), function_name)
    while True:
        try:
            lesson, skip = connection.recv()
        except EOFError:
            return
        for item in plan(lesson):
            if item.key in skip:
                continue
            connection.send(("start", item.key))
            connection.send(("done", item.run()))
        connection.send(("end",))
