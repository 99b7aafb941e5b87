"""Parser speed on typical answers, beside SymPy building the same expression directly.

Target (issue 2 hand-off): under 0.3 ms to parse a typical answer such as ``s1*(1-s1)``. "warm" repeats
one text (SymPy's cache is hot, as when a learner re-submits); "fresh" adds a new constant every time so
SymPy builds new objects. The baseline is the same expression built with SymPy operators in this run,
the floor any parser pays; the ratio is what carries over between machines. Also counts parse failures
over the shared equivalence corpus (skipped with a message when it is absent).

    .venv/bin/python benchmarks/mathexpr_parse.py
"""

from __future__ import annotations

import itertools
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import sympy

from studybuddy.core.mathexpr import (
    Domain,
    ExprError,
    SymbolTable,
    Variable,
    infer_functions,
    infer_names,
    parse_expression,
)

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "equivalence" / "cases.jsonl"
TABLE = SymbolTable.of(
    {"s1": "probability", "x": "real", "lam": "positive", "w": "real", "p": "real", "y": "real"}
)
s1, x, lam, w, p, y = (TABLE.symbol(n) for n in ("s1", "x", "lam", "w", "p", "y"))

# typed text; the same with a fresh constant {k}; built directly; built directly with the constant k
CASES: list[tuple[str, str, Callable[[], sympy.Basic], Callable[[int], sympy.Basic]]] = [
    ("s1*(1-s1)", "s1*({k}-s1)", lambda: s1 * (1 - s1), lambda k: s1 * (k - s1)),
    ("2 lam w", "{k} lam w", lambda: 2 * lam * w, lambda k: k * lam * w),
    ("p - y", "p - {k}y", lambda: p - y, lambda k: p - k * y),
    (
        "exp(-x)/(1+exp(-x))^2",
        "exp(-x)/({k}+exp(-x))^2",
        lambda: sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2,
        lambda k: sympy.exp(-x) / (k + sympy.exp(-x)) ** 2,
    ),
    ("λ·x² − 3x + 1", "λ·x² − {k}x + 1", lambda: lam * x**2 - 3 * x + 1, lambda k: lam * x**2 - k * x + 1),
]


def per_call_ms(fn: Callable[[], object], calls: int = 2000, repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best * 1000


def fresh_ms(fn: Callable[[int], object], calls: int = 2000) -> float:
    counter = itertools.count(10_000)
    samples = []
    for _ in range(calls):
        k = next(counter)
        start = time.perf_counter()
        fn(k)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def speed_table() -> None:
    header = ("answer", "warm ms", "direct", "ratio", "fresh ms", "direct", "ratio")
    print("{:26s} {:>8s} {:>8s} {:>6s} {:>9s} {:>8s} {:>6s}".format(*header))
    for text, template, direct, direct_fresh in CASES:
        warm = per_call_ms(lambda text=text: parse_expression(text, TABLE))
        base = per_call_ms(direct)
        fresh = fresh_ms(lambda k, template=template: parse_expression(template.format(k=k), TABLE))
        fresh_base = fresh_ms(direct_fresh)
        row = (text, warm, base, warm / base, fresh, fresh_base, fresh / fresh_base)
        print("{:26s} {:8.3f} {:8.4f} {:6.1f} {:9.3f} {:8.4f} {:6.1f}".format(*row))


def corpus_table() -> None:
    if not CORPUS.exists():
        print(f"\ncorpus not found at {CORPUS}: skipped")
        return
    parsed = failed = 0
    slowest = (0.0, "")
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        texts = [case["student"], case["teacher"]]
        names = list(dict.fromkeys(n for t in texts for n in infer_names(t, allow_undefined_functions=True)))
        functions = list(dict.fromkeys(f for t in texts for f in infer_functions(t)))
        assumptions = case.get("assumptions", {})
        table = SymbolTable(Variable(n, Domain(assumptions.get(n, "real"))) for n in names)
        for text in texts:
            start = time.perf_counter()
            try:
                parse_expression(text, table, functions=functions)
                parsed += 1
            except ExprError as error:
                failed += 1
                print(f"  {case['id']}: {text!r}: {error}")
            slowest = max(slowest, (time.perf_counter() - start, text))
    took, text = slowest
    print(f"\ncorpus: {parsed} texts parsed, {failed} failed; slowest {took * 1000:.1f} ms ({text!r})")


if __name__ == "__main__":
    speed_table()
    corpus_table()
