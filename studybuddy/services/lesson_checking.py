"""Running lesson checks under a time limit per item, in worker processes that can be killed.

A thread cannot stop a runaway SymPy computation (a cost-bomb expression, a limit SymPy cannot do),
so each lesson is checked in a worker process that reports each item as it starts and ends. Reading
the lesson's symbols and definitions is the first item. When an item overruns the time limit or the
worker's memory cap (services.worker_limits), or the worker dies, the item is reported as such and a
fresh worker carries on with the rest of that lesson. Lessons are checked in parallel: one worker per
CPU, at most 4, and no more than half the machine's memory holds at the workers' cap. Workers exit
when this process ends, however it ends.
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
from studybuddy.services.worker_limits import (
    Lifeline,
    exit_with_parent,
    limit_memory,
    memory_text,
    worker_environment,
    workers_within_memory,
)

DEFAULT_ITEM_TIMEOUT = 10.0  # seconds; the slowest honest item in the bundled library takes < 2 s
STARTUP_TIMEOUT = 60.0  # a fresh worker imports SymPy before it reads its first lesson
PLANNER = "studybuddy.core.lessons.checker:plan_checks"
READING = "symbols"  # the first item: the lesson's symbols and definitions read (the planner runs)
MAX_WORKERS = 4


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
    workers = worker_count(workers, len(lessons))
    context = _process_context()
    queue = deque(lessons)
    running: dict[Connection, _Job] = {}
    idle: list[_Worker] = []

    def carry_on(job: _Job) -> LessonReport | None:
        """After the job's worker was lost on an item: a fresh worker for the rest of the lesson, or the
        report when nothing is left to resume (it was lost before its first item, or reading the lesson)."""
        job.worker.kill()
        if not job.resumable:
            return job.report(clock)
        job.worker = _Worker.start(context, planner)
        job.started = clock()
        job.send()
        running[job.worker.connection] = job
        return None

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
                state = job.receive(clock)
                if state == "busy":
                    continue
                del running[connection]
                if state == "done":
                    idle.append(job.worker)
                    yield job.report(clock)
                elif (report := carry_on(job)) is not None:  # "lost": out of memory, or it died
                    yield report
            for connection, job in list(running.items()):
                if not job.overdue(clock(), item_timeout):
                    continue
                del running[connection]
                job.record_timeout(item_timeout)
                if (report := carry_on(job)) is not None:
                    yield report
    finally:
        for worker in idle + [job.worker for job in running.values()]:
            worker.kill()


def worker_count(requested: int | None, lessons: int, *, memory: int | None = None) -> int:
    """Workers for ``lessons`` lessons: as requested, else one per CPU; at most MAX_WORKERS, and at most
    as many as fit in half of ``memory`` (the machine's) at each worker's memory cap."""
    wanted = max(1, min(requested or os.cpu_count() or 1, MAX_WORKERS, lessons))
    return workers_within_memory(wanted, total_memory=memory)


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
    lifeline: Lifeline

    @classmethod
    def start(cls, context: Any, planner: str) -> _Worker:
        parent, child = context.Pipe()
        lifeline = Lifeline(context)
        process = context.Process(
            target=_serve, args=(child, lifeline.child, planner), daemon=True, name="studybuddy-check"
        )
        with worker_environment():  # the forkserver, started with the first worker, inherits it
            process.start()
        child.close()
        lifeline.started()
        return cls(process, parent, lifeline)

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()
        self.lifeline.close()


@dataclass
class _Job:
    lesson: Lesson
    worker: _Worker
    started: float
    current: str | None = None
    item_started: float | None = None
    results: list[Any] = field(default_factory=list)
    resumable: bool = False  # after a lost worker: whether a fresh one may carry on with the rest

    def __post_init__(self) -> None:
        self.began = self.started  # `started` restarts with each fresh worker; this is the whole job

    def send(self) -> None:
        self.current = None
        self.item_started = None
        self.worker.connection.send((self.lesson, {result.key for result in self.results}))

    def deadline(self, item_timeout: float) -> float:
        if self.item_started is None:  # starting up, or between two items
            return self.started + max(STARTUP_TIMEOUT, item_timeout)
        return self.item_started + item_timeout

    def overdue(self, now: float, item_timeout: float) -> bool:
        return now > self.deadline(item_timeout)

    def receive(self, clock: Callable[[], float]) -> str:
        """Handle one message from the worker: "busy", "done" (the lesson is checked) or "lost" (the
        worker exited on the current item, which is now failed)."""
        try:
            message = self.worker.connection.recv()
        except (EOFError, OSError):  # the worker died (killed by the system, a crash in a C extension)
            message = ("crashed",)
        if message[0] == "start":
            self.current, self.item_started = message[1], clock()
            return "busy"
        if message[0] == "done":
            self.results.append(message[1])
            self.current, self.item_started = None, None
            self.started = clock()
            return "busy"
        if message[0] == "end":
            return "done"
        if message[0] == "memory":
            if self.current == READING:
                self._fail(
                    "too much memory: reading the symbols and definitions needed more than "
                    f"{message[1]} (is a definition too costly?)"
                )
            else:
                self._fail(
                    f"too much memory: needed more than {message[1]} and was stopped "
                    "(is an expression too costly?)"
                )
            return "lost"
        self.worker.process.join(1)
        self._fail(f"the checker process stopped unexpectedly while checking this ({_exit(self.worker)})")
        return "lost"

    def record_timeout(self, item_timeout: float) -> None:
        if self.current is None:
            self._fail(f"the checker process did not answer within {max(STARTUP_TIMEOUT, item_timeout):g} s")
        elif self.current == READING:
            self._fail(
                f"reading the symbols and definitions took longer than {item_timeout:g} s and was stopped "
                "(is a definition too costly?)"
            )
        else:
            self._fail(f"took longer than {item_timeout:g} s and was stopped (is an expression too costly?)")

    def _fail(self, message: str) -> None:
        """Fail the item the worker was on; a fresh worker may resume after an item, not before the
        first one or while the lesson is being read (it would only stop there again)."""
        from studybuddy.core.lessons.checker import ItemResult

        key = self.current or "lesson"
        self.resumable = self.current not in (None, READING)
        self.results.append(ItemResult(key, False, message, self.lesson.location))

    def report(self, clock: Callable[[], float]) -> LessonReport:
        return LessonReport(
            self.lesson.source,
            self.lesson.id,
            results=self.results,
            seconds=clock() - self.began,
            fingerprint=self.lesson.fingerprint,
        )


def _exit(worker: _Worker) -> str:
    code = worker.process.exitcode
    if code is None:
        return "it stopped answering"
    return f"killed by signal {-code}" if code < 0 else f"exit code {code}"


def _serve(connection: Connection, lifeline: Connection, planner: str) -> None:
    """The worker: check each lesson it is sent, announcing each item before running it (reading the
    lesson, which runs the planner, first). Over its memory cap it says so and exits."""
    exit_with_parent(lifeline)
    module_name, _, function_name = planner.partition(":")
    plan = getattr(importlib.import_module(module_name), function_name)
    cap = limit_memory()  # after the imports: they are not the work being capped
    while True:
        try:
            lesson, skip = connection.recv()
        except (EOFError, OSError):
            return
        try:
            connection.send(("start", READING))
            for item in plan(lesson):
                if item.key in skip:
                    continue
                connection.send(("start", item.key))
                connection.send(("done", item.run()))
        except MemoryError:
            connection.send(("memory", memory_text(cap) if cap else "the memory this machine has"))
            return  # a fresh worker, with nothing half-built in its heap, carries on
        connection.send(("end",))
