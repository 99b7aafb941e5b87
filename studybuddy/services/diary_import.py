"""``diary import``: the entries of a Markdown diary written into the study home's diary, each day
beside what is already there (an entry already written is kept and the import merged below it), the
pictures and files it links to by relative paths copied into diary/attachments/, and a report of what
was written, repaired and left as written (the rules of reading a diary are ``core.diary_import``)."""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from studybuddy.core.diary import merge_below
from studybuddy.core.errors import StudybuddyError
from studybuddy.storage.diary_files import ABSENT, DiaryFiles

if TYPE_CHECKING:
    from studybuddy.core.diary_import import ImportPlan

MAX_IMPORT_BYTES = 64 * 1024 * 1024  # a diary, not a database dump: refuse something that is clearly not one


@dataclass
class ImportReport:
    source: Path
    plan: ImportPlan
    dry_run: bool
    notes: tuple[str, ...] = ()  # how the file was read and split (encoding, date order, repeats)
    written: dict[date, str] = field(default_factory=dict)  # day -> "new", "merged" or "already there"
    copies_written: dict[str, str] = field(default_factory=dict)  # conflict copy -> "new" or "already there"
    # Linked pictures and files copied into diary/attachments/: name there -> "new" or "already there"
    attachments: dict[str, str] = field(default_factory=dict)
    attachment_problems: list[str] = field(default_factory=list)  # a link left as written, and why


def import_diary(
    files: DiaryFiles,
    source: Path,
    today: date,
    *,
    start_date: date | None = None,
    default_date: date | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Write the entries of ``source`` into ``files``; an existing entry is kept and the import merged
    below it, noted as imported on ``today``."""
    from studybuddy.core.diary_import import DiaryImportError, plan_import  # loaded only to import

    text, read_notes = _read_source(source)
    try:
        plan = plan_import(text, start_date=start_date, default_date=default_date)
    except DiaryImportError as error:
        raise DiaryImportError(f"{source}: {error}") from None
    report = ImportReport(source, plan, dry_run, notes=(*read_notes, *plan.notes))
    plan = report.plan = _attach(files, plan, source, report)
    note = f"*Imported from {source.name} on {today.isoformat()}*"
    # A dry run takes no lock: it must not even create the diary folder.
    with contextlib.nullcontext() if dry_run else files.locked():
        for imported in plan.entries:
            stored = files.read(imported.day)
            if stored is None or (stored.entry.is_blank() and not imported.exact):
                report.written[imported.day] = "new"
                new_text = imported.file_text
            elif stored.entry.text == imported.file_text or imported.text.strip() in stored.entry.text:
                report.written[imported.day] = "already there"
                continue
            else:
                report.written[imported.day] = "merged"
                new_text = merge_below(stored.entry.text, imported.text, note)
            if not dry_run:
                files.save(imported.day, new_text, expected=stored.version if stored else ABSENT)
        _import_copies(files, plan, report)
    return report


def _attach(files: DiaryFiles, plan: ImportPlan, source: Path, report: ImportReport) -> ImportPlan:
    """``plan`` with the pictures and files its entries link to by relative paths copied into
    diary/attachments/ and the links rewritten to them. A file that is missing, outside the
    diary's folder or cannot be copied is reported, its link kept as written."""
    from studybuddy.core.diary_import import ImportedEntry
    from studybuddy.core.diary_links import LocalLink, local_links, rewrite_links
    from studybuddy.storage.diary_attachments import FOLDER_NAME, AttachmentError, AttachmentFolder

    folder = AttachmentFolder(files.folder / FOLDER_NAME, dry_run=report.dry_run)
    base = source.parent.resolve()
    placed: dict[Path, str] = {}  # each source file is copied once, however often it is linked
    entries = []
    for entry in plan.entries:
        new_paths: dict[LocalLink, str] = {}
        for link in local_links(entry.text):
            where = f"{entry.day.isoformat()}" + (
                f" (line {entry.lines[0] + link.line})" if len(entry.lines) == 1 and not entry.exact else ""
            )
            try:
                target = (source.parent / link.path).resolve()
            except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL in the path
                target = source.parent / link.path
            if not target.is_relative_to(base):
                report.attachment_problems.append(
                    f"{where}: {link.path} is outside the diary's folder {base}: not copied "
                    "(copy it into that folder and import again)"
                )
                continue
            if target not in placed:
                if not target.exists():
                    report.attachment_problems.append(
                        f"{where}: {link.path} not found (looked for {target}); the link is kept as written"
                    )
                    continue
                try:
                    name, new = folder.place(target)
                except AttachmentError as error:
                    report.attachment_problems.append(
                        f"{where}: {link.path} not copied: {error}; the link is kept as written"
                    )
                    continue
                placed[target] = name
                report.attachments[name] = "new" if new else "already there"
            new_paths[link] = f"{FOLDER_NAME}/{placed[target]}"
        changed = rewrite_links(entry.text, new_paths)
        entries.append(
            entry if changed == entry.text else ImportedEntry(entry.day, changed, entry.lines, entry.exact)
        )
    return replace(plan, entries=tuple(entries))


def _import_copies(files: DiaryFiles, plan: ImportPlan, report: ImportReport) -> None:
    """Conflict copies of an export, given back beside their entries (one already there is skipped)."""
    if not plan.copies:
        return
    from studybuddy.core.diary import parse_conflict_copy_name

    existing = files.conflict_copies()
    for copy in plan.copies:
        known = [files.read_copy(path) for path in existing.get(copy.day, ())]
        if any(entry is not None and entry.text == copy.text for entry in known):
            report.copies_written[copy.name] = "already there"
            continue
        report.copies_written[copy.name] = "new"
        if not report.dry_run:
            parsed = parse_conflict_copy_name(copy.name)
            files.save_conflict_copy(copy.day, copy.text, number=parsed[1] if parsed else None)


def _read_import_bytes(source: Path) -> bytes:
    """The bytes of the regular file ``source``, refused past MAX_IMPORT_BYTES while reading (a file can
    grow after its size was looked at; /dev/zero has no size at all). A device, a named pipe or a
    socket is refused before it is read: a pipe with no writer would wait for ever."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(source, flags)
    too_big = StudybuddyError(f"{source} is over 64 MiB; a diary to import must be under 64 MiB")
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(source)
        if not stat.S_ISREG(status.st_mode):
            raise StudybuddyError(
                f"{source} is not a regular file (a device, a pipe or a socket); give a Markdown file"
            )
        if status.st_size > MAX_IMPORT_BYTES:
            raise too_big
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(MAX_IMPORT_BYTES + 1)
    finally:
        os.close(descriptor)
    if len(data) > MAX_IMPORT_BYTES:
        raise too_big
    return data


def _read_source(source: Path) -> tuple[str, list[str]]:
    try:
        data = _read_import_bytes(source)
    except FileNotFoundError:
        raise StudybuddyError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise StudybuddyError(f"{source} is a folder; give the Markdown file to import") from None
    except OSError as error:
        raise StudybuddyError(f"cannot read {source}: {error.strerror}") from error
    from studybuddy.core.diary_import import DiaryImportError, decode_diary

    try:
        return decode_diary(data)
    except DiaryImportError as error:
        raise DiaryImportError(f"{source}: {error}") from None
