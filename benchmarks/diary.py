"""Diary speed on a generated home with 10 years of entries (3,650 files).

Targets (issue 4): listing the diary and opening one day at most 100 ms; a search at most 10 ms per
query after the first. Each figure is printed beside the time to simply read the same files, measured
in the same run (machines here are noisy; the ratio is what carries over).

    .venv/bin/python benchmarks/diary.py
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from studybuddy.core.diary_search import parse_query
from studybuddy.storage.diary_files import DiaryFiles

ENTRIES = 3650
FIRST_DAY = date(2015, 1, 1)
TODAY = FIRST_DAY + timedelta(days=ENTRIES - 1)
QUERIES = [
    "backprop",
    "softmax jacobian",
    "#calculus",
    "gradient 2019",
    '"chain rule" from:2020-01-01',
    "eigen #ml",
]

VOCABULARY = (  # noqa: SIM905 (a paragraph of words reads better than a list of 50 strings)
    "gradient descent backpropagation softmax jacobian sigmoid derivative chain rule matrix vector "
    "eigenvalue eigenvector regularization overfitting convolution kernel stride pooling attention "
    "transformer embedding probability likelihood entropy loss optimizer momentum adam learning rate "
    "batch epoch dataset lemma proof today studied reread derived wrote tried understood confused "
    "finally again notes hour timer exercise"
).split()
TAGS = ["#ml", "#calculus", "#linear-algebra", "#probability", "#ml/backprop", "#review"]


def generate_home(folder: Path, rng: random.Random) -> list[date]:
    diary = folder / "diary"
    diary.mkdir(parents=True)
    days = [FIRST_DAY + timedelta(days=n) for n in range(ENTRIES)]
    for day in days:
        lines = [f"---\ntags: [{rng.choice(TAGS)[1:]}]\n---", f"# {day:%A %d %B %Y}", ""]
        for _ in range(rng.randint(4, 10)):
            words = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(8, 20)))
            lines.append(f"- {rng.randint(8, 22):02d}:{rng.randint(0, 59):02d} {words} {rng.choice(TAGS)}")
        if rng.random() < 0.2:
            lines += ["```python", "dz[label] -= 1  # #not-a-tag", "```"]
        (diary / f"{day.isoformat()}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return days


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def read_all(folder: Path) -> None:
    for name in os.listdir(folder):
        with open(folder / name, "rb") as handle:
            handle.read()


def main() -> None:
    rng = random.Random(20250706)
    with tempfile.TemporaryDirectory() as temporary:
        home = Path(temporary)
        days = generate_home(home, rng)
        folder = home / "diary"
        one_day = days[len(days) // 2]
        read_all(folder)  # warm the page cache for every row alike

        rows: list[tuple[str, float, str, float, float | None]] = []
        read_everything = median_ms(lambda: read_all(folder), 7)
        rows.append(
            (
                "list 3,650 days",
                median_ms(lambda: DiaryFiles(folder).days(), 15),
                "read all files",
                read_everything,
                100,
            )
        )
        path = folder / f"{one_day.isoformat()}.md"
        rows.append(
            (
                "open one day (read + parse + tags)",
                median_ms(lambda: DiaryFiles(folder).read(one_day).entry.tags, 51),  # type: ignore[union-attr]
                "read that file",
                median_ms(path.read_bytes, 51),
                100,
            )
        )

        def first_search() -> None:
            DiaryFiles(folder).search(parse_query(QUERIES[0], TODAY))

        rows.append(
            (
                "first search (reads all, builds the index)",
                median_ms(first_search, 3),
                "read all files",
                read_everything,
                None,
            )
        )
        warm = DiaryFiles(folder)
        warm.search(parse_query("warm", TODAY))
        for text in QUERIES:
            query = parse_query(text, TODAY)
            hits = len(warm.search(query))
            rows.append(
                (
                    f"search {text} ({hits} hits)",
                    median_ms(lambda q=query: warm.search(q), 21),
                    "read all files",
                    read_everything,
                    10,
                )
            )
        strict = DiaryFiles(folder, recheck_seconds=0.0)  # stat every file before every search
        strict.search(parse_query("warm", TODAY))
        rows.append(
            (
                "search, every file stat'ed first",
                median_ms(lambda: strict.search(parse_query("backprop", TODAY)), 11),
                "read all files",
                read_everything,
                10,
            )
        )
        after_change = []
        for repetition in range(7):  # an editor saving by rename changes the folder: a sweep + one re-read
            changed = folder / f"{days[repetition].isoformat()}.md"
            scratch = folder / f".scratch-{repetition}"
            scratch.write_text(f"changed outside the app: transformer {repetition}\n")
            os.replace(scratch, changed)
            after_change.append(median_ms(lambda: warm.search(parse_query("transformer", TODAY)), 1))
        rows.append(
            (
                "search after a file changed",
                statistics.median(after_change),
                "read all files",
                read_everything,
                10,
            )
        )

        env = {**os.environ, "STUDYBUDDY_CONFIG": str(home / "none.toml")}
        command = [sys.executable, "-m", "studybuddy", "--home", str(home), "diary", "list"]
        bare = [sys.executable, "-c", "pass"]
        run = lambda argv: subprocess.run(argv, env=env, capture_output=True, check=True)  # noqa: E731
        rows.append(
            (
                "`studybuddy diary list` (whole process)",
                median_ms(lambda: run(command), 5),
                "`python -c pass`",
                median_ms(lambda: run(bare), 5),
                None,
            )
        )

    print(f"Diary benchmark: {ENTRIES} entries, Python {sys.version.split()[0]}, files in the page cache\n")
    header = f"{'operation':<44} {'ms':>8}  {'baseline':<18} {'ms':>8} {'ratio':>7}  {'target':>8}"
    print(header)
    print("-" * len(header))
    for name, ms, baseline, baseline_ms, target in rows:
        verdict = "" if target is None else f"{'ok' if ms <= target else 'SLOW'} ≤{target}"
        ratio = ms / baseline_ms
        print(f"{name:<44} {ms:>8.2f}  {baseline:<18} {baseline_ms:>8.2f} {ratio:>7.3f}  {verdict:>8}")


if __name__ == "__main__":
    main()
