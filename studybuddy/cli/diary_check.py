"""`studybuddy diary check [DATE]`: mark the derivations written in a day's entry (```derive blocks)."""

from __future__ import annotations

import argparse
from typing import Any

from studybuddy.cli.derive import EXIT_ALL_FOLLOW, EXIT_NOT_ALL
from studybuddy.cli.options import positive_seconds

HELP = "mark each line of the day's ```derive blocks (the entry is not changed)"


def register(commands: Any) -> None:
    check = commands.add_parser(
        "check",
        help=HELP,
        description="Mark each line of the derivations in a day's entry: fenced ```derive blocks, their "
        "symbols declared on the first line (symbols: x, p:probability); the line syntax is "
        "studybuddy derive's. Exit 0 when every line holds, 1 otherwise.",
    )
    check.add_argument("date", nargs="?", help="the day (default: today)")
    check.add_argument(
        "--timeout",
        type=positive_seconds,
        default=2.0,
        metavar="SECONDS",
        help="time limit per line (default 2)",
    )
    check.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from studybuddy.core.diary_derivations import block_summary, derive_blocks
    from studybuddy.services.context import StudyContext
    from studybuddy.services.derivation import DerivationService
    from studybuddy.services.diary_derivations import check_entry
    from studybuddy.services.grading import GradingService

    service = StudyContext.open(args.home).diary
    day = service.parse_day(args.date)
    stored = service.show(day)
    if stored is None:
        print(f"no entry for {day.isoformat()} ({day:%A})")
        return EXIT_NOT_ALL
    if not derive_blocks(stored.entry.text):
        print(f"{day.isoformat()}: no ```derive blocks in the entry")
        return EXIT_ALL_FOLLOW
    with GradingService(timeout=args.timeout) as grading:
        checked = check_entry(DerivationService(grading), stored.entry.text)
    from studybuddy.core.terminal_text import printable

    for item in checked:
        block = item.block
        print(f"derivation {block.number} (line {block.fence_line} of {day.isoformat()}):")
        for mark in item.marks:
            print(printable(f"  line {block.entry_line(mark)}: {_said(mark)}"))  # no ESC from an entry
        print(f"  {block_summary(block, list(item.marks))}")
    return EXIT_ALL_FOLLOW if all(item.holds for item in checked) else EXIT_NOT_ALL


def _said(mark: Any) -> str:
    text = mark.text.strip()
    if mark.verdict == "follows":
        return f"✓ {text}  ({mark.strength})"
    if mark.verdict == "start":
        return f"• {text}"
    if mark.verdict == "does-not-follow":
        why = f"\n      {mark.diagnosis}" if mark.diagnosis else ""
        return f"✗ {text}\n      {mark.detail}{why}"
    if mark.verdict == "invalid":
        return f"! {text}\n      {mark.detail}"
    return f"? {text}\n      {mark.detail}"
