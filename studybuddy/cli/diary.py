"""``studybuddy diary ...``: the learning diary from the shell."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studybuddy.core.errors import StudybuddyError
from studybuddy.core.terminal_text import json_for_terminal, printable, printable_line

if TYPE_CHECKING:
    from studybuddy.services.diary import DiaryService
    from studybuddy.services.diary_import import ImportReport


# build_parser passes the diary command the command line names: only its parser is built.
REGISTERS_ONE_COMMAND = True


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], only: str | None = None
) -> None:
    """``diary`` and its commands. ``only``: the diary command the command line names, whose parser
    alone is built (argparse looks up every help text in gettext's catalogues: building all of them
    cost `diary list` ~4 ms); None, or a word that names none (--help, a misspelling): all of them."""
    diary = subparsers.add_parser(
        "diary",
        help="the learning diary: add, edit, show, list, search, export, import",
        description="One Markdown file per day in the study home's diary/ folder. DATE is "
        "2025-07-06, today, yesterday, last monday, 3 days ago, ...",
    )
    commands = diary.add_subparsers(title="diary commands", metavar="COMMAND", required=True)
    if only in COMMAND_PARSERS:
        COMMAND_PARSERS[only](commands)
        return
    for add_parser in COMMAND_PARSERS.values():  # in the order --help lists them
        add_parser(commands)


def _add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    add = commands.add_parser("add", help="append a time-stamped line to today's entry (or --date's)")
    add.add_argument("text", nargs="+", help="the line (quote it or not)")
    add.add_argument(
        "--date",
        metavar="DATE",
        help="the day's entry to add to (default: today; another day's line has no time)",
    )
    add.set_defaults(handler=_add)


def _edit_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    edit = commands.add_parser("edit", help="open a day's entry in $VISUAL or $EDITOR")
    edit.add_argument("date", nargs="?", help="the day (default: today)")
    edit.set_defaults(handler=_edit)


def _show_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    show = commands.add_parser("show", help="print a day's entry")
    show.add_argument("date", nargs="?", help="the day (default: today)")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=_show)


def _list_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = commands.add_parser(
        "list", help="the days with an entry (and any conflict copies), with study minutes"
    )
    listing.add_argument("--from", dest="start", metavar="DATE", help="first day to list")
    listing.add_argument("--to", dest="end", metavar="DATE", help="last day to list")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=_list, exit_quickly=True)  # read-only: no teardown at exit (cli.main)


def _search_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    search = commands.add_parser(
        "search",
        help="find entries (and conflict copies) by words, #tags and dates",
        description='Words (all must appear; "backprop" finds "backpropagation"), "exact phrases", '
        "#tags, and dates: from:DATE to:DATE on:DATE DATE..DATE 2025-07 2025 2025-07-06. A date in "
        'words ("#backprop last monday", "today", "3 days ago") means since that day.',
    )
    search.add_argument("query", nargs="+", help="e.g. softmax #calculus from:2025-07-01")
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.set_defaults(handler=_search, exit_quickly=True)  # read-only: no teardown at exit (cli.main)


def _export_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export",
        help="all entries and conflict copies as one Markdown file, oldest first "
        "(diary import reads it back exactly)",
    )
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    export.set_defaults(handler=_export)


def _import_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importing = commands.add_parser(
        "import",
        help="split one long Markdown diary into daily entries",
        description="Finds the days in a long diary (**2025-07-06**, ## July 6, 2025, 07/12/24:, "
        "## 📘 Day 01 — Vectors, ...) and writes one entry per day. An existing entry is never "
        "overwritten: the imported text is merged below it. Mis-encoded text (UTF-8 read with another "
        "code page) is repaired and reported; pictures and files linked by relative paths are copied "
        "into diary/attachments/ and the links pointed there.",
    )
    importing.add_argument("file", help="the Markdown file")
    importing.add_argument(
        "--start-date", metavar="DATE", help="the date of Day 1 in a diary of numbered days"
    )
    importing.add_argument("--date", metavar="DATE", help="the day for text without a date")
    importing.add_argument(
        "--dry-run", action="store_true", help="report what would be written; write nothing"
    )
    importing.set_defaults(handler=_import)


def _check_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from studybuddy.cli import diary_check  # diary check: the entry's ```derive blocks, marked

    diary_check.register(commands)


COMMAND_PARSERS = {
    "add": _add_parser,
    "edit": _edit_parser,
    "show": _show_parser,
    "list": _list_parser,
    "search": _search_parser,
    "export": _export_parser,
    "import": _import_parser,
    "check": _check_parser,
}


def _service(args: argparse.Namespace) -> DiaryService:
    from studybuddy.services.context import StudyContext

    return StudyContext.open(args.home).diary


def _entries(count: int, kind: str = "") -> str:
    """``1 entry``, ``3 new entries``."""
    return f"{count} {kind}{'entry' if count == 1 else 'entries'}"


def _print_json(value: Any) -> None:
    print(json_for_terminal(json.dumps(value, indent=2, ensure_ascii=False, default=str)))


def _for_terminal(text: str) -> str:
    """An entry's text as it goes to stdout: to a terminal with its control characters shown as
    escapes (an imported or synced entry may hold ESC sequences that clear the screen or write the
    clipboard), to a file or a pipe exactly as written."""
    return printable(text) if sys.stdout.isatty() else text


def _add(args: argparse.Namespace) -> int:
    service = _service(args)
    stored = service.add_line(" ".join(args.text), service.parse_day(args.date) if args.date else None)
    print(f"added to {stored.path}")
    return 0


def _show(args: argparse.Namespace) -> int:
    service = _service(args)
    day = service.parse_day(args.date)
    stored = service.show(day)
    if args.json:
        _print_json(None if stored is None else _entry_json(stored))
    elif stored is None:
        print(f"no entry for {day.isoformat()} ({day:%A}); write one with: studybuddy diary add TEXT")
    else:
        text = stored.entry.text if stored.entry.text.endswith("\n") else stored.entry.text + "\n"
        sys.stdout.write(_for_terminal(text))
    if stored is not None and stored.entry.front_matter_problem:
        print(f"studybuddy: warning: {stored.path}: {stored.entry.front_matter_problem}", file=sys.stderr)
    copies = service.conflict_copies(day)
    if copies:
        names = ", ".join(str(path) for path in copies)
        print(f"studybuddy: note: {_copies(len(copies))} beside this entry: {names}", file=sys.stderr)
    return 0 if stored is not None or args.json else 1


def _entry_json(stored: Any) -> dict[str, Any]:
    entry = stored.entry
    return {
        "date": entry.day.isoformat(),
        "path": str(stored.path),
        "version": stored.version.token,
        "front_matter": dict(entry.front_matter),
        "tags": list(entry.tags),
        "body": entry.body,
        "text": entry.text,
    }


def _list(args: argparse.Namespace) -> int:
    from studybuddy.cli.database_notice import tell_if_database_set_aside
    from studybuddy.services.context import StudyContext

    context = StudyContext.open(args.home)
    service = context.diary
    start = service.parse_day(args.start) if args.start else None
    end = service.parse_day(args.end) if args.end else None
    summaries = service.list(start, end)
    tell_if_database_set_aside(context)  # opened for the study minutes
    if args.json:
        _print_json(
            [
                {
                    "date": s.day.isoformat(),
                    "study_minutes": s.minutes,
                    "entry": s.has_entry,
                    "conflict_copies": [str(path) for path in s.conflict_copies],
                }
                for s in summaries
            ]
        )
        return 0
    if not summaries:
        print("no diary entries yet; start one with: studybuddy diary add TEXT")
        return 0
    for summary in summaries:
        minutes = "" if summary.minutes is None else f"  {summary.minutes:>4} min"
        line = f"{summary.day.isoformat()}  {summary.day:%a}{minutes}"
        if not summary.has_entry:
            line += "  (no entry)"
        if summary.conflict_copies:
            line += f"  + {_copies(len(summary.conflict_copies))}: " + ", ".join(
                path.name for path in summary.conflict_copies
            )
        print(line)
    entries = sum(summary.has_entry for summary in summaries)
    copies = sum(len(summary.conflict_copies) for summary in summaries)
    print(
        _entries(entries)
        + (f", {_copies(copies)} (merge each into its entry, then delete it)" if copies else "")
    )
    return 0


def _copies(count: int) -> str:
    return f"{count} conflict {'copy' if count == 1 else 'copies'}"


def _search(args: argparse.Namespace) -> int:
    service = _service(args)
    hits = service.search(" ".join(args.query))
    if args.json:
        _print_json(
            [
                {
                    "date": h.day.isoformat(),
                    "snippet": h.snippet,
                    "tags": list(h.tags),
                    "lines": list(h.lines),  # the first lines holding what was searched for, as the app shows
                    "conflict_copy": None if h.conflict_copy is None else str(h.conflict_copy),
                }
                for h in hits
            ]
        )
    else:
        for hit in hits:
            where = "" if hit.conflict_copy is None else f"[conflict copy {hit.conflict_copy.name}]  "
            print(f"{hit.day.isoformat()}  {printable_line(where + hit.snippet)}")
        entries = sum(hit.conflict_copy is None for hit in hits)
        copies = len(hits) - entries
        print(f"{_entries(entries)}{f' and {_copies(copies)}' if copies else ''} found")
    for name, reason in sorted(service.unreadable().items()):
        print(f"studybuddy: warning: skipped {name}: {reason}", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    from studybuddy.cli.database_notice import tell_if_database_set_aside
    from studybuddy.services.context import StudyContext

    context = StudyContext.open(args.home)
    document = context.diary.export()
    tell_if_database_set_aside(context)  # opened for the study minutes
    if args.output is None:
        sys.stdout.write(_for_terminal(document))
        return 0
    output = Path(args.output)
    try:
        output.write_text(document, encoding="utf-8")
    except OSError as error:
        raise StudybuddyError(f"cannot write {output}: {error.strerror}") from error
    print(f"exported to {output}")
    copied, problems = context.diary.export_attachments(output.parent)
    if copied:
        files = f"{copied} linked picture{'s' if copied > 1 else ''} or file{'s' if copied > 1 else ''}"
        print(f"copied {files} into {output.parent / 'attachments'}")
    for problem in problems:
        print(f"studybuddy: warning: not copied beside the export: {problem}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    service = _service(args)
    report = service.import_file(
        Path(args.file),
        start_date=service.parse_day(args.start_date) if args.start_date else None,
        default_date=service.parse_day(args.date) if args.date else None,
        dry_run=args.dry_run,
    )
    _print_import_report(report)
    return 0


def _print_import_report(report: ImportReport) -> None:
    plan = report.plan
    verb = "would write" if report.dry_run else "wrote"
    print(f"{report.source}: {_entries(len(plan.entries))} found")
    if plan.date_range:
        first, last = plan.date_range
        print(f"  dates: {first.isoformat()} to {last.isoformat()}")
    counts = Counter(report.written.values())
    if counts["new"]:
        print(f"  {verb} {_entries(counts['new'], 'new ')}")
    if counts["merged"]:
        print(f"  {verb} {_entries(counts['merged'])} below an existing one (the existing text is kept)")
    if counts["already there"]:
        print(f"  skipped {_entries(counts['already there'])} already in the diary")
    copies = Counter(report.copies_written.values())
    if copies["new"]:
        print(f"  {verb} {_copies(copies['new'])} beside the entries")
    if copies["already there"]:
        print(f"  skipped {_copies(copies['already there'])} already in the diary")
    attachments = Counter(report.attachments.values())
    if report.attachments:
        files = (
            f"{len(report.attachments)} linked picture{'s' if len(report.attachments) > 1 else ''} or file"
        )
        files += "s" if len(report.attachments) > 1 else ""
        already = f" ({attachments['already there']} already there)" if attachments["already there"] else ""
        copy = "would copy" if report.dry_run else "copied"
        print(f"  {copy} {files} into diary/attachments/{already}; the links point there")
    for problem in report.attachment_problems:
        print(f"  link kept: {problem}")
    merged = [day.isoformat() for day, action in sorted(report.written.items()) if action == "merged"]
    if merged:
        print(f"    merged: {', '.join(merged)}")
    if plan.repairs:
        from studybuddy.core.mojibake import code_page_name

        examples = ", ".join(f"{r.wrong} -> {r.right}" for r in list(dict.fromkeys(plan.repairs))[:5])
        count = sum(len(repair.right) for repair in plan.repairs)
        characters = "character" if count == 1 else "characters"
        read_as = " or ".join(dict.fromkeys(code_page_name(repair.codec) for repair in plan.repairs))
        print(
            f"  repaired {count} mis-encoded {characters} (UTF-8 that was read as {read_as}; e.g. {examples})"
        )
    for note in report.notes:
        print(f"  note: {note}")
    for piece in plan.unplaced:
        print(f"  not placed: lines {piece.first_line}-{piece.last_line} ({piece.reason}): {piece.preview}")
    if report.dry_run:
        print("dry run: nothing was written")


def _edit(args: argparse.Namespace) -> int:
    service = _service(args)
    day = service.parse_day(args.date)
    saved = service.edit_externally(day)  # the same call as ctrl+o in the app
    path = service.files.path_for(day)
    if saved.news:
        print(f"studybuddy: {'warning: ' if saved.conflicts else ''}{saved.news}", file=sys.stderr)
    print(f"saved {path}" if saved.written else f"no change to {path}")
    return 0
