"""What variants cost `studybuddy lessons check`, against what a lesson's check costs anyway.

Issue 12's target: drawing and proving a variant stays within `lessons check`'s current time per
lesson. Every bundled lesson (and the exercise-kinds fixture) is checked in this process, warm (SymPy
imported, each lesson checked once before it is timed): the whole check's time per lesson, and for
each exercise with parameters the time of its variant items (every draw's answer defined, up to 256
combinations; the answer and each listed mistake proved on four draws) and of one draw alone
(core.lessons.variants.instantiate, what the app does for each variant it shows).

    .venv/bin/python benchmarks/variant_checking.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lessons() -> list:
    from studybuddy.core.lessons import validate_lesson
    from studybuddy.storage.lesson_yaml import load_yaml_text

    paths = sorted((ROOT / "lessons").rglob("*.yaml"))
    paths.append(ROOT / "tests" / "fixtures" / "lessons" / "exercise-kinds.yaml")
    return [
        validate_lesson(load_yaml_text(path.read_text(encoding="utf-8"), str(path)), str(path))
        for path in paths
    ]


def timed_check(lesson, runs: int) -> tuple[float, dict[str, float]]:
    """(median wall ms of the whole check, median ms per item key) over ``runs`` warm runs."""
    from studybuddy.core.lessons.checker import check_lesson

    check_lesson(lesson)  # warm: the first check parses and caches what every later one reuses
    walls, items = [], {}
    for _ in range(runs):
        started = time.perf_counter()
        results = check_lesson(lesson)
        walls.append((time.perf_counter() - started) * 1000)
        for result in results:
            items.setdefault(result.key, []).append(result.ms)
    return statistics.median(walls), {key: statistics.median(ms) for key, ms in items.items()}


def draw_us(exercise, count: int = 2000) -> float:
    from studybuddy.core.lessons.variants import instantiate

    started = time.perf_counter()
    for seed in range(count):
        instantiate(exercise, seed)
    return (time.perf_counter() - started) / count * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="timed checks per lesson (default 3)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    whole: list[float] = []
    rows = []
    for lesson in lessons():
        wall, items = timed_check(lesson, args.runs)
        whole.append(wall)
        for exercise in lesson.exercises:
            if not exercise.parameters:
                continue
            mine = {
                k: ms
                for k, ms in items.items()
                if k == f"exercise {exercise.id}" or k.startswith(f"exercise {exercise.id} ")
            }
            every = mine.get(f"exercise {exercise.id} variants", 0.0)
            proved = sum(ms for key, ms in mine.items() if not key.endswith(" variants"))
            rows.append((lesson.id, exercise.id, wall, every, proved, draw_us(exercise)))
    per_lesson = statistics.median(whole)
    print(f"lessons check, warm, per lesson ({len(whole)} lessons, median of {args.runs} runs each):")
    print(
        f"  median {per_lesson:.0f} ms, p90 {sorted(whole)[int(0.9 * len(whole))]:.0f} ms, "
        f"max {max(whole):.0f} ms"
    )
    print(f"\nexercises with parameters ({len(rows)}):")
    print(f"{'lesson/exercise':52} {'lesson check':>12} {'every draw':>10} {'4 proved':>9} {'one draw':>9}")
    for lesson_id, exercise_id, wall, every, proved, micro in rows:
        name = f"{lesson_id}/{exercise_id}"
        print(f"{name:52} {wall:9.0f} ms {every:7.1f} ms {proved:6.1f} ms {micro:6.1f} µs")
    if rows:
        variant_ms = [every + proved for _, _, _, every, proved, _ in rows]
        worst = max(variant_ms)
        print(
            "\nvariants of one exercise (every draw + four proved): "
            f"median {statistics.median(variant_ms):.1f} ms, max {worst:.1f} ms; "
            f"a whole lesson's check: median {per_lesson:.0f} ms "
            f"({'PASS' if worst <= per_lesson else 'FAIL'}: within one lesson's check time)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
