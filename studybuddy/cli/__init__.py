"""The `studybuddy` command.

Each sub-command lives in its own module with a ``register(subparsers)`` function that adds its
parser and sets ``handler``. Modules import heavy things (SymPy, NumPy, Textual) inside handlers only,
so ``studybuddy --version`` and ``--help`` stay instant.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from studybuddy import __version__
from studybuddy.core.errors import StudybuddyError
from studybuddy.core.terminal_text import printable

# Order is the order shown in --help.
SUBCOMMAND_MODULES = (
    "studybuddy.cli.equiv",
    "studybuddy.cli.derive",
    "studybuddy.cli.lessons",
    "studybuddy.cli.diary",
    "studybuddy.cli.timer",
    "studybuddy.cli.exercise",
    "studybuddy.cli.review",
    "studybuddy.cli.report",
    "studybuddy.cli.stats",
    "studybuddy.cli.locate",
    "studybuddy.cli.sync",
)


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, sized to the terminal as argparse sizes it but without importing shutil
    for it: shutil brings bz2 and lzma, a few milliseconds of `timer status` (argparse makes a formatter
    for every argument it adds)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        super().__init__(prog, indent_increment, max_help_position, width=_terminal_columns() - 2)


def _terminal_columns() -> int:
    """$COLUMNS, else the width of the terminal on stdout, else 80: what shutil.get_terminal_size says."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Parser(argparse.ArgumentParser):
    """Every parser of the command, sub-commands' included (argparse makes those of the parser's class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser(command: str | None = None, subcommand: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with ``command`` (a name in SUBCOMMAND_MODULES) only that command's: what a
    one-shot command needs. Importing and building every command's parser costs more than `timer
    status` itself (argparse looks each help text up in gettext's catalogues). ``subcommand``: the
    word after the command, for a module that builds only the parser of the sub-command it names
    (``REGISTERS_ONE_COMMAND``; any other word gets them all)."""
    parser = _global_options(add_help=True)
    parser.add_argument("--version", action="version", version=f"studybuddy {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    wanted = [f"studybuddy.cli.{command}"] if command else SUBCOMMAND_MODULES
    for module_name in wanted:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue  # a command still being built is simply absent
        if subcommand is not None and getattr(module, "REGISTERS_ONE_COMMAND", False):
            module.register(subparsers, only=subcommand)
        else:
            module.register(subparsers)
    return parser


def _global_options(add_help: bool, exit_on_error: bool = True) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="studybuddy",
        description="A study companion and learning diary. With no command, opens the app.",
        add_help=add_help,
        exit_on_error=exit_on_error,
    )
    parser.add_argument(
        "--home",
        metavar="PATH",
        help="study home folder (default: $STUDYBUDDY_HOME, then the config file, "
        "then the platform's user data folder)",
    )
    return parser


def _first_look(argv: Sequence[str] | None) -> tuple[argparse.Namespace | None, str | None, str | None]:
    """What ``argv`` asks for before any command's parser is built: the options when it only opens
    the app (``studybuddy [--home PATH]``), else the command it names (None when it names none, asks
    for --help, or misspells one: the whole parser answers those, listing every command) and the word
    after it (``diary list``: "list").

    Opening the app is the common case and its start-up is timed: it skips importing and building
    every command's parser (~7 ms); a command builds only its own parser.
    """
    try:
        args, rest = _global_options(add_help=False, exit_on_error=False).parse_known_args(argv)
    except argparse.ArgumentError:  # the full parser reports it, with the full usage
        return None, None, None
    if not rest:
        return args, None, None
    commands = {module.rsplit(".", 1)[1] for module in SUBCOMMAND_MODULES}
    if rest[0] not in commands:
        return None, None, None
    return None, rest[0], rest[1] if len(rest) > 1 else None


def main(argv: Sequence[str] | None = None) -> int:
    """The program (``argv`` None: the command line), or one command run in this process (a test's
    ``argv``). A command that sets ``exit_quickly`` and runs as the program ends here with its output
    flushed and everything closed, skipping the interpreter's teardown: freeing SymPy's objects one by
    one costs `studybuddy equiv` about a fifth of its time, and nothing is left to write."""
    try:
        try:
            code, quick = _run(argv)
        finally:
            sys.stdout.flush()  # output still buffered meets a closed pipe here, not at interpreter exit
        if quick and argv is None:
            sys.stderr.flush()
            os._exit(code)
        return code
    except BrokenPipeError:
        # The reader went away (`studybuddy diary export | head -1`): the rest has nowhere to go. Python's
        # recipe: point stdout at devnull, so the interpreter's last flush does not fail too, and exit 1.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _run(argv: Sequence[str] | None) -> tuple[int, bool]:
    """The exit status, and whether the process may end without the interpreter's teardown."""
    launch, command, subcommand = _first_look(argv)
    args = launch or build_parser(command, subcommand).parse_args(argv)
    return _call(args), bool(getattr(args, "exit_quickly", False))


def _call(args: argparse.Namespace) -> int:
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from studybuddy.ui.launch import launch_app

            return launch_app(home=args.home)  # the app shows what the config file got wrong
        _warn_about_the_config_file()
        return int(handler(args) or 0)
    except StudybuddyError as error:  # it may quote a file or its name: control characters escaped
        print(printable(f"studybuddy: {error}"), file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # main's: the reader went away
    except OSError as error:  # the system refused a file (a name too long, a folder not allowed, ...)
        print(printable(f"studybuddy: {_os_problem(error)}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _os_problem(error: OSError) -> str:
    """What the system said and the file it said it about, a long path cut in the middle."""
    reason = error.strerror or str(error)
    if not error.filename:
        return reason
    name = os.fsdecode(error.filename)
    if len(name) > 160:
        name = f"{name[:80]}…{name[-60:]}"
    return f"{reason}: {name}"


def _warn_about_the_config_file() -> None:
    """What the config file got wrong, on stderr before the command's output: the command then runs
    on the defaults for those settings (a broken config file never stops a command)."""
    from studybuddy.storage.config import default_config_path, load_config

    for problem in load_config(default_config_path(os.environ)).problems:
        print(f"studybuddy: warning: {problem}", file=sys.stderr)
