"""Lesson library start-up: warm (cache valid), cold (parse + validate) against PyYAML's C loader.

Generates 1,000 lesson files in a temporary folder, then times, in the same run:
  baseline   read each file and yaml.load(..., Loader=yaml.CSafeLoader)   (parse only, no checks)
  parse      read and safe-parse only (events, marks, all the refusals): where cold's time goes
  cold       read, safe-parse and validate into Lesson objects
  cold+save  the same, and write the start-up cache
  warm       find the files, stat them, read the cache: the library is ready

Expressions are not parsed at load time (that is the costly part, done when a lesson is first
opened or checked), so "cold" is the time for the library list to appear.

Both the best and the median of the runs are compared with the baseline's best and median; the
cold target holds only if both ratios are within it (a shared machine makes single runs noisy).

Run: .venv/bin/python benchmarks/lesson_library.py [--lessons 1000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from studybuddy.storage.lesson_cache import LessonCache
from studybuddy.storage.lesson_library import find_lesson_files, load_library
from studybuddy.storage.lesson_yaml import load_yaml_bytes

COLD_TARGET = 1.3  # times the baseline
WARM_TARGET_MS = 25.0

PARAGRAPH = (
    "The sigmoid squashes any real number into the open interval (0, 1), which is why it is read as a "
    "probability. Its derivative can be written with the sigmoid itself, so the backward pass reuses the "
    "forward value instead of computing exp again.\n"
)

TEMPLATE = """\
id: lesson-{n}
title: The sigmoid and its derivative, variant {n}
subject: machine-learning
topic: topic-{topic}
tags: [sigmoid, activation, chain-rule]
requires: []
symbols:
  x: real
  s: probability
  w: {{domain: real, shape: [3]}}
definitions:
  s: 1/(1 + exp(-x))
intro: |
{intro}
derivation:
  - expr: 1/(1 + exp(-x))
    reason: The definition of the sigmoid.
  - expr: exp(-x)/(1 + exp(-x))^2
    reason: Differentiate with the chain rule; the inner derivative of 1 + exp(-x) is -exp(-x).
    by: {{differentiate: x}}
  - expr: 1/(1 + exp(-x)) * exp(-x)/(1 + exp(-x))
    reason: Split the square into two factors.
  - expr: s*(1 - s)
    reason: The first factor is s and the second is 1 - s.
checks:
  - id: sigmoid-gradient
    kind: gradient
    description: Finite differences agree with s(1 - s).
    function: 1/(1 + exp(-x))
    gradient: {{x: s*(1 - s)}}
  - id: at-zero
    kind: example
    description: At x = 0 the sigmoid is one half.
    values: {{x: 0}}
    expr: s
    expected: 0.5
exercises:
{exercises}
"""

EXERCISE = """\
  - id: exercise-{k}
    prompt: What is ds/dx, written in terms of s? (variant {k})
    answer: s*(1 - s)
    hints:
      - Differentiate 1/(1 + exp(-x)) with the chain rule.
      - You get exp(-x)/(1 + exp(-x))^2. Split it into two factors.
    mistakes:
      - answer: s*(1 + s)
        feedback: Check the sign of the second factor; 1 - s is exp(-x)/(1 + exp(-x)).
      - answer: exp(-x)/(1 + exp(-x))
        feedback: That is only the second factor, 1 - s; you dropped the factor s.
    solution: |
      ds/dx = exp(-x)/(1 + exp(-x))^2 = s * (1 - s).
"""


def generate(folder: Path, count: int) -> int:
    intro = "".join("  " + line + "\n" for line in (PARAGRAPH * 4).splitlines())
    exercises = "".join(EXERCISE.format(k=k) for k in range(4))
    total = 0
    for n in range(count):
        text = TEMPLATE.format(n=n, topic=n % 20, intro=intro.rstrip("\n"), exercises=exercises.rstrip("\n"))
        path = folder / f"topic-{n % 20}" / f"lesson-{n}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        total += len(text)
    return total


def timed(actions: list[Callable[[], object]], repeat: int) -> list[tuple[float, float]]:
    """(best, median) seconds per action. Rounds interleave the actions so that a busy moment on
    a shared machine hits each of them alike."""
    samples: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for index, action in enumerate(actions):
            started = time.perf_counter()
            action()
            samples[index].append(time.perf_counter() - started)
    return [(min(times), statistics.median(times)) for times in samples]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        library_dir = root / "lessons"
        size = generate(library_dir, args.lessons)
        cache_path = root / "cache" / "lesson-index.json"
        files = find_lesson_files([(library_dir, "user")])

        def baseline() -> None:
            for file in files:
                yaml.load(file.path.read_bytes(), Loader=yaml.CSafeLoader)

        def parse() -> None:
            for file in files:
                with open(file.filename, "rb") as handle:
                    load_yaml_bytes(handle.read(), file.display_name)

        def cold() -> None:
            library = load_library(files)
            assert all(entry.loads for entry in library.entries), library.entries[0].error

        def cold_and_save() -> None:
            cache_path.unlink(missing_ok=True)
            load_library(files, LessonCache(cache_path))

        def warm() -> None:
            library = load_library(find_lesson_files([(library_dir, "user")]), LessonCache(cache_path))
            assert len(library.entries) == args.lessons

        baseline()  # warm the OS file cache for everyone alike
        cold_and_save()
        names = [
            "baseline: read + yaml.CSafeLoader",
            "parse: read + safe parse",
            "cold: read + safe parse + validate",
            "cold + write the cache",
            "warm: find + stat + cache",
        ]
        actions = [baseline, parse, cold, cold_and_save, warm]
        rows = dict(zip(names, timed(actions, args.repeat), strict=True))

    base_best, base_median = rows[names[0]]
    print(f"{args.lessons} lessons, {size / 1024 / 1024:.1f} MB of YAML, {args.repeat} runs each")
    print(f"{'what':40} {'best ms':>9} {'x base':>7} {'median ms':>10} {'x base':>7}")
    for name, (best, median) in rows.items():
        best_ratio, median_ratio = best / base_best, median / base_median
        print(f"{name:40} {best * 1000:9.1f} {best_ratio:7.2f} {median * 1000:10.1f} {median_ratio:7.2f}")
    cold_best, cold_median = rows[names[2]]
    warm_best, warm_median = rows[names[4]]
    cold_ratios = (cold_best / base_best, cold_median / base_median)
    print(
        f"cold <= {COLD_TARGET:.2f} x baseline: {_verdict(max(cold_ratios) <= COLD_TARGET)} "
        f"(best {cold_ratios[0]:.2f}, median {cold_ratios[1]:.2f})"
    )
    print(
        f"warm <= {WARM_TARGET_MS:.0f} ms: {_verdict(warm_median * 1000 <= WARM_TARGET_MS)} "
        f"(best {warm_best * 1000:.1f} ms, median {warm_median * 1000:.1f} ms)"
    )


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


if __name__ == "__main__":
    main()
