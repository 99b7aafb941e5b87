"""``studybuddy stats``: study minutes per day and per subject, streaks, and a calendar heatmap."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studybuddy.core.stats import Heatmap
    from studybuddy.services.progress import LessonStanding
    from studybuddy.services.stats import StatsReport

SHADES = "·░▒▓█"  # heatmap levels 0..4; readable without colour
COLOURS = (245, 22, 28, 34, 40)  # 256-colour greens per level, when colour is on
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SUBJECT_BAR_WIDTH = 24


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = subparsers.add_parser(
        "stats",
        help="study minutes per day and subject, streaks, and a heatmap",
        description="Study time over the last 7, 30 (default) or 365 days. A day counts for the streak "
        "when it has a minute of study; today not studied yet does not break it. Then, for every lesson "
        "opened or answered, how far and how well it went (all time): an exercise is mastered when its "
        "review card is expected to be recalled three weeks on (FSRS stability of 21 days), not when it "
        "was once right. Set NO_COLOR for plain output.",
    )
    window = stats.add_mutually_exclusive_group()
    for name in ("week", "month", "year"):
        window.add_argument(f"--{name}", dest="window", action="store_const", const=name)
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(handler=_stats, window="month")


def _stats(args: argparse.Namespace) -> int:
    from studybuddy.cli.database_notice import open_context
    from studybuddy.core.stats import Window
    from studybuddy.services.progress import study_overview

    overview = study_overview(open_context(args), Window(args.window))  # as Progress (F5) reads it
    report, standings = overview.report, overview.lessons
    if args.json:
        print(json.dumps({**report.to_json(), "lessons": [_standing_json(s) for s in standings]}, indent=2))
        return 0
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    width = shutil.get_terminal_size().columns
    print("\n".join([*render_report(report, colour=colour, width=width), *render_lessons(standings)]))
    return 0


def render_lessons(standings: list[LessonStanding]) -> list[str]:
    """One line per lesson opened or answered: steps seen, exercises mastered, answers (all time)."""
    if not standings:
        return []
    lines = ["", "Lessons (all time)"]
    widest = min(40, max(len(standing.title) for standing in standings))
    for standing in standings:
        title = standing.title if len(standing.title) <= widest else standing.title[: widest - 1] + "…"
        answers = f"{standing.attempts} answer{_s(standing.attempts)}, {standing.right} right"
        if standing.after_solution:
            answers += f", {standing.after_solution} after the solution (not counted)"
        steps, mastered = standing.steps_text, standing.mastered_text
        lines.append(f"  {title:<{widest}}  steps {steps:>5}  mastered {mastered:>5}  {answers}")
    return lines


def _standing_json(standing: LessonStanding) -> dict[str, object]:
    return {
        "id": standing.lesson_id,
        "title": standing.title,
        "steps_seen": standing.steps_seen,
        "steps_total": standing.steps_total,
        "exercises": standing.exercises,
        "mastered": standing.mastered,
        "attempts": standing.attempts,
        "right": standing.right,
        "after_solution": standing.after_solution,
    }


def render_report(report: StatsReport, *, colour: bool = False, width: int = 80) -> list[str]:
    from studybuddy.core.stats import study_time

    days = (report.end - report.start).days + 1
    streak = report.streaks
    lines = [
        f"Last {days} days ({report.start.isoformat()} to {report.end.isoformat()}): "
        f"{study_time(report.total_minutes)} on {report.days_studied} day{_s(report.days_studied)}",
        f"Streak: {streak.current} day{_s(streak.current)} (longest {streak.longest})",
        "",
    ]
    if report.minutes_by_subject:
        lines.append("By subject")
        longest_name = max(len(subject) for subject in report.minutes_by_subject)
        most = max(report.minutes_by_subject.values())
        for subject, minutes in report.minutes_by_subject.items():
            bar = "█" * max(1, round(SUBJECT_BAR_WIDTH * minutes / most))
            lines.append(f"  {subject:<{longest_name}}  {study_time(minutes):>11}  {bar}")
        lines.append("")
    else:
        lines += ["No study time recorded in this window.", ""]
    if days <= 7:
        lines.append("By day")
        for day, minutes in report.minutes_by_day.items():
            lines.append(f"  {day:%a %d %b}  {study_time(minutes):>11}  {_cell(minutes, colour)}")
        lines.append("")
    lines += render_heatmap(report.heatmap, colour=colour, width=width)
    return lines


def render_heatmap(heatmap: Heatmap, *, colour: bool = False, width: int = 80) -> list[str]:
    """Weekdays as rows, weeks as columns (oldest left), month names above the week they start in."""
    from studybuddy.core.stats import LEVEL_MINUTES, study_time

    cell_width = 2 if 5 + 2 * heatmap.weeks <= width else 1
    mondays = heatmap.column_starts()
    header = [" "] * (cell_width * heatmap.weeks + 8)
    free_from = 0
    for column, monday in enumerate(mondays):
        week = [monday + timedelta(days=offset) for offset in range(7)]
        first_of_month = next((day for day in week if day.day == 1), None)
        if column == 0 or first_of_month is not None:
            label = f"{(first_of_month or monday):%b}"
            position = column * cell_width
            if position >= free_from:
                header[position : position + 3] = label
                free_from = position + 4
    lines = ["     " + "".join(header).rstrip()]
    for weekday, row in enumerate(heatmap.rows):
        pad = " " * (cell_width - 1)
        cells = (" " + pad if cell is None else _shade(cell.level, colour) + pad for cell in row)
        lines.append(f"{WEEKDAYS[weekday]}  " + "".join(cells).rstrip())
    legend = (
        f"{_shade(0, colour)} none  {_shade(1, colour)} under {study_time(LEVEL_MINUTES[1])}  "
        f"{_shade(2, colour)} under {study_time(LEVEL_MINUTES[2])}  "
        f"{_shade(3, colour)} under {study_time(LEVEL_MINUTES[3])}  {_shade(4, colour)} more"
    )
    return [*lines, "", "     " + legend]


def _cell(minutes: int, colour: bool) -> str:
    from studybuddy.core.stats import level

    return _shade(level(minutes), colour)


def _shade(level: int, colour: bool) -> str:
    if not colour:
        return SHADES[level]
    return f"\x1b[38;5;{COLOURS[level]}m{SHADES[level]}\x1b[0m"


def _s(count: int) -> str:
    return "" if count == 1 else "s"
