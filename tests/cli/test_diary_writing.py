"""Writing the diary from the shell: `diary add --date`, and a new entry started from the config's
template with the day's sessions and lessons filled in (saved only once the learner changes it)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from studybuddy.cli import main
from studybuddy.services import clock
from studybuddy.services.context import StudyContext

TEMPLATE = """[diary]
template = '''# {weekday} {date}
Studied {minutes} min:
{sessions}
{lessons}

## What I learned
'''
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    clock_file = tmp_path / "clock.txt"  # the app's clock, as subprocess tests set it
    clock_file.write_text("2025-07-09T21:30:00+02:00")
    monkeypatch.setenv(clock.CLOCK_FILE_ENV_VAR, str(clock_file))
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
    return tmp_path / "home"


def run(home: Path, *args: str) -> int:
    return main(["--home", str(home), *args])


def test_add_with_a_date_adds_to_that_days_entry_without_the_time_now(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(home, "diary", "add", "--date", "yesterday", "reread", "the chain rule") == 0
    assert run(home, "diary", "add", "--date", "2025-07-08", "and the Jacobian") == 0
    assert run(home, "diary", "add", "--date", "today", "today's line") == 0
    assert (home / "diary" / "2025-07-08.md").read_text() == "- reread the chain rule\n- and the Jacobian\n"
    assert (home / "diary" / "2025-07-09.md").read_text() == "- 21:30 today's line\n"
    capsys.readouterr()
    assert run(home, "diary", "add", "--date", "2025-02-30", "no such day") == 1
    assert "February 2025 has no day 30" in capsys.readouterr().err
    assert not (home / "diary" / "2025-02-30.md").exists()


def editor(tmp_path: Path, script: str) -> str:
    path = tmp_path / "editor.py"
    path.write_text("import sys, pathlib\npath = pathlib.Path(sys.argv[1])\n" + script)
    return f"{sys.executable} {path}"


def studied(home: Path, tmp_path: Path) -> None:
    """A 30-minute session on 2025-07-09 and three answers in one lesson, one in another."""
    assert run(home, "timer", "log", "30", "--subject", "linear algebra") == 0
    context = StudyContext.open(str(home))
    for lesson, exercise, correct in [("dot-product", "e1", True), ("dot-product", "e2", False),
                                      ("dot-product", "e2", True), ("softmax", "e1", True)]:  # fmt: skip
        context.progress.record_attempt(
            lesson_id=lesson, exercise_id=exercise, answer="x", correct=correct, verdict="v"
        )
    context.close()


def test_a_new_entry_starts_from_the_template_with_the_days_study_filled_in(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "no-config.toml").write_text(TEMPLATE)
    studied(home, tmp_path)
    monkeypatch.setenv("VISUAL", editor(tmp_path, "path.write_text(path.read_text() + 'dot products!\\n')\n"))
    assert run(home, "diary", "edit") == 0
    text = (home / "diary" / "2025-07-09.md").read_text()
    assert text.startswith("# Wednesday 2025-07-09\nStudied 30 min:\n- ")
    assert "linear algebra 30 min" in text
    assert "- dot-product: 3 exercises (2 right)\n- softmax: 1 exercise (1 right)\n" in text
    assert text.endswith("## What I learned\ndot products!\n")


def test_a_template_left_unchanged_writes_nothing(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "no-config.toml").write_text(TEMPLATE)
    monkeypatch.setenv("VISUAL", editor(tmp_path, "pass\n"))
    assert run(home, "diary", "edit", "yesterday") == 0
    assert "no change" in capsys.readouterr().out
    assert not (home / "diary" / "2025-07-08.md").exists()
    assert not (home / "studybuddy.sqlite3").exists()  # never created just to fill a template in


def test_without_a_template_a_new_entry_is_an_empty_page_and_a_bad_one_is_named(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = tmp_path / "seen.txt"
    monkeypatch.setenv(
        "VISUAL", editor(tmp_path, f"pathlib.Path({str(seen)!r}).write_text(path.read_text())\n")
    )
    assert run(home, "diary", "edit") == 0
    assert seen.read_text() == ""
    (tmp_path / "no-config.toml").write_text("[diary]\ntemplate = 3\n")
    assert run(home, "diary", "edit") == 0
    assert seen.read_text() == ""
    assert "diary.template must be text in quotes, not 3" in capsys.readouterr().err
