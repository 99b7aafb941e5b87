"""A command imports and builds only its own parser: `timer status` and `diary list` are quick because
they load nothing of the other commands (argparse looks every help text up in gettext's catalogues)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
