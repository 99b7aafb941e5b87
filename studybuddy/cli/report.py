"""``studybuddy report --week``: the week's study in one page (services.report), printed as Markdown or
JSON, and with ``--append-to-diary`` added to today's diary entry."""

from __future__ import annotations

import argparse
import json
import sys

from studybuddy.cli.moment import add_at_option, open_context_at


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = subparsers.add_parser(
        "report",
        help="the week's study in one page",
        description="The last 7 days, today included: study minutes by subject, lessons and exercises "
        "answered, the share right, mistakes made more than once, reviews done and due next week, and "
        "the headings of the week's diary entries.",
    )
    report.add_argument("--week", action="store_true", help="the last 7 days (the default, and only, span)")
    report.add_argument("--json", action="store_true", help="machine-readable output")
    report.add_argument(
        "--append-to-diary",
        action="store_true",
        help="also add the report, as Markdown, to today's diary entry",
    )
    add_at_option(report)
    report.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    from studybuddy.core.terminal_text import json_for_terminal, printable
    from studybuddy.services.report import append_to_diary, weekly_report

    context = open_context_at(args)
    report = weekly_report(context)
    if args.json:
        print(json_for_terminal(json.dumps(report.to_json(), indent=2, ensure_ascii=False)))
    else:
        print(printable(report.to_markdown()), end="")
    if args.append_to_diary:
        stored = append_to_diary(context, report)
        print(printable(f"studybuddy: added to the diary entry {stored.path}"), file=sys.stderr)
    return 0
