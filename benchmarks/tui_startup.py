"""TUI speed and memory in a real pseudo-terminal (issue 5's figures).

1. Launch to first painted dashboard, against a minimal Textual app (a Static and a Footer) started the
   same way in the same run. Target: ratio at most 1.2.
2. Key-press repaint latency (F3 to lessons, F2 back to the dashboard) right after the first paint, while the
   lesson library loads (cold cache) and the grading worker starts; on the quiz screen while an answer
   is being graded; F2 pressed as a lesson opens (its file read, its steps pretty-printed); beside the
   same key press on an idle app. Target: at most 50 ms.
3. Peak memory (RSS) of a simulated one-hour session with the full library: every lesson opened and
   stepped through, its checks run, exercises answered, the timer ticked 3,600 times on a fake clock;
   the app process and the grading worker, against a minimal Textual app. Target: at most 150 MB.
4. With --hooks: what each hook of studybuddy/ui/textual_internals.py earns. The app runs with all of
   them, without each one, and without any, in shuffled order in each round: CPU seconds to the first
   paint (user + system, much less swayed by a busy machine than the wall clock), the wall clock to the
   first paint against the minimal app, and the section keys' repaint (the first F3 and F2 while the
   start-up loads run, then F3/F2 twice on the idle app). Run it with nice on a shared machine; the
   1-minute load average is printed with the figures.

    .venv/bin/python benchmarks/tui_startup.py [--rounds 5]
    nice .venv/bin/python benchmarks/tui_startup.py --hooks [--rounds 8]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import pty
import re
import resource
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

COMMAND = Path(sys.executable).with_name("studybuddy")
DASHBOARD_MARKER = b"Today's diary"
MINIMAL_APP = """
import os, resource
from textual.app import App
from textual.widgets import Footer, Static

class Minimal(App):
    BINDINGS = [("ctrl+q", "quit", "Quit")]
    def compose(self):
        yield Static("Today's diary")
        yield Footer()
    def on_ready(self):
        if "CPU_TO_PAINT_FILE" in os.environ:  # --hooks: the CPU seconds spent up to the first paint
            usage = resource.getrusage(resource.RUSAGE_SELF)
            with open(os.environ["CPU_TO_PAINT_FILE"], "w") as out:
                out.write(str(usage.ru_utime + usage.ru_stime))

Minimal().run()
"""


class Terminal:
    """A program in an 80x24 pseudo-terminal, read until a marker shows up."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.fd, child = pty.openpty()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv, stdin=child, stdout=child, stderr=child, env=env, start_new_session=True
        )
        os.close(child)
        self.seen = b""

    def wait_for(self, marker: bytes, timeout: float = 60.0) -> float:
        """The clock when ``marker`` is painted, searching only output newer than the last call.

        A tight loop: each chunk is stamped as it is read, and only the new bytes (plus the marker's
        length of overlap, for a marker split across reads) are searched.
        """
        start = len(self.seen)
        deadline = time.perf_counter() + timeout
        while True:
            if marker in self.seen[max(start, len(self.seen) - len(marker) - (1 << 16)) :]:
                return time.perf_counter()
            left = deadline - time.perf_counter()
            if left <= 0:
                shown = re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b"", self.seen[-3000:]).decode(errors="replace")
                raise TimeoutError(f"{marker!r} never appeared; the screen ended with: {shown[-600:]}")
            if select.select([self.fd], [], [], left)[0]:
                self.seen += os.read(self.fd, 1 << 16)

    def drain(self) -> None:
        """Read whatever is already painted, so the next key's timing starts from a quiet screen."""
        while select.select([self.fd], [], [], 0)[0]:
            self.seen += os.read(self.fd, 1 << 16)

    def key_latency(self, key: bytes, marker: bytes) -> float:
        self.drain()
        sent = time.perf_counter()
        os.write(self.fd, key)
        return self.wait_for(marker) - sent

    def close(self) -> None:
        os.write(self.fd, b"\x11")  # ctrl+q
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        os.close(self.fd)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        """Quit the program even when a wait failed: no app is left running without its terminal."""
        self.close()


def environment(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": "80",
        "LINES": "24",
        "STUDYBUDDY_CONFIG": str(home / "none.toml"),
        "STUDYBUDDY_HOME": str(home),
    }


def first_paint(argv: list[str], home: Path) -> float:
    with Terminal(argv, environment(home)) as terminal:
        return terminal.wait_for(DASHBOARD_MARKER) - terminal.started


F2, F3 = b"\x1bOQ", b"\x1b[13~"  # mode switches: a repaint of a whole screen, no escape-key wait
# Markers painted as one run of text: the focused filter box draws its first letter ("F") in the
# cursor's style, so "Filter lessons" itself only appears when the cursor blinks off (up to 0.5 s).
LESSONS_MARKER, DASHBOARD_AGAIN = b"ilter lessons", b"Recent lessons"


def latency_while_loading(home: Path) -> tuple[list[float], list[float]]:
    """(key latencies just after the first paint, cold library; the same keys once idle)."""
    with Terminal([str(COMMAND)], environment(home)) as terminal:
        terminal.wait_for(DASHBOARD_MARKER)
        busy = [terminal.key_latency(F3, LESSONS_MARKER), terminal.key_latency(F2, DASHBOARD_AGAIN)]
        time.sleep(8)  # benchmark only: let the library load and the grader start
        idle = []
        for _ in range(3):
            idle += [terminal.key_latency(F3, LESSONS_MARKER), terminal.key_latency(F2, DASHBOARD_AGAIN)]
    return busy, idle


def latency_while_grading(home: Path) -> float:
    """F8 (hint) pressed together with the Enter that submits an answer on the quiz screen."""
    with Terminal([str(COMMAND)], environment(home)) as terminal:
        terminal.wait_for(DASHBOARD_MARKER)
        time.sleep(8)  # benchmark only: a warm grader, so the grading itself is what runs
        os.write(terminal.fd, b"\x1b[13~")  # F3
        terminal.wait_for(LESSONS_MARKER)
        os.write(terminal.fd, b"sigmoid")
        terminal.wait_for(b"lessons shown")  # the filtered count: "2 of 45 lessons shown, 0 done"
        os.write(terminal.fd, b"\r")
        time.sleep(0.3)
        os.write(terminal.fd, b"\r")
        # The lesson screen's own footer key (the list's detail pane also has "<title>  ·  ...").
        terminal.wait_for(b"Numeric check")
        os.write(terminal.fd, b"x")
        terminal.wait_for(b"exercise 1 of")  # the quiz's title: "<lesson title>: exercise 1 of 5"
        os.write(terminal.fd, b"exp(-z)/(1+exp(-z))^2*(1+z-z)")
        # The typing painted first, so the figure is the hint key's repaint during a grading, not the
        # backlog of 30 keystrokes; then Enter (submit: the grading starts) and F8 in one write.
        terminal.wait_for(b"(1+z-z)")
        latency = terminal.key_latency(b"\r\x1b[19~", b"Hint 1")  # Enter, F8
    return latency


def latency_while_a_lesson_loads(home: Path) -> tuple[float, float]:
    """(Enter on a lesson in the list to its screen painted; F2 pressed then, while the lesson file is
    read and its steps are pretty-printed (threads and the grading worker): the dashboard's repaint)."""
    with Terminal([str(COMMAND)], environment(home)) as terminal:
        terminal.wait_for(DASHBOARD_MARKER)
        time.sleep(8)  # benchmark only: the library loaded and the grader warm, so only the lesson loads
        os.write(terminal.fd, F3)
        terminal.wait_for(LESSONS_MARKER)
        os.write(terminal.fd, b"sigmoid")
        terminal.wait_for(b"lessons shown")
        os.write(terminal.fd, b"\r")
        time.sleep(0.3)
        opened = terminal.key_latency(b"\r", b"Numeric check")  # its screen is up, the lesson loading
        return opened, terminal.key_latency(F2, DASHBOARD_AGAIN)


# ---- 3. the simulated hour, run in a child process so its peak RSS is its own ----------------------


def simulate_hour(home: str) -> None:
    from studybuddy.services.context import StudyContext
    from studybuddy.ui.app import StudyBuddyApp

    class Clock:
        moment = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)

        def now(self) -> datetime:
            return self.moment

    clock = Clock()
    context = StudyContext.open(home)
    context.clock = clock
    app = StudyBuddyApp(context)

    async def hour() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            app.timer._call(lambda timer: timer.start(subject="machine learning", minutes=60))
            await app.workers.wait_for_complete()
            from studybuddy.ui.screens.lesson import LessonScreen
            from studybuddy.ui.screens.quiz import QuizScreen

            for lesson in app.library.lessons:
                await app.push_screen(LessonScreen(lesson.id))
                await app.workers.wait_for_complete()
                await pilot.pause()
                if not isinstance(app.screen, LessonScreen) or app.screen.lesson is None:
                    app.pop_screen()
                    continue
                for _ in range(len(app.screen.lesson.derivation)):
                    await pilot.press("n")
                await pilot.press("c")
                await app.workers.wait_for_complete()
                await pilot.press("x")
                await app.workers.wait_for_complete()
                if isinstance(app.screen, QuizScreen):
                    await pilot.press(*"x + 1", "enter")
                    await app.workers.wait_for_complete()
                    app.pop_screen()
                app.pop_screen()
                await pilot.pause()
            for _ in range(3600):
                clock.moment += timedelta(seconds=1)
                app.timer.tick()
            await app.workers.wait_for_complete()
            await pilot.pause()

    asyncio.run(hour())
    app_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the grader, once reaped
    print(app_kb, children_kb, len(app.library.lessons))


def minimal_rss() -> None:
    from textual.app import App
    from textual.widgets import Footer, Static

    class Minimal(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("hello")
            yield Footer()

    async def run() -> None:
        async with Minimal().run_test(size=(80, 24)) as pilot:
            await pilot.pause()

    asyncio.run(run())
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, 0, 0)


def child_rss(mode: str, home: Path) -> tuple[int, int, int]:
    out = subprocess.run(
        [sys.executable, __file__, mode, str(home)],
        capture_output=True,
        text=True,
        check=True,
        env=environment(home),
    ).stdout.split()
    app_kb, children_kb, lessons = (int(value) for value in out[-3:])
    return app_kb, children_kb, lessons


# ---- 4. what each Textual hook earns (--hooks) ------------------------------------------------------

HOOK_LAUNCHER = """
import gc, os, resource, sys
gc.disable()  # as studybuddy's own launch does, before the app's modules are imported
from studybuddy.ui import textual_internals
from studybuddy.ui.app import StudyBuddyApp
hooks = {hook.name: hook for hook in textual_internals.HOOKS}
for name in filter(None, os.environ["WITHOUT_HOOKS"].split(",")):
    for method in hooks[name].overrides:  # the app without this hook: Textual's own method runs
        delattr(textual_internals.FastModesApp, method)
on_ready = StudyBuddyApp.on_ready
def measured_on_ready(app):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(os.environ["CPU_TO_PAINT_FILE"], "w") as out:
        out.write(str(usage.ru_utime + usage.ru_stime))
    on_ready(app)
StudyBuddyApp.on_ready = measured_on_ready
from studybuddy.cli import main
sys.exit(main())
"""


def hook_variants() -> dict[str, list[str]]:
    """Variant name -> the hooks taken out (only hooks made of overrides can be)."""
    from studybuddy.ui.textual_internals import HOOKS

    removable = [hook.name for hook in HOOKS if hook.overrides]
    return {"all hooks": [], **{f"without {name}": [name] for name in removable}, "no hooks": removable}


def painted(argv: list[str], home: Path, without: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) from launch to the first painted dashboard."""
    cpu_file = home.with_suffix(".cpu")
    env = {**environment(home), "WITHOUT_HOOKS": ",".join(without), "CPU_TO_PAINT_FILE": str(cpu_file)}
    with Terminal(argv, env) as terminal:
        wall = terminal.wait_for(DASHBOARD_MARKER) - terminal.started
        deadline = time.perf_counter() + 10
        while not (cpu_file.exists() and cpu_file.read_text()) and time.perf_counter() < deadline:
            time.sleep(0.01)  # benchmark only: on_ready writes it as the frame goes out
    return float(cpu_file.read_text()), wall


def key_repaints(home: Path, without: list[str]) -> tuple[list[float], list[float]]:
    """(F3 and F2 right after the first paint, start-up loads running; F3/F2 twice once idle)."""
    env = {**environment(home), "WITHOUT_HOOKS": ",".join(without), "CPU_TO_PAINT_FILE": os.devnull}
    with Terminal([sys.executable, "-c", HOOK_LAUNCHER], env) as terminal:
        terminal.wait_for(DASHBOARD_MARKER)
        busy = [terminal.key_latency(F3, LESSONS_MARKER), terminal.key_latency(F2, DASHBOARD_AGAIN)]
        time.sleep(6)  # benchmark only: the library loaded and the grader started
        idle: list[float] = []
        for _ in range(2):
            idle += [terminal.key_latency(F3, LESSONS_MARKER), terminal.key_latency(F2, DASHBOARD_AGAIN)]
    return busy, idle


def measure_hooks(rounds: int) -> None:
    import random

    variants = hook_variants()
    cpu: dict[str, list[float]] = {name: [] for name in [*variants, "minimal"]}
    wall: dict[str, list[float]] = {name: [] for name in [*variants, "minimal"]}
    f3_busy: dict[str, list[float]] = {name: [] for name in variants}
    f2_busy: dict[str, list[float]] = {name: [] for name in variants}
    idle: dict[str, list[float]] = {name: [] for name in variants}
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        minimal_file = root / "minimal.py"
        minimal_file.write_text(MINIMAL_APP)
        for round_number in range(rounds):
            order = list(variants)
            random.shuffle(order)  # no variant always runs first, or just after another
            spent, seconds = painted([sys.executable, str(minimal_file)], root / f"m{round_number}", [])
            cpu["minimal"].append(spent)
            wall["minimal"].append(seconds)
            for index, name in enumerate(order):
                home = root / f"r{round_number}-{index}"
                spent, seconds = painted([sys.executable, "-c", HOOK_LAUNCHER], home, variants[name])
                cpu[name].append(spent)
                wall[name].append(seconds)
                busy, calm = key_repaints(home.with_name(home.name + "-keys"), variants[name])
                f3_busy[name].append(busy[0])
                f2_busy[name].append(busy[1])
                idle[name] += calm
            loads.append(os.getloadavg()[0])

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.0f}"

    minimal_cpu, minimal_wall = statistics.median(cpu["minimal"]), statistics.median(wall["minimal"])
    print(
        f"{'app':<34} {'CPU to paint':>12} {'ratio':>6} {'paint':>6} {'ratio':>6} "
        f"{'F3 busy':>8} {'F2 busy':>8} {'F3/F2 idle':>11}"
    )
    print(
        f"{'minimal Textual app':<34} {ms(cpu['minimal']):>9} ms {1:>6.2f} {ms(wall['minimal']):>6} {1:>6.2f}"
    )
    for name in variants:
        print(
            f"{name:<34} {ms(cpu[name]):>9} ms {statistics.median(cpu[name]) / minimal_cpu:>6.2f} "
            f"{ms(wall[name]):>6} {statistics.median(wall[name]) / minimal_wall:>6.2f} "
            f"{ms(f3_busy[name]):>8} {ms(f2_busy[name]):>8} {ms(idle[name]):>11}"
        )
    print(
        f"(medians in ms of {rounds} rounds, variants shuffled in each; 80x24 pseudo-terminal; 1-minute "
        f"load average {', '.join(f'{load:.1f}' for load in loads)} on {os.cpu_count()} CPUs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--hooks", action="store_true", help="what each Textual hook earns (4.)")
    args = parser.parse_args()
    if not COMMAND.exists():
        raise SystemExit(f"{COMMAND} is not installed (pip install -e .)")
    # Bytecode for studybuddy, as an installed wheel has (and Textual has in site-packages): with
    # PYTHONDONTWRITEBYTECODE set, an editable checkout would otherwise be compiled on every launch.
    compileall.compile_dir(Path(__file__).resolve().parents[1] / "studybuddy", quiet=1)
    if args.hooks:
        measure_hooks(args.rounds)
        return
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        minimal_file = root / "minimal.py"
        minimal_file.write_text(MINIMAL_APP)
        app_times, minimal_times = [], []
        for round_number in range(args.rounds):  # interleaved, so drift hits both alike
            minimal_times.append(first_paint([sys.executable, str(minimal_file)], root / f"m{round_number}"))
            app_times.append(first_paint([str(COMMAND)], root / f"a{round_number}"))
        busy, idle = latency_while_loading(root / "latency")
        grading = latency_while_grading(root / "latency")
        lesson_opened, lesson_loading = latency_while_a_lesson_loads(root / "lesson-latency")
        app_kb, grader_kb, lessons = child_rss("--simulate-hour", root / "hour")
        minimal_kb, _, _ = child_rss("--minimal-rss", root / "minimal")

    def row(name: str, value: float, unit: str, baseline: float, target: str) -> tuple[str, ...]:
        return (name, f"{value:.0f} {unit}", f"{value / baseline:.2f}", target)

    paint, minimal = statistics.median(app_times) * 1000, statistics.median(minimal_times) * 1000
    idle_ms, busy_ms = statistics.median(idle) * 1000, max(busy) * 1000
    rows = [
        row("first paint, minimal Textual app", minimal, "ms", minimal, "baseline"),
        row("first paint, studybuddy dashboard", paint, "ms", minimal, "ratio <= 1.2"),
        row("key repaint F2/F3, idle app (median of 6)", idle_ms, "ms", idle_ms, "baseline"),
        row("key repaint, library + grader loading (max of 2)", busy_ms, "ms", idle_ms, "<= 50 ms"),
        row("key repaint, answer being graded", grading * 1000, "ms", idle_ms, "<= 50 ms"),
        row("Enter on a lesson in the list: its screen painted", lesson_opened * 1000, "ms", idle_ms, ""),
        row("key repaint F2, a lesson opening", lesson_loading * 1000, "ms", idle_ms, "<= 50 ms"),
        row("peak RSS, minimal Textual app", minimal_kb / 1024, "MB", minimal_kb / 1024, "baseline"),
        row(
            f"peak RSS, one-hour session, {lessons} lessons: app",
            app_kb / 1024,
            "MB",
            minimal_kb / 1024,
            "<= 150 MB",
        ),
        row("peak RSS, same session: grading worker", grader_kb / 1024, "MB", minimal_kb / 1024, ""),
    ]
    print(f"{'measure':<52} {'value':>8} {'ratio':>6}  target")
    for name, value, ratio, target in rows:
        print(f"{name:<52} {value:>8} {ratio:>6}  {target}")
    print(f"(first paint: median of {args.rounds} interleaved runs; 80x24 pseudo-terminal)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--simulate-hour":
        simulate_hour(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "--minimal-rss":
        minimal_rss()
    else:
        main()
