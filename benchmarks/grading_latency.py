"""Grading latency per typical answer, as a learner meets it: the first time the worker sees the answer.

Targets (issue 2): warm median <= 3 ms and p95 <= 10 ms per typical answer; a cold worker start does
not delay the caller (start() returns at once; the worker imports SymPy in its own process).

"Warm" here means a worker that has started, imported everything and graded other answers, but has
never seen this answer (so no cache holds its parse, its sample values or its proof). Each run starts a
fresh GradingService worker, warms it on one unrelated grade, then grades every answer once in a
seeded shuffled order; ``--runs`` runs give each answer that many first-sight samples. Reported per
answer and overall:

- core: the time grade() took inside the worker (what the pure function costs);
- worker: the round trip through GradingService (what the app waits for, pipe included);
- repeat: the same answer graded again in the same worker (every cache warm);
- baseline: SymPy's ``simplify(a - b) == 0`` on the already-parsed expressions, SymPy's cache cleared
  before each (what a naive grader pays), measured in this process in the same run; ratio is
  baseline median / core median.

A second table grades matrix and vector answers (3x3 matrices, 3-vectors: right ones, rewritten ones
and the usual slips), first sight, in the same way (issue 12's target: a 3x3 matrix answer within
10 ms median warm). A third grades every bundled lesson exercise's answer and listed mistakes through
``GradingService.grade_exercise`` (the TUI's call), first sight, in the same way.

    .venv/bin/python benchmarks/grading_latency.py [--runs 10] [--tables typical,matrix,lessons,cold]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

MEDIAN_TARGET_MS = 3.0
SLOWEST_SHOWN = 6  # bundled-lesson answers listed by their worst first-sight time
P95_TARGET_MS = 10.0

SYMBOLS = {
    "x": "real",
    "s1": "probability",
    "s": "probability",
    "lam": "real",
    "w": "real",
    "p": "probability",
    "y": "real",
    "N": "positive",
}
DEFINITIONS = {"s": "1/(1 + exp(-x))"}
TYPICAL = [  # (answer, expected): right and wrong answers people type in the bundled lessons
    ("s1*(1-s1)", "s1 - s1^2"),
    ("s1*(1+s1)", "s1 - s1^2"),
    ("s1 - s1²", "s1*(1 - s1)"),
    ("2 lam w", "2*lam*w"),
    ("lam w", "2*lam*w"),
    ("2w lam", "2*lam*w"),
    ("exp(-x)/(1+exp(-x))^2", "s*(1 - s)"),
    ("1/(1+exp(-x))^2", "s*(1 - s)"),
    ("s - s^2", "s*(1 - s)"),
    ("exp(x)/(1+exp(x))", "s"),
    ("p - y", "p - y"),
    ("(p - y)", "(p - y)/N"),
    ("-(y - p)", "p - y"),
    ("y - p", "p - y"),
    ("(x+1)^2", "x^2 + 2x + 1"),
    ("x^2 + 1", "(x + 1)^2"),
    ("sin(x)^2 + cos(x)^2", "1"),
    ("2 sin(x) cos(x)", "sin(2x)"),
    ("1 - tanh(x)^2", "1/cosh(x)^2"),
    ("log(p) - log(1 - p)", "log(p/(1 - p))"),
]

MATRIX_MEDIAN_TARGET_MS = 10.0
MATRIX_VARIABLES = [
    ("W", "real", (3, 3)),
    ("A", "real", (3, 3)),
    ("x", "real", (3,)),
    ("dz", "real", (3,)),
    ("lam", "real", None),
    ("N", "positive", None),
]
MATRIX = [  # (answer, expected): 3x3 matrix and 3-vector answers, right and wrong
    ("dz x^T", "dz x^T"),
    ("(x dz^T)^T", "dz x^T"),
    ("x dz^T", "dz x^T"),
    ("W^T dz", "(dz^T W)^T"),
    ("-W^T dz", "W^T dz"),
    ("2 lam W", "lam (W + W)"),
    ("lam W", "2 lam W"),
    ("(A W)^T", "W^T A^T"),
    ("A W", "W A"),
    ("(A + W) x", "A x + W x"),
    ("W A x / N", "W (A x) / N"),
    ("A W x - lam x", "A (W x) - lam x"),
    # typed as NumPy code (issue 12): @, .T, np. names, 1-D vectors, * elementwise, a shape slip
    ("np.outer(dz, x)", "dz x^T"),
    ("W.T @ dz", "W^T dz"),
    ("dz @ W", "W^T dz"),
    ("np.dot(W.T, dz)", "W^T dz"),
    ("A @ W.T", "(W A^T)^T"),
    ("W * A", "A * W"),
    ("W.T * dz", "W^T dz"),
    ("2 * lam * W", "2 lam W"),
]

Sample = tuple[float, float]  # (core ms, worker round trip ms)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def verdict_of(values: Sequence[float]) -> str:
    med, p95 = statistics.median(values), percentile(values, 0.95)
    ok = med <= MEDIAN_TARGET_MS and p95 <= P95_TARGET_MS
    return f"median {med:5.2f} ms, p95 {p95:5.2f} ms  {'PASS' if ok else 'FAIL'}"


def first_sight(
    count: int, grade: Callable[[Any, int], Any], runs: int, seed: int
) -> tuple[list[list[Sample]], list[list[float]]]:
    """Per case: ``runs`` first-sight samples, and (from the last run) repeat samples in a warm worker."""
    from studybuddy.services.grading import GradingService

    samples: list[list[Sample]] = [[] for _ in range(count)]
    repeats: list[list[float]] = [[] for _ in range(count)]
    for run in range(runs):
        with GradingService() as service:
            service.grade("z", "z", [("z", "real", None)])  # wait for the worker; warm its imports
            order = random.Random(seed + run).sample(range(count), count)
            for index in order:
                started = time.perf_counter()
                verdict = grade(service, index)
                samples[index].append((verdict.ms, (time.perf_counter() - started) * 1000))
            if run == runs - 1:
                for index in order:
                    for _ in range(5):
                        repeats[index].append(grade(service, index).ms)
    return samples, repeats


def baseline_ms(answer: str, expected: str, repeat: int) -> float:
    import sympy

    from studybuddy.core.grading.grader import prepared
    from studybuddy.core.mathexpr import SymbolTable

    key = (SymbolTable.of(SYMBOLS).variables, tuple(sorted(DEFINITIONS.items())), ())
    a, b = prepared(answer, *key), prepared(expected, *key)
    times = []
    for _ in range(repeat):
        sympy.core.cache.clear_cache()  # what a fresh answer costs: no memo of this exact difference
        started = time.perf_counter()
        _ = sympy.simplify(a - b) == 0
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def typical_table(runs: int) -> None:
    from studybuddy.core.grading import grade
    from studybuddy.core.mathexpr import SymbolTable

    variables = [(name, domain, None) for name, domain in SYMBOLS.items()]

    def grade_typical(service: Any, index: int) -> Any:
        answer, expected = TYPICAL[index]
        return service.grade(answer, expected, variables, definitions=DEFINITIONS)

    samples, repeats = first_sight(len(TYPICAL), grade_typical, runs, seed=1)
    table = SymbolTable.of(SYMBOLS)
    print(f"Typical answers: first sight in a warm worker, {runs} runs (fresh worker each)")
    print(
        f"{'answer':24} {'expected':18} {'verdict':10} {'core med':>8} {'p95':>6} {'worker med':>10} "
        f"{'p95':>6} {'repeat':>6} {'baseline':>8} {'ratio':>6}"
    )
    for (answer, expected), case, again in zip(TYPICAL, samples, repeats, strict=True):
        verdict = grade(answer, expected, table, definitions=DEFINITIONS)
        core = [c for c, _ in case]
        worker = [w for _, w in case]
        base = baseline_ms(answer, expected, repeat=3)
        med = statistics.median(core)
        print(
            f"{answer:24} {expected:18} {verdict.kind:10} {med:8.2f} {percentile(core, 0.95):6.2f} "
            f"{statistics.median(worker):10.2f} {percentile(worker, 0.95):6.2f} "
            f"{statistics.median(again):6.2f} {base:8.2f} {base / med:5.0f}x"
        )
    core_all = [c for case in samples for c, _ in case]
    worker_all = [w for case in samples for _, w in case]
    repeat_all = [r for again in repeats for r in again]
    print(f"overall, in-process (core), first sight:  {verdict_of(core_all)}")
    print(f"overall, through the worker, first sight: {verdict_of(worker_all)}")
    print(f"overall, in-process, repeated answer:     {verdict_of(repeat_all)}")
    print(f"targets: median <= {MEDIAN_TARGET_MS:g} ms and p95 <= {P95_TARGET_MS:g} ms")


def matrix_table(runs: int) -> None:
    from studybuddy.core.grading import grade
    from studybuddy.core.mathexpr import Domain, SymbolTable, Variable

    def grade_matrix(service: Any, index: int) -> Any:
        answer, expected = MATRIX[index]
        return service.grade(answer, expected, MATRIX_VARIABLES)

    samples, repeats = first_sight(len(MATRIX), grade_matrix, runs, seed=3)
    table = SymbolTable(Variable(name, Domain(domain), shape) for name, domain, shape in MATRIX_VARIABLES)
    print(f"\nMatrix and vector answers (W, A 3x3; x, dz 3-vectors): first sight, {runs} runs")
    print(
        f"{'answer':18} {'expected':14} {'verdict':10} {'core med':>8} {'p95':>6} "
        f"{'worker med':>10} {'repeat':>6}"
    )
    for (answer, expected), case, again in zip(MATRIX, samples, repeats, strict=True):
        verdict = grade(answer, expected, table)
        core = [c for c, _ in case]
        print(
            f"{answer:18} {expected:14} {verdict.kind:10} {statistics.median(core):8.2f} "
            f"{percentile(core, 0.95):6.2f} {statistics.median([w for _, w in case]):10.2f} "
            f"{statistics.median(again):6.2f}"
        )
    core_all = [c for case in samples for c, _ in case]
    worker_all = [w for case in samples for _, w in case]
    median = statistics.median(worker_all)
    for where, values in (("in-process (core)", core_all), ("through the worker", worker_all)):
        print(
            f"overall, {where}, first sight: median {statistics.median(values):5.2f} ms, "
            f"p95 {percentile(values, 0.95):5.2f} ms"
        )
    print(
        f"matrix target (issue 12): median <= {MATRIX_MEDIAN_TARGET_MS:g} ms through the worker: "
        f"{median:.2f} ms {'PASS' if median <= MATRIX_MEDIAN_TARGET_MS else 'FAIL'}"
    )


def typed_as_values(text: str, exercise: Any) -> str:
    """An author's answer of a variant as the learner types it: each parameter as its drawn value."""
    import re

    from studybuddy.core.lessons.variants import exact

    drawn = dict(exercise.drawn)
    return re.sub(r"[A-Za-z_]\w*", lambda m: f"({exact(drawn[m[0]])})" if m[0] in drawn else m[0], text)


def lesson_table(runs: int) -> None:
    from studybuddy.core.lessons.variants import instantiate
    from studybuddy.services.lessons import LessonService

    lessons = LessonService(None)
    cases = []
    for entry in lessons.list():
        if entry.summary is None:  # a lesson that does not load: `lessons list` names its error
            print(f"skipped (does not load): {entry.file.display_name}: {entry.error}")
            continue
        lesson = lessons.get(entry.summary.id)
        for written in lesson.exercises:
            exercise = instantiate(written, 1)  # a variant as the app shows it; typed as its values
            for answer in [exercise.answer.text, *(m.answer.text for m in exercise.mistakes)]:
                cases.append((lesson, exercise, typed_as_values(answer, exercise)))

    def grade_exercise(service: Any, index: int) -> Any:
        lesson, exercise, answer = cases[index]
        return service.grade_exercise(lesson, exercise, answer)

    samples, _ = first_sight(len(cases), grade_exercise, runs, seed=2)
    core_all = [c for case in samples for c, _ in case]
    worker_all = [w for case in samples for _, w in case]
    slowest = sorted(range(len(cases)), key=lambda i: -max(c for c, _ in samples[i]))[:SLOWEST_SHOWN]
    print(
        f"\nBundled lessons: {len(cases)} answers (each exercise's answer and listed mistakes), {runs} runs"
    )
    print(f"  in-process (core), first sight:  {verdict_of(core_all)}")
    print(f"  through the worker, first sight: {verdict_of(worker_all)}")
    print(f"  slowest {SLOWEST_SHOWN} (core, first sight: worst run, median):")
    for index in slowest:
        lesson, exercise, answer = cases[index]
        core = [c for c, _ in samples[index]]
        print(
            f"    {max(core):5.1f} {statistics.median(core):5.1f} ms  {answer!r} ({lesson.id}/{exercise.id})"
        )


def cold_start() -> None:
    from studybuddy.services.grading import GradingService

    started = time.perf_counter()
    service = GradingService()
    service.start()
    returned = time.perf_counter() - started
    service.grade("x", "x", [("x", "real", None)])
    ready = time.perf_counter() - started
    service.close()
    print(
        f"\ncold start: start() returned in {returned * 1000:.1f} ms; worker ready and first verdict "
        f"after {ready * 1000:.0f} ms (in the background)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10, help="fresh workers per table (default 10)")
    parser.add_argument(
        "--tables",
        default="typical,matrix,lessons,cold",
        help="which tables, comma-separated (default: typical,matrix,lessons,cold)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    tables = set(args.tables.split(","))
    if "typical" in tables:
        typical_table(args.runs)
    if "matrix" in tables:
        matrix_table(args.runs)
    if "lessons" in tables:
        lesson_table(max(2, args.runs // 3))
    if "cold" in tables:
        cold_start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
