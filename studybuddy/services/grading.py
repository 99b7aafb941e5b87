"""Grading in a worker process that can be killed: nothing a learner types can freeze the caller.

A thread cannot stop a runaway SymPy computation, so answers are graded in a separate process. The
caller blocks at most ``timeout`` seconds (plus a small margin) per request; a worker that overruns is
killed, the caller gets an ``unknown`` verdict, and a fresh worker is started in the background. The
worker's memory is capped too (services.worker_limits): an answer that needs more gets an ``unknown``
verdict saying "too much memory", and the worker is replaced. The worker exits when this process ends,
however it ends.

``start()`` returns at once (the TUI calls it after first paint); the worker imports SymPy on its own.
The parent process never imports SymPy for a grade that comes back as a plain verdict.

A one-shot command (`equiv`, `derive`) would pay for SymPy and NumPy twice that way: once in a spawned
worker and again wherever it reads its input. With ``one_shot=True`` it imports the math engine once,
in its own process, and *forks* the worker from it (where forking is safe: Linux, and no other thread
in the process): the same killable, memory-capped process under the same time limit, started in
milliseconds, and a worker replaced after an overrun starts as fast.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from studybuddy.core.errors import StudybuddyError
from studybuddy.core.grading.terms import GradingTerms, comparison_terms, exercise_terms
from studybuddy.services.worker_limits import (
    Lifeline,
    exit_with_parent,
    limit_memory,
    memory_text,
    worker_environment,
)

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from studybuddy.core.grading.verdict import ListedMistake, Verdict
    from studybuddy.core.lessons.model import Exercise, Lesson
    from studybuddy.services.context import StudyContext

DEFAULT_TIMEOUT = 2.0
MARGIN = 0.25  # seconds on top of the time limit for the pipe and the kill
STARTUP_LIMIT = 60.0  # a cold worker imports SymPy; this bounds a broken installation, not a grade
PROOF_SHARE = 0.25  # the symbolic proof may use this share of the limit before the numeric verdict stands


@dataclass(frozen=True)
class _Request:
    """Grade ``answer`` against ``terms`` (plain data: no SymPy in the parent)."""

    answer: str
    terms: GradingTerms
    seed: int = 0


@dataclass(frozen=True)
class _AnswerPreview:
    """What the answer box shows for ``text``, read as a grade of ``terms`` would read it."""

    text: str
    terms: GradingTerms

    def run(self) -> dict[str, Any]:  # in the worker process
        from studybuddy.core.grading.grader import answer_preview

        try:
            return {"math": answer_preview(self.text, self.terms)}
        except (RecursionError, ValueError, TypeError, ArithmeticError) as error:
            return {"math_error": f"SymPy failed on this ({type(error).__name__}: {error})"}


@dataclass(frozen=True)
class _MathRequest:
    """One of the TUI's requests (a preview, a lesson's steps, a step mark, a numeric check)."""

    kind: str  # a name in studybuddy.services.math_requests.HANDLERS
    args: tuple[Any, ...]  # plain data or a Lesson (it pickles without its parsed math)

    def run(self) -> dict[str, Any]:  # in the worker process
        from studybuddy.services.math_requests import answer

        return answer(self.kind, self.args)


@dataclass(frozen=True)
class _DerivationLine:
    """Mark line ``index`` of a derivation (core.derivation.model.Derivation: plain data). The worker
    keeps its reading of the lines above, so the next line of the same derivation reads only itself."""

    derivation: Any
    index: int

    def run(self, proof_guard: Any) -> dict[str, Any]:  # in the worker process
        from studybuddy.core.derivation.engine import mark_line

        try:
            mark = mark_line(self.derivation, self.index, proof_guard=proof_guard)
        except (RecursionError, ValueError, TypeError, ArithmeticError) as error:
            return {"math_error": f"SymPy failed on this line ({type(error).__name__}: {error})"}
        return {"math": None if mark is None else mark.to_dict()}


class MathStopped(StudybuddyError):
    """The worker was stopped on a request (a time or memory limit, or it crashed) and replaced.

    The message is what a preview, step or check shows; ``detail`` is what a grade's verdict says."""

    strength = "stopped"

    def verdict(self, ms: float) -> dict[str, Any]:
        """What a grade says instead of a verdict (in Verdict.to_dict's form)."""
        return {"verdict": "unknown", "strength": self.strength, "detail": self.detail, "ms": ms}

    @property
    def detail(self) -> str:
        return f"Could not decide: {self}."


class MathTimeout(MathStopped):
    """The worker overran the time limit (it was replaced)."""

    strength = "time limit"

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the math engine took longer than {seconds:g} s and was restarted")
        self.seconds = seconds

    @property
    def detail(self) -> str:
        return f"Could not decide within {self.seconds:g} s; try a simpler form of the answer."


class MathOutOfMemory(MathStopped):
    """The worker needed more memory than its cap allows (it was replaced)."""

    strength = "memory limit"

    def __init__(self, limit: str) -> None:
        super().__init__(f"too much memory: the math engine needed more than {limit} and was restarted")
        self.limit = limit

    @property
    def detail(self) -> str:
        return f"Too much memory: this needed more than {self.limit}; try a simpler form of the answer."


class GradingService:
    """Grades answers in a killable worker process (see the module docstring)."""

    def __init__(
        self, timeout: float = DEFAULT_TIMEOUT, *, stall_on: str | None = None, one_shot: bool = False
    ) -> None:
        """``stall_on`` is a test seam: the worker sleeps past any limit when an answer equals it.
        ``one_shot``: for a command that grades and exits: the worker is forked where that is safe
        (see the module docstring), else spawned as usual."""
        self.timeout = timeout
        self._stall_on = stall_on
        self._one_shot = one_shot
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        self._lifeline: Lifeline | None = None
        self._ready = False
        self._next_id = 0
        self.restarts = 0
        self.start_method: str | None = None  # "fork" or "spawn": how the current worker was started

    def start(self) -> None:
        """Spawn the worker in the background (returns at once; idempotent)."""
        with self._lock:
            self._spawn_if_needed()

    def grade(
        self,
        answer: str,
        expected: str,
        variables: Iterable[Any],
        *,
        definitions: Mapping[str, str] | None = None,
        mistakes: Sequence[ListedMistake] = (),
        functions: Sequence[str] = (),
        seed: int = 0,
        answer_variables: Iterable[str] | None = None,
    ) -> Verdict:
        """A free comparison (``studybuddy equiv``): ``answer`` against ``expected`` over ``variables``.

        ``answer_variables``: the only names the answer may use (see ``grade``); None allows all.
        An exercise is graded with ``grade_exercise``, never by spelling its terms out here.
        """
        terms = comparison_terms(
            expected,
            variables,
            definitions=definitions,
            mistakes=mistakes,
            functions=functions,
            answer_variables=answer_variables,
        )
        return self.grade_terms(answer, terms, seed=seed)

    def grade_exercise(self, lesson: Lesson, exercise: Exercise, answer: str) -> Verdict:
        """Grade a learner's answer to one of a lesson's exercises: the app's only way to grade one.

        The answer may use only the exercise's ``variables`` when it lists them (another name is an
        "unknown name ... did you mean" error); the expected answer and the listed mistakes read with
        all the lesson's symbols, and the lesson's definitions apply to both sides. The lesson checker
        grades with the same terms (``exercise_terms``) and the same core call (``grade_terms``).
        """
        return self.grade_terms(answer, exercise_terms(lesson, exercise))

    def preview_exercise_answer(self, lesson: Lesson, exercise: Exercise, text: str) -> dict[str, Any]:
        """What the answer box shows: ``pretty`` (unicode), or ``message``, ``pointer`` (the text with
        carets under the error), ``start`` and ``end``. Read exactly as ``grade_exercise`` reads the
        answer, so the preview shows an error exactly when the grade would call the answer invalid."""
        return dict(self._math_call(_AnswerPreview(text, exercise_terms(lesson, exercise))))

    def grade_terms(self, answer: str, terms: GradingTerms, *, seed: int = 0) -> Verdict:
        """The verdict for ``answer``; ``unknown`` if the worker overran the time limit or its memory cap
        (it was then replaced), saying which."""
        started = time.perf_counter()
        with self._lock:
            try:
                data = self._call(_Request(answer, terms, seed))
            except MathStopped as stopped:
                data = stopped.verdict((time.perf_counter() - started) * 1000)
        from studybuddy.core.grading.verdict import Verdict

        return Verdict.from_dict(data)

    # --- the TUI's math: the app's process never imports SymPy or NumPy ------------------------------

    def is_ready(self) -> bool:
        """True once the worker has imported SymPy and answers at once; never blocks."""
        if not self._lock.acquire(blocking=False):
            return self._ready  # a request is running; it is still starting the worker if not ready
        try:
            connection = self._connection
            if not self._ready and connection is not None and connection.poll(0):
                try:
                    connection.recv()  # the worker's "ready"
                except (EOFError, OSError):
                    self._stop()
                    return False
                self._ready = True
            return self._ready
        finally:
            self._lock.release()

    def lesson_steps(self, lesson: Any) -> list[str]:
        """Each derivation step of ``lesson`` pretty-printed as written (not simplified by SymPy)."""
        return list(self._math("lesson_steps", lesson)["steps"])

    def verify_step(self, lesson: Any, index: int) -> dict[str, Any]:
        """``mark`` ("start", "checked" or "failed") and ``message`` for derivation step ``index``."""
        return self._math("verify_step", lesson, index)

    def numeric_check(self, lesson: Any, check_id: str) -> dict[str, Any]:
        """A numeric check of ``lesson``: ``passed``, ``summary`` and the figures in ``rows`` (for a
        gradient, per variable: ``analytic``, ``numeric``, ``relative_error``, ``rating``)."""
        return self._math("numeric_check", lesson, check_id)

    def answer_shape(self, lesson: Lesson, exercise: Exercise) -> str | None:
        """The shape of the exercise's expected answer as the shape feedback says it ('2x1 (a
        column)'); None for a number (read in the worker: the app's process never imports SymPy)."""
        shape = self._math("answer_shape", lesson, exercise)["shape"]
        return None if shape is None else str(shape)

    def clear_examples(
        self, lesson: Lesson, exercise: Exercise, candidates: tuple[tuple[str, ...], ...]
    ) -> tuple[str, ...] | None:
        """The first set of example answers none of which the grader calls the exercise's answer (None:
        each set holds it), read in the worker; the number box shows them as its placeholder."""
        index = self._math("clear_examples", lesson, exercise, candidates)["index"]
        return None if index is None else candidates[int(index)]

    def derive_reference_span(self, lesson: Lesson, exercise_id: str) -> tuple[int, int] | None:
        """The slice of the lesson's derivation that is derive exercise ``exercise_id``'s reference
        (None: the exercise has its own). Found by equivalence in the worker; LessonError's message as
        a StudybuddyError when no part of the derivation leads from 'from' to 'goal'."""
        span = self._math("derive_reference", lesson, exercise_id)
        return None if span["start"] is None else (int(span["start"]), int(span["stop"]))

    def mark_derivation_line(self, derivation: Any, index: int) -> dict[str, Any] | None:
        """Line ``index`` of ``derivation`` marked in the worker, under the time limit: the mark as
        LineMark.to_dict() gives it (None for a blank line). MathTimeout when the worker overran,
        MathOutOfMemory when it needed too much memory (either way it was replaced);
        services.derivation turns that into an ``unknown`` mark."""
        result = self._math_call(_DerivationLine(derivation, index))
        return None if result is None else dict(result)

    def _math(self, kind: str, *args: Any) -> Any:
        return self._math_call(_MathRequest(kind, args))

    def _math_call(self, request: _MathRequest | _AnswerPreview | _DerivationLine) -> Any:
        with self._lock:
            data = self._call(request)
        if "math" in data:
            return data["math"]
        raise StudybuddyError(data["math_error"])

    def close(self) -> None:
        with self._lock:
            self._stop()

    def __enter__(self) -> GradingService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the worker's life ------------------------------------------------------------------------

    def _spawn_if_needed(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        forked = self._one_shot and fork_is_safe()
        if forked:
            import_math_engine()  # here, once: the forked worker starts with it imported
        # fork is unsafe in a threaded (TUI) parent: spawn, a fresh interpreter, unless forked is safe
        context = multiprocessing.get_context("fork") if forked else multiprocessing.get_context("spawn")
        parent_end, child_end = context.Pipe()
        lifeline = Lifeline(context)
        inherited = (parent_end, lifeline.parent_end) if forked else ()
        process = context.Process(
            target=_worker_main,
            args=(child_end, lifeline.child, self.timeout * PROOF_SHARE, self._stall_on, inherited),
            name="studybuddy-grader",
            daemon=True,
        )
        with worker_environment():
            process.start()
        child_end.close()
        lifeline.started()
        self._process, self._connection, self._lifeline, self._ready = process, parent_end, lifeline, False
        self.start_method = "fork" if forked else "spawn"

    def _stop(self) -> None:
        process, connection, lifeline = self._process, self._connection, self._lifeline
        self._process = self._connection = self._lifeline = None
        self._ready = False
        if connection is not None:
            connection.close()
        if lifeline is not None:
            lifeline.close()
        if process is not None:
            process.kill()
            process.join(timeout=5)

    def _replace(self) -> None:
        """Stop the worker and start a fresh one in the background (the next request waits for it)."""
        self._stop()
        self.restarts += 1
        self._spawn_if_needed()

    def _call(self, request: _Request | _MathRequest | _AnswerPreview | _DerivationLine) -> dict[str, Any]:
        self._spawn_if_needed()
        assert self._connection is not None
        connection = self._connection
        if not self._ready:
            if not connection.poll(STARTUP_LIMIT):
                self._stop()
                raise StudybuddyError("the grading worker did not start (is SymPy installed?)")
            try:
                connection.recv()  # the worker's "ready"
            except EOFError:
                self._stop()
                raise StudybuddyError("the grading worker stopped while starting") from None
            self._ready = True
        self._next_id += 1
        reply: tuple[int, dict[str, Any]] | None = None
        overran = False
        try:
            connection.send((self._next_id, request))
            if connection.poll(self.timeout + MARGIN):
                reply = connection.recv()
            else:
                overran = True
        except (EOFError, OSError):
            pass  # the worker died (killed by the system for memory, a crash in a C extension)
        if reply is not None and reply[0] == self._next_id:
            if "out_of_memory" not in reply[1]:
                return reply[1]
            self._replace()  # the worker exits after a MemoryError
            raise MathOutOfMemory(reply[1]["out_of_memory"])
        if overran:
            self._replace()
            raise MathTimeout(self.timeout)
        code = self._exit_code()
        self._replace()
        raise MathStopped(f"the math process stopped unexpectedly ({code}) and was restarted")

    def _exit_code(self) -> str:
        process = self._process
        if process is None:
            return "no process"
        process.join(1)
        code = process.exitcode
        if code is None:
            return "it did not answer"
        return f"signal {-code}" if code < 0 else f"exit code {code}"


def open_grading(context: StudyContext) -> GradingService:
    """The factory the UI and CLI use (the service needs nothing from the study home)."""
    return GradingService()


def fork_is_safe() -> bool:
    """Whether this process may fork a worker: on Linux (macOS's system libraries are not fork-safe),
    with no thread but this one (a fork copies no other thread, whatever lock it held)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def import_math_engine() -> None:
    """What a worker imports before its first request (for a worker forked from this process)."""
    import importlib

    for module in ("studybuddy.core.grading.grader", "studybuddy.core.grading.verdict"):  # SymPy, NumPy
        importlib.import_module(module)


# --- inside the worker process ------------------------------------------------------------------------


def _worker_main(
    connection: Connection,
    lifeline: Connection,
    proof_budget: float,
    stall_on: str | None,
    inherited: tuple[Connection, ...] = (),
) -> None:
    """``inherited``: a forked worker's copies of the parent's ends of its pipes, closed first, so
    that the parent's end closes when the parent ends."""
    for end in inherited:
        end.close()
    exit_with_parent(lifeline)  # first: the parent may end while SymPy is still importing
    import os
    import signal

    forked = bool(inherited)
    if not forked:
        # Below the app's priority: on a two-core machine, the worker importing SymPy (about a second of
        # CPU) must not slow the key presses of the UI it serves. Grades still take milliseconds. (A
        # forked worker serves a command that waits for it, and imported nothing.)
        with contextlib.suppress(OSError, AttributeError):  # AttributeError: no os.nice (Windows)
            os.nice(10)

    from studybuddy.core.grading import ProofInterrupted
    from studybuddy.core.grading.grader import grade_terms, warm_up
    from studybuddy.core.grading.verdict import unknown
    from studybuddy.core.mathexpr import Variable

    def interrupt(signum: int, frame: object) -> None:
        raise ProofInterrupted

    signal.signal(signal.SIGALRM, interrupt)

    class AlarmGuard:
        """Bounds the symbolic proof with SIGALRM; the numeric verdict stands if it fires."""

        def __enter__(self) -> None:
            signal.setitimer(signal.ITIMER_REAL, proof_budget)

        def __exit__(self, *exc: object) -> None:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def handle(request: _Request | _MathRequest | _AnswerPreview | _DerivationLine) -> dict[str, Any]:
        if isinstance(request, _MathRequest | _AnswerPreview):  # the TUI's previews, steps and checks
            return request.run()
        if isinstance(request, _DerivationLine):  # a derivation's line, its proof bounded as a grade's
            lines = request.derivation.lines
            if (
                stall_on is not None
                and 0 <= request.index < len(lines)
                and lines[request.index].text == stall_on
            ):
                time.sleep(3600)  # test seam, as for an answer
            return request.run(AlarmGuard)
        if stall_on is not None and request.answer == stall_on:
            time.sleep(3600)  # test seam: a request that never finishes (in the worker only)
        started = time.perf_counter()
        try:
            verdict = grade_terms(request.answer, request.terms, seed=request.seed, proof_guard=AlarmGuard)
        except (ProofInterrupted, RecursionError, ValueError, TypeError, ArithmeticError) as error:
            detail = f"Could not decide: SymPy failed on this input ({type(error).__name__})."
            verdict = unknown(detail).with_ms((time.perf_counter() - started) * 1000)
        return verdict.to_dict()

    if forked:  # one answer, one command: only what any first grade loads, outside its time limit
        grade_terms("x", comparison_terms("x", [Variable("x")]))
    else:
        warm_up()  # in this process, before the first request: a learner's first answer is not slower
    cap = limit_memory()  # after the imports and the warm-up: they are not the work being capped
    connection.send("ready")
    while True:
        try:
            request_id, request = connection.recv()
        except (EOFError, OSError):
            return  # the parent closed the pipe
        try:
            reply = handle(request)
        except MemoryError:
            # Over the cap (or the machine is out of memory): say so and exit, so a fresh worker with
            # nothing half-built in its heap answers the next request.
            reply = {"out_of_memory": memory_text(cap) if cap else "the memory this machine has"}
            with contextlib.suppress(OSError):
                connection.send((request_id, reply))
            return
        connection.send((request_id, reply))
