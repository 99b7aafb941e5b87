"""Derivations marked line by line: accuracy and speed, beside a naive baseline measured in the same run.

The corpus is built here, not borrowed:

* lessons: every derivation chain of the bundled lessons (split at ``by: given``), all steps right;
* planted: each step of those chains made wrong the way learners make it wrong, mechanically: negated
  (a sign), doubled (a constant factor), one top-level term removed (a dropped term). After a sign or a
  factor the learner carries on from the wrong line (the later steps are negated or doubled too, so
  they follow from it); after a dropped term the derivation stops. A mutation that does not change the
  value (checked numerically) is left out;
* hand-written: benchmarks/derivation_corpus.py, the mistakes learners describe (a forgotten chain-rule
  factor, the product and quotient rules misapplied, the -1 of softmax cross-entropy, 1/N, ...).

Figures: steps marked right (follows vs does not follow, against the label), the first wrong line found
(per derivation, None when there is none), the mistake's kind named at the first wrong line (the issue's
"sign, factor or chain-rule slip", then every kind), wrong steps marked as following (must be 0), and
the per-line time in this process (median, p95; each line timed the first time its derivation prefix is
seen). The baseline reads each step the same way (the same parser, symbols with their domains' SymPy
assumptions, definitions substituted, the step's operation applied with SymPy) and says a step follows
when ``simplify(expected - line) == 0`` (2 s limit a step, by an alarm). The worker figure is the time
from asking the grading service for a line's mark to having it (the app's path), on the hand-written set.

    .venv/bin/python benchmarks/derivations.py [--show-misses] [--no-worker]
"""

from __future__ import annotations

import argparse
import random
import signal
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import sympy  # noqa: E402
from derivation_corpus import CASES, FRESH, Case  # noqa: E402

from studybuddy.core.derivation.engine import mark_line  # noqa: E402
from studybuddy.core.derivation.lines import line_from_step  # noqa: E402
from studybuddy.core.derivation.marks import LineMark  # noqa: E402
from studybuddy.core.derivation.model import Derivation, DerivationContext  # noqa: E402
from studybuddy.core.mathexpr import Domain, ExprError, SymbolTable, Variable, infer_names, parse_expression  # noqa: E402

NAMED_KINDS = {"sign", "constant-factor", "missing-chain-factor"}
BASELINE_LIMIT = 2.0


@dataclass
class Item:
    """One derivation with its labels: per step start / follows / does-not-follow, and the kinds."""

    name: str
    source: str  # lessons | planted | hand-written
    variables: tuple[tuple[str, str, tuple[int, ...] | None], ...]
    definitions: tuple[tuple[str, str], ...]
    infer: bool
    steps: list[tuple[str, Any]]  # (expr, by as the JSONL format has it)
    truth: list[str]
    kinds: dict[int, str] = field(default_factory=dict)

    @property
    def first_error(self) -> int | None:
        return next((i for i, verdict in enumerate(self.truth) if verdict == "does-not-follow"), None)

    def derivation(self) -> Derivation:
        lines = tuple(line_from_step(expr, by) for expr, by in self.steps)
        return Derivation(self.name, DerivationContext(self.variables, self.definitions, self.infer), lines)


# --- the corpus -------------------------------------------------------------------------------------------


def _by_of(rule: Any) -> Any:
    if rule.kind == "equal":
        return None
    if rule.kind == "given":
        return "given"
    if rule.kind == "differentiate":
        return {"differentiate": rule.variable}
    if rule.kind == "substitute":
        return {"substitute": {name: text.text for name, text in rule.replacements}}
    return {"limit": {rule.variable: rule.point.text}}


def lesson_items() -> list[Item]:
    from studybuddy.storage.lesson_library import bundled_lessons_dir, find_lesson_files, read_lesson

    items = []
    for file in find_lesson_files([(bundled_lessons_dir(), "bundled")]):
        lesson = read_lesson(file)
        variables = tuple((s.name, s.domain, s.shape) for s in lesson.symbols)
        definitions = tuple((name, text.text) for name, text in lesson.definitions)
        chain: list[tuple[str, Any]] = []
        chains = []
        for step in lesson.derivation:
            by = _by_of(step.by)
            if by == "given" and chain:
                chains.append(chain)
                chain = []
            chain.append((step.expr.text, None if not chain else by))
        chains.append(chain)
        for number, steps in enumerate(chains, 1):
            if len(steps) < 2:
                continue
            truth = ["start"] + ["follows"] * (len(steps) - 1)
            items.append(
                Item(f"{lesson.id} #{number}", "lessons", variables, definitions, False, steps, truth)
            )
    return items


def _top_level_terms(text: str) -> list[tuple[int, int]]:
    """Spans of the top-level terms of ``text`` (split at binary + and - outside brackets)."""
    spans, depth, start = [], 0, 0
    previous = ""
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char in "+-" and depth == 0 and index > 0:
            binary = previous and (previous.isalnum() or previous in ")._")
            exponent = previous in "eE" and index > 1 and text[index - 2].isdigit()
            if binary and not exponent:
                spans.append((start, index))
                start = index
        if not char.isspace():
            previous = char
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _changes_value(original: str, mutated: str, item: Item) -> bool:
    """Whether ``mutated`` differs from ``original`` (definitions replaced) at random points."""
    try:
        table = _table(item)
        definitions = {table.symbol(name): parse_expression(text, table) for name, text in item.definitions}
        a, b = (_expanded(parse_expression(text, table), definitions) for text in (original, mutated))
        if isinstance(a, sympy.MatrixExpr) or isinstance(b, sympy.MatrixExpr):
            return False  # planted only on scalar steps
        rng = random.Random(0)
        for _ in range(5):
            point = {
                symbol: sympy.Rational(rng.randint(5, 95), 100) for symbol in a.free_symbols | b.free_symbols
            }
            difference = complex((a - b).evalf(30, subs=point))
            if abs(difference) > 1e-9:
                return True
    except (ExprError, TypeError, ValueError, ArithmeticError):
        return False
    return False


def _expanded(expr: sympy.Basic, definitions: dict[sympy.Basic, sympy.Basic]) -> sympy.Basic:
    for _ in range(len(definitions) + 1):
        expr = expr.xreplace(definitions)
    return expr


def planted_items(lessons: list[Item]) -> list[Item]:
    items = []
    for base in lessons:
        for k in range(1, len(base.steps)):
            expr = base.steps[k][0]
            mutations = [
                ("sign", lambda text: f"-({text})", True),
                ("constant-factor", lambda t: f"2*({t})", True),
            ]
            terms = _top_level_terms(expr)
            if len(terms) >= 2:
                for a, b in terms:
                    rest = (expr[:a] + expr[b:]).strip().lstrip("+").strip()
                    mutations.append(("dropped-term", lambda _t, rest=rest: rest, False))
            for kind, mutate, carry in mutations:
                mutated = mutate(expr)
                if not _changes_value(expr, mutated, base):
                    continue
                stop = len(base.steps) if carry else k + 1
                steps = [*base.steps[:k], (mutated, base.steps[k][1])]
                steps += [(mutate(e) if carry else e, by) for e, by in base.steps[k + 1 : stop]]
                truth = [*base.truth[:k], "does-not-follow", *["follows"] * (stop - k - 1)]
                name = f"{base.name} step {k + 1} {kind}"
                items.append(
                    Item(name, "planted", base.variables, base.definitions, False, steps, truth, {k: kind})
                )
    return items


def _by_code(code: str | None) -> Any:
    if code is None:
        return None
    if code == "given":
        return "given"
    verb, _, rest = code.partition(" ")
    if verb == "d":
        return {"differentiate": rest.strip()}
    if verb == "lim":
        name, point = rest.split()
        return {"limit": {name: point}}
    pairs = [pair.split("=") for pair in rest.split(",")]
    return {"substitute": {name.strip(): value.strip() for name, value in pairs}}


def hand_written_items(cases: Iterable[Case] = CASES) -> list[Item]:
    items = []
    for case in cases:
        steps = [(expr, _by_code(code) if index else None) for index, (expr, code) in enumerate(case.steps)]
        truth = []
        for index, (_, code) in enumerate(case.steps):
            if index == 0 or code == "given":
                truth.append("start")
            else:
                truth.append("does-not-follow" if index in case.wrong else "follows")
        variables = tuple((name, domain, None) for name, domain in (case.symbols or {}).items())
        items.append(
            Item(
                case.name,
                "hand-written",
                variables,
                tuple(case.definitions.items()),
                case.symbols is None,
                steps,
                truth,
                dict(case.wrong),
            )
        )
    return items


# --- the naive baseline -------------------------------------------------------------------------------------


class _Late(Exception):
    pass


def _table(item: Item) -> SymbolTable:
    if not item.infer:
        return SymbolTable(Variable(name, Domain(domain), shape) for name, domain, shape in item.variables)
    names: dict[str, None] = {}
    for expr, by in item.steps:
        texts = [expr]
        if isinstance(by, dict) and "substitute" in by:
            texts += list(by["substitute"].values())
        for text in texts:
            for name in infer_names(text):
                names.setdefault(name, None)
    return SymbolTable(Variable(name) for name in names)


def baseline_marks(item: Item) -> list[tuple[str, float]]:
    """(start | follows | does-not-follow, ms) per step: simplify(expected - line) == 0."""
    table = _table(item)
    definitions = {table.symbol(name): parse_expression(text, table) for name, text in item.definitions}
    marks: list[tuple[str, float]] = []
    previous = None
    for index, (expr, by) in enumerate(item.steps):
        started = time.perf_counter()
        try:
            line = _expanded(parse_expression(expr, table), definitions)
        except ExprError:
            marks.append(("invalid", 0.0))
            continue
        if index == 0 or by == "given" or previous is None:
            marks.append(("start", 0.0))
            previous = line
            continue
        signal.setitimer(signal.ITIMER_REAL, BASELINE_LIMIT)
        try:
            expected = _apply(previous, by, table, definitions)
            difference = sympy.simplify(expected - line)
            if isinstance(difference, sympy.MatrixBase | sympy.MatrixExpr):
                same = bool(sympy.simplify(difference.as_explicit()).is_zero_matrix)
            else:
                same = difference == 0
            verdict = "follows" if same else "does-not-follow"
        except _Late:
            verdict = "does-not-follow"  # the naive checker cannot confirm it
        except Exception:  # the baseline is naive on purpose: any SymPy failure is "cannot confirm"
            verdict = "does-not-follow"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        marks.append((verdict, (time.perf_counter() - started) * 1000))
        previous = line
    return marks


def _apply(previous: sympy.Basic, by: Any, table: SymbolTable, definitions: dict[Any, Any]) -> sympy.Basic:
    if by is None:
        return previous
    ((kind, value),) = by.items()
    if kind == "differentiate":
        return sympy.diff(previous, table.symbol(value))
    if kind == "substitute":
        return previous.xreplace(
            {table.symbol(n): _expanded(parse_expression(t, table), definitions) for n, t in value.items()}
        )
    ((name, point),) = value.items()
    return sympy.limit(previous, table.symbol(name), parse_expression(point, table))


# --- running and scoring ------------------------------------------------------------------------------------


@dataclass
class Scores:
    steps_right: int = 0
    steps: int = 0
    first_right: int = 0
    derivations: int = 0
    first_right_planted: int = 0
    planted: int = 0
    named: int = 0
    nameable: int = 0
    named_all: int = 0
    nameable_all: int = 0
    false_follows: int = 0
    times: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def score(item: Item, verdicts: list[str], kinds: dict[int, str | None], into: Scores, show: str) -> None:
    judged = [i for i, truth in enumerate(item.truth) if truth != "start"]
    for i in judged:
        holds = verdicts[i] in ("start", "follows")
        right = holds == (item.truth[i] == "follows")
        into.steps += 1
        into.steps_right += right
        if item.truth[i] == "does-not-follow" and verdicts[i] == "follows":
            into.false_follows += 1
            into.misses.append(f"{show} FALSE FOLLOWS {item.name} step {i + 1}")
        elif not right:
            into.misses.append(
                f"{show} step {i + 1} marked {verdicts[i]}, label {item.truth[i]}: {item.name}"
            )
    found = next((i for i, verdict in enumerate(verdicts) if verdict in ("does-not-follow", "invalid")), None)
    into.derivations += 1
    into.first_right += found == item.first_error
    if item.first_error is not None:
        into.planted += 1
        into.first_right_planted += found == item.first_error
        label = item.kinds.get(item.first_error)
        named = kinds.get(item.first_error) if found == item.first_error else None
        if label is not None:
            into.nameable_all += 1
            into.named_all += named == label
            if label in NAMED_KINDS:
                into.nameable += 1
                into.named += named == label
            if named != label and kinds:
                into.misses.append(f"{show} kind {named} for {label}: {item.name}")


def run_engine(item: Item, seen: set[Any], into: Scores) -> None:
    derivation = item.derivation()
    marks: list[LineMark] = []
    for index in range(len(derivation.lines)):
        started = time.perf_counter()
        mark = mark_line(derivation, index)
        elapsed = (time.perf_counter() - started) * 1000
        assert mark is not None
        marks.append(mark)
        key = (derivation.context, derivation.lines[: index + 1])
        if key not in seen and item.truth[index] != "start":
            into.times.append(elapsed)
        seen.add(key)
    verdicts = [mark.verdict for mark in marks]
    kinds = {i: mark.diagnosis_kind for i, mark in enumerate(marks)}
    score(item, verdicts, kinds, into, "engine")


def run_baseline(item: Item, seen: set[Any], into: Scores) -> None:
    marks = baseline_marks(item)
    for index, (_, ms) in enumerate(marks):
        key = (item.variables, item.definitions, tuple(map(str, item.steps[: index + 1])))
        if key not in seen and item.truth[index] != "start":
            into.times.append(ms)
        seen.add(key)
    score(item, [verdict for verdict, _ in marks], {}, into, "baseline")


def worker_times(items: list[Item]) -> list[float]:
    from studybuddy.services.derivation import DerivationService
    from studybuddy.services.grading import GradingService

    times = []
    with GradingService() as grading:
        service = DerivationService(grading)
        for item in items:
            derivation = item.derivation()
            for index in range(len(derivation.lines)):
                started = time.perf_counter()
                service.mark_line(derivation, index)
                times.append((time.perf_counter() - started) * 1000)
    return times


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.1f}% ({part}/{whole})" if whole else "     - "


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("nan")


def _latency(times: list[float]) -> str:
    return f"{statistics.median(times):6.1f} / {_p95(times):6.1f}" if times else "-"


def report(title: str, engine: Scores, baseline: Scores) -> None:
    rows = [
        (
            "steps marked right",
            _percent(engine.steps_right, engine.steps),
            _percent(baseline.steps_right, baseline.steps),
        ),
        (
            "first wrong line found (all)",
            _percent(engine.first_right, engine.derivations),
            _percent(baseline.first_right, baseline.derivations),
        ),
        (
            "first wrong line found (with a mistake)",
            _percent(engine.first_right_planted, engine.planted),
            _percent(baseline.first_right_planted, baseline.planted),
        ),
        ("kind named: sign, factor, chain rule", _percent(engine.named, engine.nameable), "  (names none)"),
        ("kind named: every kind", _percent(engine.named_all, engine.nameable_all), "  (names none)"),
        ("wrong steps marked as following", f"{engine.false_follows:6d}", f"{baseline.false_follows:6d}"),
        ("ms a line, median / p95 (in-process)", _latency(engine.times), _latency(baseline.times)),
    ]
    print(f"\n{title}")
    print(f"{'':42} {'studybuddy':>22} {'naive simplify':>22}")
    for label, ours, theirs in rows:
        print(f"{label:42} {ours:>22} {theirs:>22}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--show-misses", action="store_true", help="list every step or kind that is wrong")
    parser.add_argument("--no-worker", action="store_true", help="skip the worker round trip figure")
    args = parser.parse_args()

    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(_Late()))
    from studybuddy.core.grading.grader import warm_up

    warm_up()  # as the grading worker does before its first request
    lessons = lesson_items()
    corpus = {
        "lessons": lessons,
        "planted": planted_items(lessons),
        "hand-written": hand_written_items(),
        "hand-written after tuning": hand_written_items(FRESH),
    }
    print(
        "corpus: "
        + ", ".join(
            f"{name} {len(items)} derivations ({sum(len(i.steps) for i in items)} steps)"
            for name, items in corpus.items()
        )
    )
    totals = (Scores(), Scores())
    engine_seen: set[Any] = set()
    baseline_seen: set[Any] = set()
    started = time.perf_counter()
    for name, items in corpus.items():
        engine, baseline = Scores(), Scores()
        for item in items:
            run_engine(item, engine_seen, engine)
            run_baseline(item, baseline_seen, baseline)
        report(name, engine, baseline)
        for total, part in zip(totals, (engine, baseline), strict=True):
            for key, value in vars(part).items():
                current = getattr(total, key)
                setattr(total, key, current + value)
        if args.show_misses:
            for miss in engine.misses + baseline.misses:
                print("   ", miss)
    report("all", *totals)
    print(f"\n({time.perf_counter() - started:.0f} s)")
    if not args.no_worker:
        times = worker_times(corpus["hand-written"])
        print(f"through the grading worker (hand-written set), ms a line, median / p95: {_latency(times)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
