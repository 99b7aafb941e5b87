"""A clock set to year 1 or 9999, and a time limit of 1e308 s: a clear message, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from studybuddy.cli import main
from studybuddy.services.clock import CLOCK_FILE_ENV_VAR, ClockError, FileClock

COMMANDS = [
    ["timer", "start", "--minutes", "30", "--subject", "calculus"],
    ["timer", "status"],
    ["timer", "log", "30", "--subject", "calculus"],
    ["diary", "add", "derived it"],
    ["diary", "show", "today"],
    ["stats"],
    ["stats", "--year"],
]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:00+00:00"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_clock_at_the_ends_of_the_calendar_is_named_not_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    moment: str,
    command: list[str],
) -> None:
    clock = tmp_path / "clock"
    clock.write_text(moment)
    monkeypatch.setenv(CLOCK_FILE_ENV_VAR, str(clock))
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "none.toml"))

    assert main(["--home", str(tmp_path / "home"), *command]) == 1

    error = capsys.readouterr().err
    assert f"the clock says {moment[:16]}+00:00; studybuddy works with times from 1900 to 9000" in error
    assert "Traceback" not in error
    assert not (tmp_path / "home" / "diary").exists()  # nothing was written under a wrong date


def test_the_clock_range_is_checked_at_every_reading(tmp_path: Path) -> None:
    clock_file = tmp_path / "clock"
    clock = FileClock(clock_file)
    clock_file.write_text("2025-07-06T09:00:00+02:00")
    assert clock.now().year == 2025
    clock_file.write_text("9000-01-01T00:00:01+00:00")
    with pytest.raises(ClockError):
        clock.now()


@pytest.mark.parametrize(
    "command",
    [["equiv", "x", "x"], ["lessons", "check"], ["derive", "-"]],
    ids=lambda command: command[0],
)
@pytest.mark.parametrize("seconds", ["1e308", "86401", "inf"])
def test_a_time_limit_past_a_day_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], command: list[str], seconds: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--timeout", seconds])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "argument --timeout: a time limit must be" in error
    assert "Traceback" not in error
