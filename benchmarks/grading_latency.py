"""Grading latency per typical answer (warm), and the grading worker's cold start.

Targets (issue 2): warm median <= 3 ms and p95 <= 10 ms per typical answer; a cold worker start does
not delay the caller (start() returns at once; the worker imports SymPy in its own process).

Measured in the same run, for each answer: the in-process grade() (core), the same request through
the GradingService worker (what the app pays, pipe included), and a baseline: SymPy's
``simplify(a - b) == 0`` on the already-parsed expressions (what a naive grader pays per answer).

    .venv/bin/python benchmarks/grading_latency.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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
    ("2 lam w", "2*lam*w"),
    ("lam w", "2*lam*w"),
    ("exp(-x)/(1+exp(-x))^2", "s*(1 - s)"),
    ("1/(1+exp(-x))^2", "s*(1 - s)"),
    ("p - y", "p - y"),
    ("(p - y)", "(p - y)/N"),
    ("-(y - p)", "p - y"),
    ("sin(x)^2 + cos(x)^2", "1"),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from studybuddy.services.grading import GradingService

    started = time.perf_counter()
    service = GradingService()
    service.start()
    start_returned = time.perf_counter() - started
    variables = list(SYMBOLS.items())
    service.grade("x", "x", [(n, d, None) for n, d in variables])
    cold_ready = time.perf_counter() - started

    import sympy

    from studybuddy.core.grading import grade
    from studybuddy.core.grading.grader import prepared
    from studybuddy.core.mathexpr import SymbolTable

    table = SymbolTable.of(SYMBOLS)
    key = (table.variables, tuple(sorted(DEFINITIONS.items())), ())
    print(
        f"{'answer':26} {'expected':20} {'verdict':11} {'core med':>9} {'core p95':>9} "
        f"{'worker med':>11} {'baseline med':>13} {'ratio':>6}"
    )
    core_all: list[float] = []
    worker_all: list[float] = []
    for answer, expected in TYPICAL:
        verdict = grade(answer, expected, table, definitions=DEFINITIONS)  # warm the caches
        core = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            grade(answer, expected, table, definitions=DEFINITIONS)
            core.append((time.perf_counter() - t) * 1000)
        worker = []
        for _ in range(max(5, args.repeat // 5)):
            t = time.perf_counter()
            service.grade(answer, expected, [(n, d, None) for n, d in variables], definitions=DEFINITIONS)
            worker.append((time.perf_counter() - t) * 1000)
        a, b = prepared(answer, *key), prepared(expected, *key)
        baseline = []
        for _ in range(max(3, args.repeat // 10)):
            sympy.core.cache.clear_cache()  # what a fresh answer costs: no memo of this exact difference
            t = time.perf_counter()
            _ = sympy.simplify(a - b) == 0
            baseline.append((time.perf_counter() - t) * 1000)
        core_all += core
        worker_all += worker
        med, base = statistics.median(core), statistics.median(baseline)
        print(
            f"{answer:26} {expected:20} {verdict.kind:11} {med:8.2f}ms {percentile(core, 0.95):8.2f}ms "
            f"{statistics.median(worker):10.2f}ms {base:12.2f}ms {base / med:5.1f}x"
        )
    service.close()
    print(
        f"all typical answers: core median {statistics.median(core_all):.2f} ms, "
        f"p95 {percentile(core_all, 0.95):.2f} ms; through the worker median "
        f"{statistics.median(worker_all):.2f} ms, p95 {percentile(worker_all, 0.95):.2f} ms"
    )
    print(
        f"cold start: start() returned in {start_returned * 1000:.1f} ms; worker ready and first verdict "
        f"after {cold_ready * 1000:.0f} ms (in the background)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
