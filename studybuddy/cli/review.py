"""``studybuddy review list`` and ``review stats``: what is due, in the order the Review section serves
it, and how the learner's reviews are going. Both read exactly what the app shows (services.reviews)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from studybuddy.cli.moment import add_at_option, open_context_at

if TYPE_CHECKING:
    from studybuddy.services.insights import ReviewOverview
    from studybuddy.services.reviews import ReviewQueue


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    review = subparsers.add_parser(
        "review",
        help="spaced review: what is due, and how reviews are going",
        description="Every exercise you answer becomes a review card, scheduled by FSRS. Cards in their "
        "short learning steps come back within minutes; the others on their day, the most overdue first, "
        "at most 200 a day, with up to 20 new exercises a day from lessons you have opened.",
    )
    commands = review.add_subparsers(title="commands", metavar="COMMAND", required=True)
    listing = commands.add_parser(
        "list", help="what is due now, in the order it is served", description="What is due now, in order."
    )
    stats = commands.add_parser(
        "stats",
        help="cards, retention, the next 14 days, frequent mistakes",
        description="Cards by state and mastered, retention over 30 days, reviews due each of the next 14 "
        "days, the mistakes made most in 30 days, and the lessons with the lowest first-try accuracy.",
    )
    for parser, handler in ((listing, _list), (stats, _stats)):
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        add_at_option(parser)
        parser.set_defaults(handler=handler)


def _list(args: argparse.Namespace) -> int:
    from studybuddy.core.terminal_text import json_for_terminal, printable

    queue = open_context_at(args).reviews.queue()
    if args.json:
        print(json_for_terminal(json.dumps(queue.to_json(), indent=2, ensure_ascii=False)))
    else:
        print(printable("\n".join(render_queue(queue))))
    return 0


def _stats(args: argparse.Namespace) -> int:
    from studybuddy.core.terminal_text import json_for_terminal, printable
    from studybuddy.services.insights import review_overview

    overview = review_overview(open_context_at(args))
    if args.json:
        print(json_for_terminal(json.dumps(overview.to_json(), indent=2, ensure_ascii=False)))
    else:
        print(printable("\n".join(render_overview(overview))))
    return 0


def render_queue(queue: ReviewQueue) -> list[str]:
    day = queue.day
    lines = []
    if queue.items:
        lines.append(f"Due now: {len(queue.items)}, in the order they are served")
        widest = max(len(item.exercise_id) for item in queue.items)
        for number, item in enumerate(queue.items, start=1):
            title = item.lesson_title if len(item.lesson_title) <= 40 else item.lesson_title[:39] + "…"
            when = f"{item.kind:<8}  {item.overdue_text:<18}"
            lines.append(f"  {number:>3}. {item.exercise_id:<{widest}}  {when}  {title}")
    else:
        lines.append("Nothing to review now.")
    if day.steps_later_today:
        lines.append(f"Later today: {day.steps_later_today} in a learning step.")
    if day.reviews_capped:
        lines.append(
            f"Left for the coming days by the cap of {day.caps.reviews} reviews a day: {day.reviews_capped}."
        )
    introduced = f"{day.done.new} of {day.caps.new} a day introduced today"
    lines.append(f"New exercises waiting: {day.new_available} ({introduced}).")
    if queue.orphaned:
        lines += ["", f"Orphaned cards (kept with their history, never served): {len(queue.orphaned)}"]
        lines += [f"  {o.lesson_id} · {o.exercise_id}: {o.reason}" for o in queue.orphaned]
    return lines


def render_overview(overview: ReviewOverview) -> list[str]:
    """What Progress shows under Reviews, line for line (services.insights.overview_lines)."""
    from studybuddy.services.insights import overview_lines

    return overview_lines(overview)
