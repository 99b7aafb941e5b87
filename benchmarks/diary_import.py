"""`diary import` of one long diary of 3,650 days, against the importer before issue 15, in the same run.

Target (issue 15): importing a 3,650-day diary within 1.5x of the importer it replaced, which knew
no decorated headings, repaired Windows-1252 and Mac Roman mojibake by hand and copied no pictures.
That importer is taken from git (``BASELINE``, the commit before the new one) into a temporary
module, so both run on the same text in the same process. The diary is written as learners write
them: emoji in day headings (``## 2025-07-06 📘 — ...``, after the date so the old importer finds
every day as well), bold dates, accented words and symbols on
most lines, a line of mojibake now and then, code blocks, a picture link on some days.

Rows: splitting (decode, repair, split: ``plan_import``), the whole `diary import --dry-run` path
through the service (the picture links resolved, nothing written), and the import itself into an
empty home (every entry written; the pictures copied, which the old importer did not do), each
beside the old one.

    .venv/bin/python benchmarks/diary_import.py
"""

from __future__ import annotations

import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

from studybuddy.core.clock import Clock
from studybuddy.core.diary_import import decode_diary, plan_import
from studybuddy.services.diary import DiaryService
from studybuddy.storage.diary_files import ABSENT, DiaryFiles

BASELINE = "d0342cc^"  # the last commit with the old importer and its hand-written mojibake repair
DAYS = 3650
FIRST_DAY = date(2015, 1, 1)
TARGET_RATIO = 1.5
REPO = Path(__file__).resolve().parent.parent

WORDS = (  # noqa: SIM905
    "gradient descent backpropagation softmax jacobian sigmoid derivative chain rule matrix vector "
    "eigenvalue regularization convolution kernel stride pooling attention embedding probability "
    "likelihood entropy loss optimizer momentum today studied reread derived understood confused"
).split()
ACCENTED = ["naïve", "café", "≈", "→", "∂L/∂w", "σ(x)", "✅", "—", "“ok”", "½", "🙂", "Σᵢ"]
DECORATIONS = ["📘", "🧠", "✅", "🗓️", "🔥"]


class _Clock(Clock):
    def now(self):  # type: ignore[no-untyped-def]
        from datetime import UTC, datetime

        return datetime(2025, 7, 6, 12, tzinfo=UTC)


def generate(rng: random.Random, folder: Path) -> Path:
    (folder / "pictures").mkdir(parents=True)
    lines: list[str] = []
    for number in range(DAYS):
        day = FIRST_DAY + timedelta(days=number)
        if rng.random() < 0.5:
            # The emoji after the date: the old importer must find every day too, or it does less work.
            lines.append(f"## {day.isoformat()} {rng.choice(DECORATIONS)} — {rng.choice(WORDS)}")
        else:
            lines.append(f"**{day.isoformat()}**\\")
        for _ in range(rng.randint(3, 8)):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
            if rng.random() < 0.6:
                text += " " + rng.choice(ACCENTED)
            if rng.random() < 0.03:  # pasted from a tool that read UTF-8 as Windows-1252
                text += " " + "done ✅ ≈ 0.1".encode().decode("cp1252", errors="replace")
            lines.append(f"- {text}")
        if rng.random() < 0.1:
            name = f"plot-{number}.png"
            (folder / "pictures" / name).write_bytes(b"\x89PNG picture")
            lines.append(f"![loss](./pictures/{name})")
        if rng.random() < 0.2:
            lines += ["```python", "dz[label] -= 1", "```"]
        lines.append("")
    source = folder / "diary.md"
    source.write_text("\n".join(lines), encoding="utf-8")
    return source


def old_importer(folder: Path) -> ModuleType | None:
    """The importer at BASELINE, loaded as a module of its own (with its own mojibake repair)."""
    try:
        files = {
            name: subprocess.run(
                ["git", "-C", str(REPO), "show", f"{BASELINE}:studybuddy/core/{name}.py"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
            for name in ("diary_import", "mojibake")
        }
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"baseline unavailable (git show {BASELINE}: {error}); new figures only")
        return None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "old_mojibake.py").write_text(files["mojibake"])
    (folder / "old_diary_import.py").write_text(
        files["diary_import"].replace("from studybuddy.core.mojibake import", "from old_mojibake import")
    )
    sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location("old_diary_import", folder / "old_diary_import.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_diary_import"] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def interleaved(new: Callable[[], object], old: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median ms of ``new`` and of ``old``, each run ``repeat`` times in turn."""
    new_times, old_times = [], []
    for _ in range(repeat):
        new_times.append(median_ms(new, 1))
        old_times.append(median_ms(old, 1))
    return statistics.median(new_times), statistics.median(old_times)


def main() -> None:
    rng = random.Random(20250706)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        source = generate(rng, folder / "learner")
        data = source.read_bytes()
        old = old_importer(folder / "old")
        service = DiaryService(DiaryFiles(folder / "home" / "diary"), _Clock())

        def new_split() -> object:
            return plan_import(decode_diary(data)[0])

        def new_dry_run() -> object:
            return service.import_file(source, dry_run=True)

        plan = new_split()
        report = service.import_file(source, dry_run=True)
        homes = iter(range(1_000))

        def new_import() -> object:  # into a fresh home each time: 3,650 files and the pictures written
            fresh = DiaryFiles(folder / f"new-home-{next(homes)}" / "diary")
            return DiaryService(fresh, _Clock()).import_file(source)

        operations = [
            "split (decode, repair, find days)",
            "`diary import --dry-run` (+ picture links)",
            "`diary import` into an empty home",
        ]
        if old is None:
            rows = [
                (operation, median_ms(action, 5), None)
                for operation, action in zip(operations, (new_split, new_dry_run, new_import), strict=True)
            ]
            found = (len(plan.entries), 0)
        else:
            files = DiaryFiles(folder / "home" / "diary")

            def old_split() -> object:
                return old.plan_import(old.decode_diary(data)[0])

            def old_dry_run() -> None:  # the old service's dry run: the split, and a look at each day
                for entry in old.plan_import(old.decode_diary(data)[0]).entries:
                    files.read(entry.day)

            def old_import() -> None:  # the old service's import: the split, then each entry saved
                fresh = DiaryFiles(folder / f"old-home-{next(homes)}" / "diary")
                with fresh.locked():
                    for entry in old.plan_import(old.decode_diary(data)[0]).entries:
                        fresh.read(entry.day)
                        fresh.save(entry.day, entry.file_text, expected=ABSENT)

            found = (len(plan.entries), len(old_split().entries))  # type: ignore[attr-defined]
            # Old and new taken in turn, so a busy moment of the machine weighs on both alike.
            rows = [
                (operation, *interleaved(new, baseline, repeat))
                for operation, new, baseline, repeat in zip(
                    operations,
                    (new_split, new_dry_run, new_import),
                    (old_split, old_dry_run, old_import),
                    (9, 9, 3),
                    strict=True,
                )
            ]

    print(f"Diary import benchmark: one diary of {DAYS} days ({len(data) / 1e6:.1f} MB), Python "
          f"{sys.version.split()[0]}; baseline: the importer at {BASELINE}, same text and run\n")  # fmt: skip
    print(f"entries found: {found[0]} (old importer: {found[1]}); repaired {len(plan.repairs)} "
          f"mojibake runs; {len(report.attachments)} pictures to copy\n")  # fmt: skip
    header = f"{'operation':<46} {'ms':>9} {'old ms':>9} {'ratio':>7} {'target':>7}"
    print(header)
    print("-" * len(header))
    for operation, ms, baseline in rows:
        if baseline is None:
            print(f"{operation:<46} {ms:>9.1f}")
            continue
        ratio = ms / baseline
        verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
        print(f"{operation:<46} {ms:>9.1f} {baseline:>9.1f} {ratio:>7.2f} ≤{TARGET_RATIO:g} {verdict}")


if __name__ == "__main__":
    main()
