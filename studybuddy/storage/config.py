"""The user's config file (TOML): where the study home is, timer defaults, theme and key bindings.

A mistake in the file never stops studybuddy: each bad entry (or the whole file, when it is not TOML)
is ignored with a message naming the file, the line where it is known, and what was used instead;
the app shows those messages and the CLI prints them on stderr. That holds for files that are not
mistakes so much as accidents: a FIFO or a device in the file's place is never opened (it would hang
or never end), a file over 1 MiB is not read, nesting too deep for Python's TOML reader and integers
too long for Python to convert say so like any other error, and a UTF-8 byte order mark (Windows
editors write one) is skipped. Messages escape control characters the file may hold.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studybuddy.core.errors import StudybuddyError
from studybuddy.core.terminal_text import printable
from studybuddy.storage.bounded_read import read_bounded

APP_NAME = "studybuddy"
CONFIG_ENV_VAR = "STUDYBUDDY_CONFIG"
DEFAULT_MINUTES = 60
MAX_CONFIG_BYTES = 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"


class ConfigWriteError(StudybuddyError):
    """A setting chosen in the app could not be written to the config file; the file is unchanged."""


@dataclass(frozen=True)
class Config:
    """Settings with their defaults; every field is optional in the file.

    ```toml
    home = "~/study"                 # the study home folder
    theme = "textual-dark"
    [timer]
    minutes = 60
    rotation = ["linear algebra", "calculus", "deep learning"]
    [keys]                           # binding id -> keys, as in Textual ("ctrl+t", "f2,t")
    "timer.toggle" = "ctrl+t"
    [diary]  # a new entry's text ("" for an empty page): {date} {weekday} {sessions} {lessons} {minutes}
    template = '''# {weekday} {date}
    {sessions}
    '''
    ```
    """

    home: Path | None = None
    theme: str | None = None
    timer_minutes: int = DEFAULT_MINUTES
    rotation: tuple[str, ...] = ()
    keys: Mapping[str, str] = field(default_factory=dict)
    diary_template: str | None = None  # a new entry's text (core.diary_template); None: an empty page
    source: Path | None = None
    problems: tuple[str, ...] = ()  # what was ignored, and why: shown to the user, never fatal


def default_config_path(environ: Mapping[str, str]) -> Path:
    if environ.get(CONFIG_ENV_VAR):
        return Path(environ[CONFIG_ENV_VAR]).expanduser()
    import platformdirs  # here, not at the top: every command reads the config, few need this

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


_WHOLE_FILE_IGNORED = "the whole file is ignored and every setting is at its default"


def load_config(path: Path) -> Config:
    """Read the config file; a missing file means all defaults, a broken one defaults and a problem."""
    try:
        raw = read_bounded(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return Config()
    except (OSError, ValueError) as error:  # ValueError: a NUL in $STUDYBUDDY_CONFIG
        reason = getattr(error, "strerror", None) or str(error)
        return _ignored_whole(path, f"{_place(path)}: cannot be read ({reason})")
    import tomllib  # here: most people have no config file, and the app's start-up is timed

    text = ""
    try:
        text = raw.removeprefix(UTF8_BOM).decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as error:
        return _ignored_whole(path, f"{_place(path)}: not UTF-8 text (byte {error.start})")
    except tomllib.TOMLDecodeError as error:
        return _ignored_whole(path, _parse_error_place(path, error, text))
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        return _ignored_whole(path, f"{_place(path)}: not valid TOML (nested too deeply to be read)")
    except ValueError as error:  # int() refuses an integer of more than 4,300 digits (CVE-2020-10735)
        line = _line_of(_LONG_NUMBER, text)
        what = "a number too long to be read" if line else str(error)
        return _ignored_whole(path, f"{_place(path, line)}: not valid TOML ({what})")
    return _ConfigReader(path, text).read(data)


def _ignored_whole(path: Path, problem: str) -> Config:
    return Config(source=path, problems=(f"{problem}; {_WHOLE_FILE_IGNORED}",))


def _place(path: Path, line: int | None = None) -> str:
    """The file (and line) as a message names it, control characters escaped."""
    return printable(f"{path}:{line}" if line else str(path))


_LONG_NUMBER = re.compile(r"[0-9a-fA-F_]{4000,}")


def _line_of(pattern: re.Pattern[str], text: str) -> int | None:
    found = pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _parse_error_place(path: Path, error: Exception, text: str) -> str:
    """``config.toml:3:7: not valid TOML (Invalid value)``: the position as an editor takes it."""
    message = str(error)
    place = str(path)
    found = re.search(r"\s*\(at line ([0-9]+), column ([0-9]+)\)$", message)
    if found:
        message, place = message[: found.start()], f"{path}:{found[1]}:{found[2]}"
    elif message.endswith(" (at end of document)"):  # an unclosed [ or string: say where the file ends
        message, place = (
            message.removesuffix(" (at end of document)"),
            f"{path}:{len(text.splitlines()) or 1}",
        )
        message += " at the end of the file"
    return printable(f"{place}: not valid TOML ({message})")


# What each TOML type is called in a message (the file's words, not Python's).
_KIND_NAMES = {str: "text in quotes", int: "a whole number", list: "a list [...]", dict: "a table"}
_KNOWN = ("home", "theme", "timer", "keys", "timer.minutes", "timer.rotation", "diary", "diary.template")


class _ConfigReader:
    """Turns the parsed table into a Config, keeping every good entry and naming every bad one."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _key_lines(text)
        self.problems: list[tuple[int, str]] = []  # (line, message): told in the file's order

    def read(self, data: Mapping[str, Any]) -> Config:
        self._unknown(data, ())
        timer = self._get(data, ("timer",), dict, {})
        self._unknown(timer, ("timer",))
        minutes = self._get(timer, ("timer", "minutes"), int, DEFAULT_MINUTES)
        if not 1 <= minutes <= 24 * 60:
            self._problem(
                ("timer", "minutes"),
                f"must be from 1 to 1440, not {_shown(minutes)}; using {DEFAULT_MINUTES}",
            )
            minutes = DEFAULT_MINUTES
        home = self._get(data, ("home",), str, None)
        if home is not None and "\0" in home:
            self._problem(("home",), "holds a NUL character (\\u0000), which no folder name can; ignored")
            home = None
        diary = self._get(data, ("diary",), dict, {})
        self._unknown(diary, ("diary",))
        template = self._get(diary, ("diary", "template"), str, None)
        if template is not None and len(template) > 64 * 1024:
            self._problem(("diary", "template"), "is over 64 KiB; new entries start empty")
            template = None
        return Config(
            # A relative home is relative to the config file, wherever the app is started from.
            home=self.path.parent / Path(home).expanduser() if home is not None else None,
            theme=self._get(data, ("theme",), str, None),
            timer_minutes=minutes,
            rotation=self._rotation(self._get(timer, ("timer", "rotation"), list, [])),
            keys=self._keys(self._get(data, ("keys",), dict, {})),
            diary_template=template,
            source=self.path,
            problems=tuple(message for _, message in sorted(self.problems, key=lambda item: item[0])),
        )

    def _get(self, table: Mapping[str, Any], where: tuple[str, ...], kind: type, default: Any) -> Any:
        """``table``'s entry ``where[-1]`` if it is of ``kind``; else ``default``, and a problem."""
        if where[-1] not in table:
            return default
        value = table[where[-1]]
        if _is(value, kind):
            return value
        instead = "ignored" if default in (None, {}, []) else f"using {default}"
        self._problem(where, f"must be {_KIND_NAMES[kind]}, not {_shown(value)}; {instead}")
        return default

    def _rotation(self, subjects: list[Any]) -> tuple[str, ...]:
        for subject in subjects:
            if not _is(subject, str):
                self._problem(("timer", "rotation"), f"lists {_shown(subject)}, not text in quotes; left out")
        return tuple(subject for subject in subjects if _is(subject, str))

    def _keys(self, keys: Mapping[str, Any]) -> dict[str, str]:
        for name, value in keys.items():
            if isinstance(value, dict):  # timer.toggle = "..." without quotes: a table "timer"
                self._problem(
                    ("keys", name), f'is a table; a binding id with a dot needs quotes: "{name}.…" = "…"'
                )
            elif not _is(value, str):
                self._problem(("keys", name), f"must be text in quotes, not {_shown(value)}; not remapped")
        return {name: value for name, value in keys.items() if _is(value, str)}

    def _unknown(self, table: Mapping[str, Any], under: tuple[str, ...]) -> None:
        for name in table:
            dotted = ".".join((*under, name))
            if dotted not in _KNOWN:
                self._problem((*under, name), f"is not a setting{_did_you_mean(dotted)}; ignored")

    def _problem(self, where: tuple[str, ...], text: str) -> None:
        line = self.lines.get(where)
        place = f"{self.path}:{line}" if line else str(self.path)
        self.problems.append((line or 0, printable(f"{place}: {'.'.join(where)} {text}")))


def _is(value: Any, kind: type) -> bool:
    return isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)


def _shown(value: Any) -> str:
    """A value as the file spells it: ``true``, ``"sixty"``, ``3``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int) and abs(value) >= 10**20:  # str() of over 4,300 digits raises ValueError
        return "a number of over 20 digits"
    return "a table" if isinstance(value, dict) else repr(value)


def _did_you_mean(dotted: str) -> str:
    import difflib  # only for a mistake: off every command's start-up

    close = difflib.get_close_matches(dotted, _KNOWN, n=1)
    if not close:  # a setting outside its table: `minutes = 50` at the top, for timer.minutes
        last = dotted.rsplit(".", 1)[-1]
        close = [known for known in _KNOWN if difflib.get_close_matches(last, [known.rsplit(".", 1)[-1]])]
    return f" (did you mean {close[0]}?)" if close else ""


_KEY_PART = r'(?:[A-Za-z0-9_-]+|"[^"\n]*"|\'[^\'\n]*\')'
_KEY_LINE = re.compile(rf"\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_TABLE_LINE = re.compile(rf"\s*\[\[?\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*\]")


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line (1-based) where each table and key first appears, for messages: a plain line scan,
    good for the files people write (it is never used to read a value)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE_LINE.match(line)
        if header:
            table = _key_path(header[1])
            lines.setdefault(table, number)
            continue
        key = _KEY_LINE.match(line)
        if key:
            dotted = _key_path(key[1])
            for length in range(1, len(dotted) + 1):  # `a.b = 1` defines a (a table) and a.b
                lines.setdefault((*table, *dotted[:length]), number)
    return lines


def _key_path(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(_KEY_PART, dotted))


# ---- writing the one setting the app changes -----------------------------------------------------

_THEME_LINE = re.compile(
    r"""^(?P<key>\s*(?:theme|"theme"|'theme')\s*=\s*)(?P<value>"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s#]+)"""
)


def save_theme(path: Path, theme: str) -> None:
    """Set ``theme = "<theme>"`` in the config file, changing that one line (or adding it) and nothing
    else: the user's comments, layout and other settings stay as they wrote them.

    The file is read back as TOML before it is replaced: if the edit would change anything but the
    theme (a file too unusual for a line edit), or the file is not valid TOML now, it is left alone
    and ConfigWriteError says why. A symlinked file (dotfiles) is written where the link points.
    """
    import tomllib

    try:
        target = path.resolve()
        raw = read_bounded(target, MAX_CONFIG_BYTES)
        bom = UTF8_BOM if raw.startswith(UTF8_BOM) else b""
        old = raw[len(bom) :].decode("utf-8")
    except FileNotFoundError:
        old, bom = "", b""
    except (OSError, RuntimeError, ValueError) as error:  # RuntimeError: a symlink loop (Python 3.11)
        raise ConfigWriteError(
            printable(f"cannot read {path} to keep the theme: {_reason(error)}")
        ) from error
    try:
        before = tomllib.loads(old)
    except tomllib.TOMLDecodeError as error:
        raise ConfigWriteError(
            f"{_parse_error_place(path, error, old)}; the theme is not kept until it is fixed"
        ) from error
    except (RecursionError, ValueError) as error:
        raise ConfigWriteError(
            printable(f"{path}: cannot be read as TOML; the theme is not kept until it is fixed")
        ) from error
    new = _with_theme_line(old, theme)
    try:
        after = tomllib.loads(new)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        after = None
    if after != {**before, "theme": theme}:
        raise ConfigWriteError(
            printable(f"{path}: could not set theme = {theme!r} by a line edit; set it there by hand")
        )
    _replace(target, new, path, bom)


def _with_theme_line(text: str, theme: str) -> str:
    lines = text.splitlines(keepends=True)
    quoted = '"' + theme.replace("\\", "\\\\").replace('"', '\\"') + '"'
    first_table = next((number for number, line in enumerate(lines) if _TABLE_LINE.match(line)), len(lines))
    last_key = None
    for number, line in enumerate(lines[:first_table]):
        found = _THEME_LINE.match(line)
        if found:
            lines[number] = line[: found.start("value")] + quoted + line[found.end("value") :]
            return "".join(lines)
        if _KEY_LINE.match(line):
            last_key = number
    if last_key is not None:  # beside the other top-level settings
        index = last_key + 1
    else:  # above the first table, and above the comment that introduces it (not the file's own)
        index = first_table
        while index > 0 and lines[index - 1].lstrip().startswith("#"):
            index -= 1
        if index == 0:
            index = first_table
    if index > 0 and not lines[index - 1].endswith("\n"):
        lines[index - 1] += "\n"
    lines.insert(index, f"theme = {quoted}\n")
    return "".join(lines)


def _replace(target: Path, text: str, shown: Path, bom: bytes = b"") -> None:
    """Atomically: a temporary file beside it, fsynced, then renamed over it (mode kept)."""
    import tempfile  # only when the app keeps a theme: off every command's start-up

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise ConfigWriteError(f"cannot write {shown}: {_reason(error)}") from error
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(bom + text.encode("utf-8"))  # a byte order mark the file had, it keeps
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ConfigWriteError(f"cannot write {shown}: {_reason(error)}; the file is unchanged") from error


def _reason(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return f"not UTF-8 text (byte {error.start})"
    return getattr(error, "strerror", None) or str(error)
