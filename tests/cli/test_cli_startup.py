"""A command imports and builds only its own parser: `timer status` and `diary list` are quick because
they load nothing of the other commands (argparse looks every help text up in gettext's catalogues)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from studybuddy.cli import SUBCOMMAND_MODULES, build_parser, main


def test_every_command_module_registers_the_command_it_is_named_for() -> None:
    for module in SUBCOMMAND_MODULES:
        command = module.rsplit(".", 1)[1]
        parser = build_parser(command)
        [subparsers] = [action for action in parser._actions if action.dest == "command" or action.choices]
        assert list(subparsers.choices) == [command], module  # type: ignore[union-attr]


def test_the_whole_parser_lists_every_command() -> None:
    [subparsers] = [action for action in build_parser()._actions if action.choices]
    assert sorted(subparsers.choices) == sorted(m.rsplit(".", 1)[1] for m in SUBCOMMAND_MODULES)  # type: ignore[union-attr]


def test_a_misspelt_command_is_named_with_every_command_to_choose_from(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["timr", "status"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'timr'" in err and "'timer'" in err and "'equiv'" in err


@pytest.mark.parametrize("command", [["timer", "status"], ["diary", "list"]])
def test_a_quick_command_loads_no_other_command(tmp_path: Path, command: list[str]) -> None:
    script = (
        "import json, sys\n"
        "from studybuddy.cli import main\n"
        f"main(['--home', sys.argv[1], *{command!r}])\n"
        "cli = sorted(m for m in sys.modules if m.startswith('studybuddy.cli.'))\n"
        "heavy = sorted(m for m in ('sympy', 'numpy', 'textual') if m in sys.modules)\n"
        "print(json.dumps([cli, heavy]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "home")],
        env={**os.environ, "STUDYBUDDY_CONFIG": str(tmp_path / "none.toml")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded, heavy = json.loads(result.stdout.splitlines()[-1])
    unrelated = ("equiv", "lessons", "stats", "review", "report", "exercise", "locate", "timer", "diary")
    others = [f"studybuddy.cli.{name}" for name in unrelated if name != command[0]]
    assert not set(loaded) & set(others), loaded
    assert heavy == []


# What no quick command needs: the math engine, the app, the lesson and front-matter parsers, the
# diary import's and the preview's helpers, the review scheduler.
HEAVY = ("sympy", "numpy", "textual", "rich", "yaml", "ftfy", "unicodeit", "fsrs", "tree_sitter")
# What listing the diary in particular never uses: search, the statistics' models, a new day's
# template, the merge of two edits.
NOT_FOR_LISTING = (
    "studybuddy.core.diary_search",
    "studybuddy.storage.diary_index",
    "studybuddy.core.stats",
    "studybuddy.services.stats",
    "studybuddy.services.diary_template",
    "difflib",
)


def _home_with_a_diary_and_sessions(root: Path) -> Path:
    """Two days with entries and study time: listing them reads the folder and the sessions table."""
    from datetime import date

    from studybuddy.services.context import StudyContext

    home = root / "home"
    (home / "diary").mkdir(parents=True)
    for day in ("2025-07-05", "2025-07-06"):
        (home / "diary" / f"{day}.md").write_text(f"# {day}\n\nDerived softmax #backprop\n", encoding="utf-8")
    context = StudyContext.open(str(home), environ={"STUDYBUDDY_CONFIG": str(root / "none.toml")})
    context.timer.log(subject="calculus", minutes=45, day=date(2025, 7, 5))
    context.close()
    return home


def _loaded_by(command: list[str], home: Path, root: Path) -> tuple[str, set[str]]:
    """What ``studybuddy --home HOME COMMAND`` printed, and every module it had imported by the end."""
    script = (
        "import json, sys\n"
        "from studybuddy.cli import main\n"
        f"main(['--home', sys.argv[1], *{command!r}])\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(home)],
        env={**os.environ, "STUDYBUDDY_CONFIG": str(root / "none.toml")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    *output, modules = result.stdout.splitlines()
    return "\n".join(output), set(json.loads(modules))


def _top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules} | modules


@pytest.mark.parametrize(
    "command", [["diary", "list"], ["diary", "search", "#backprop"], ["timer", "status"]], ids=" ".join
)
def test_a_quick_command_imports_nothing_heavy(tmp_path: Path, command: list[str]) -> None:
    home = _home_with_a_diary_and_sessions(tmp_path)
    _, loaded = _loaded_by(command, home, tmp_path)
    assert sorted(set(HEAVY) & _top_level(loaded)) == []


def test_diary_list_shows_the_minutes_without_the_search_or_statistics_modules(tmp_path: Path) -> None:
    home = _home_with_a_diary_and_sessions(tmp_path)
    shown, loaded = _loaded_by(["diary", "list"], home, tmp_path)
    assert "2025-07-05  Sat    45 min" in shown and "2025-07-06  Sun" in shown  # it did read both
    assert sorted(set(NOT_FOR_LISTING) & loaded) == []


def _diary_commands(parser: Any) -> list[str]:
    [commands] = [action for action in parser._actions if action.choices]
    [diary_commands] = [action for action in commands.choices["diary"]._actions if action.choices]
    return list(diary_commands.choices)


def test_a_diary_command_builds_only_its_own_parser_and_a_misspelt_one_lists_them_all(capsys) -> None:
    every = ["add", "edit", "show", "list", "search", "export", "import", "check"]
    assert _diary_commands(build_parser("diary")) == every
    assert _diary_commands(build_parser("diary", "list")) == ["list"]  # what `diary list` builds
    assert _diary_commands(build_parser("diary", "--help")) == every
    with pytest.raises(SystemExit) as exited:
        main(["diary", "lst"])
    assert exited.value.code == 2
    assert (
        "invalid choice: 'lst'" in (err := capsys.readouterr().err) and "'list'" in err and "'check'" in err
    )
