"""Grader agreement with an outside corpus of expression-equivalence verdicts, beside a naive baseline.

The corpus (824 cases from five other graders' test suites) lives outside the repository, at
../shared/bench/equivalence/cases.jsonl relative to the repository root; this script skips when it is
absent. Each case is graded by the real GradingService (worker process, 2 s limit per case) and by a
naive baseline run in the same script: parse both sides with the same parser, then
``simplify(a - b) == 0``, also in a killable worker with the same limit per case.

Targets (issue 2): agreement >= 98% overall and >= 99.5% without the convention, float or near_equal
flags; zero false positives (a wrong answer called equivalent) without the float or near_equal flags.

    .venv/bin/python benchmarks/equivalence_corpus.py [--limit N] [--show-disagreements]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "bench" / "equivalence" / "cases.jsonl"
TIME_LIMIT = 2.0
STRICT_EXCLUDED = {"convention", "float", "near_equal"}
FP_EXCLUDED = {"float", "near_equal"}


@dataclass
class Outcome:
    verdict: str  # equivalent | different | invalid | unknown | timeout
    ms: float

    def agrees(self, expected: bool) -> bool:
        return self.verdict == ("equivalent" if expected else "different")

    def false_positive(self, expected: bool) -> bool:
        return self.verdict == "equivalent" and not expected


# --- the naive baseline, in a killable worker -------------------------------------------------------


def _baseline_worker(connection: Connection) -> None:
    import sympy

    from studybuddy.core.grading.cases import case_from_json
    from studybuddy.core.mathexpr import ExprError, SymbolTable, parse_expression

    connection.send("ready")
    while True:
        try:
            raw = connection.recv()
        except EOFError:
            return
        try:
            case = case_from_json(raw)
            table = SymbolTable(case.variables)
            a = parse_expression(case.student, table, functions=case.functions)
            b = parse_expression(case.teacher, table, functions=case.functions)
            verdict = "equivalent" if sympy.simplify(a - b) == 0 else "different"
        except ExprError:
            verdict = "invalid"
        except Exception:  # the baseline is naive on purpose: any SymPy failure is "unknown"
            verdict = "unknown"
        connection.send(verdict)


class BaselineRunner:
    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._start()

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(target=_baseline_worker, args=(child,), daemon=True)
        self._process.start()
        child.close()
        self._connection = parent
        self._connection.recv()

    def run(self, case: dict[str, Any]) -> Outcome:
        started = time.perf_counter()
        self._connection.send(case)
        if self._connection.poll(TIME_LIMIT):
            return Outcome(self._connection.recv(), (time.perf_counter() - started) * 1000)
        self._process.kill()
        self._process.join()
        self._start()
        return Outcome("timeout", TIME_LIMIT * 1000)

    def close(self) -> None:
        self._process.kill()
        self._process.join()


# --- the grader ----------------------------------------------------------------------------------------


def grade_case(service: Any, case: dict[str, Any]) -> Outcome:
    from studybuddy.cli.equiv import grade_line

    started = time.perf_counter()
    row = grade_line(service, json.dumps(case), 0)
    wall = (time.perf_counter() - started) * 1000
    verdict = row["verdict"]
    if verdict == "unknown" and row["strength"] == "time limit":
        verdict = "timeout"
    return Outcome(verdict, wall)


# --- the table -----------------------------------------------------------------------------------------


def summarize(
    cases: list[dict[str, Any]], graded: list[Outcome], baseline: list[Outcome]
) -> list[tuple[str, int, str, int, int, str, int, int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for index, case in enumerate(cases):
        flags = set(case["flags"])
        groups["all"].append(index)
        if not flags & STRICT_EXCLUDED:
            groups["without convention/float/near_equal"].append(index)
        groups["source " + case["source"].split(":")[0]].append(index)
        for flag in sorted(flags):
            groups["flag " + flag].append(index)

    def order(name: str) -> tuple[int, str]:
        return (
            {"all": 0, "without convention/float/near_equal": 1}.get(
                name, 2 if name.startswith("source") else 3
            ),
            name,
        )

    rows = []
    for name, members in sorted(groups.items(), key=lambda item: order(item[0])):

        def score(outcomes: list[Outcome], members: list[int] = members) -> tuple[str, int, int]:
            agree = sum(outcomes[i].agrees(cases[i]["expected"]) for i in members)
            fp = sum(
                outcomes[i].false_positive(cases[i]["expected"])
                for i in members
                if not set(cases[i]["flags"]) & FP_EXCLUDED
            )
            timeouts = sum(outcomes[i].verdict == "timeout" for i in members)
            return f"{100 * agree / len(members):.1f}%", fp, timeouts

        rows.append((name, len(members), *score(graded), *score(baseline)))
    return rows


def print_table(rows: Iterable[tuple[str, int, str, int, int, str, int, int]]) -> None:
    header = ("slice", "cases", "grader", "FP*", "t/o", "baseline", "FP*", "t/o")
    widths = (40, 6, 8, 4, 4, 9, 4, 4)
    print(
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    for row in rows:
        print(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    print("FP*: wrong answers called equivalent, counted on cases without the float or near_equal flag.")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=None, help="grade only the first N cases")
    parser.add_argument("--show-disagreements", action="store_true")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: the equivalence corpus is not at {CORPUS}")
        return 0
    sys.path.insert(0, str(ROOT))
    from studybuddy.services.grading import GradingService

    cases = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = cases[: args.limit] if args.limit else cases
    started = time.perf_counter()
    with GradingService(timeout=TIME_LIMIT) as service:
        graded = [grade_case(service, case) for case in cases]
    grader_seconds = time.perf_counter() - started
    started = time.perf_counter()
    runner = BaselineRunner()
    try:
        baseline = [runner.run(case) for case in cases]
    finally:
        runner.close()
    baseline_seconds = time.perf_counter() - started

    print(f"{len(cases)} cases from {CORPUS}")
    print_table(summarize(cases, graded, baseline))
    print(
        f"wall time: grader {grader_seconds:.1f} s, baseline {baseline_seconds:.1f} s "
        f"(ratio {grader_seconds / baseline_seconds:.2f}); slowest grader case "
        f"{max(o.ms for o in graded):.0f} ms"
    )
    if args.show_disagreements:
        for case, outcome in zip(cases, graded, strict=True):
            if not outcome.agrees(case["expected"]):
                print(
                    f"{case['id']}: expected {case['expected']}, got {outcome.verdict}: "
                    f"{case['student']!r} vs {case['teacher']!r} {case['flags']}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
