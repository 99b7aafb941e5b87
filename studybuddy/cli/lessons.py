"""`studybuddy lessons check|list`: prove lesson files and list the library.

Lesson files, their names and what is cached of them are a stranger's text: everything printed here
goes through terminal_text, so a control character reaches the terminal as a visible escape, never
as a command to it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from studybuddy.cli.options import positive_count, positive_seconds
from studybuddy.core.terminal_text import json_for_terminal, printable, printable_line


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("lessons", help="check lesson files and list the lesson library")
    commands = parser.add_subparsers(title="lesson commands", metavar="COMMAND", required=True)

    check = commands.add_parser(
        "check",
        help="prove lesson files: every step follows, every check passes, every answer grades right",
        description="Check lesson files (or every lesson file in the given folders; the bundled library "
        "when none is given). Exits non-zero when any lesson fails.",
    )
    check.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="a lesson file or a folder of them"
    )
    check.add_argument(
        "--timeout",
        type=positive_seconds,
        default=10.0,
        metavar="SECONDS",
        help="time limit per checked item (default 10)",
    )
    check.add_argument(
        "--workers",
        type=positive_count,
        default=None,
        metavar="N",
        help="lessons checked in parallel (default: the number of CPUs; at most 4, and at most as many "
        "768 MiB workers as half the memory holds)",
    )
    check.add_argument("-v", "--verbose", action="store_true", help="show every item, not only failures")
    check.set_defaults(handler=run_check)

    listing = commands.add_parser(
        "list",
        help="list the lessons: id, title, subject, topic, exercises, status",
        description="List the lesson library. STATUS is 'broken' (the file does not load), 'loads' (valid, "
        "not yet proven as it is now), 'checked' or 'fails check' (what `studybuddy lessons check` last "
        "said of this exact file).",
    )
    listing.add_argument("--json", action="store_true", help="one JSON document, for scripts")
    listing.set_defaults(handler=run_list)


def run_check(args: argparse.Namespace) -> int:
    from studybuddy.services.context import StudyContext

    service = StudyContext.open(args.home).lessons
    started = time.perf_counter()
    counts = {"passed": 0, "failed": 0, "broken": 0}
    for report in service.check(args.paths, item_timeout=args.timeout, workers=args.workers):
        name = report.lesson_id or report.source
        if report.error is not None:
            counts["broken"] += 1
            _say(f"BROKEN {report.source}\n  {_indent(str(report.error))}")
            continue
        counts["passed" if report.passed else "failed"] += 1
        status = "PASS" if report.passed else "FAIL"
        _say(f"{status:6} {name}  {report.source}  ({len(report.results)} items, {report.seconds:.1f} s)")
        for result in report.results:
            if args.verbose or not result.passed:
                mark = "ok  " if result.passed else "FAIL"
                _say(f"  {mark} {_indent(result.headline())}")
                if result.detail and not result.passed:
                    _say(f"       {_indent(result.detail, 7)}")
        sys.stdout.flush()
    total = sum(counts.values())
    if not total:
        where = ", ".join(str(path) for path in args.paths) or "the lesson library"
        print(printable(f"no lesson files (.yaml, .yml) found in {where}"), file=sys.stderr)
    elapsed = time.perf_counter() - started
    print(
        f"{total} lesson{'s' if total != 1 else ''}: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['broken']} broken ({elapsed:.1f} s)"
    )
    return 0 if total and counts["passed"] == total else 1


def run_list(args: argparse.Namespace) -> int:
    from studybuddy.services.context import StudyContext

    entries = StudyContext.open(args.home).lessons.list()
    if args.json:
        rows = [
            {
                "id": entry.id,
                "title": entry.title,
                "subject": entry.subject,
                "topic": entry.topic,
                "exercises": entry.exercise_count,
                "status": entry.status,
                "checked": entry.checked,
                "path": str(entry.file.path),
                "error": str(entry.error) if entry.error else None,
            }
            for entry in entries
        ]
        print(json_for_terminal(json.dumps(rows, indent=2, ensure_ascii=False)))
        return 0
    widths = [max([len(header)] + [len(getter(e)) for e in entries]) for header, getter in _COLUMNS]
    print(
        "  ".join(header.ljust(width) for (header, _), width in zip(_COLUMNS, widths, strict=True)).rstrip()
    )
    for entry in entries:
        cells = [getter(entry).ljust(width) for (_, getter), width in zip(_COLUMNS, widths, strict=True)]
        print("  ".join(cells).rstrip())
        if entry.error is not None:
            _say(f"    {_indent(str(entry.error), 4)}")
    statuses = {entry.status for entry in entries}
    if statuses & set(_STATUS_NOTES):
        print()
        for status, note in _STATUS_NOTES.items():
            if status in statuses:
                print(f"{status}: {note}")
    return 0


_STATUS_NOTES = {  # what a status promises, said under the table when one is shown
    "loads": "valid, but not proven by `studybuddy lessons check` as the file is now",
    "fails check": "the last `studybuddy lessons check` of this file failed; run it again to see why",
}

_COLUMNS: list[tuple[str, Any]] = [  # one line each: a cell with a newline would break the table
    ("ID", lambda e: printable_line(e.id)),
    ("TITLE", lambda e: printable_line(e.title)),
    ("SUBJECT", lambda e: printable_line(e.subject)),
    ("TOPIC", lambda e: printable_line(e.topic)),
    ("EXERCISES", lambda e: str(e.exercise_count)),
    ("STATUS", lambda e: e.status),
]


def _say(text: str) -> None:
    print(printable(text))


def _indent(text: str, spaces: int = 2) -> str:
    return text.replace("\n", "\n" + " " * spaces)
