"""`studybuddy report --week`: a week of study in one page, as Markdown and JSON, and added to the
diary; a week with no study says so."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studybuddy.cli import main
from studybuddy.cli.moment import FixedClock
from studybuddy.core.reviews.rating import Encounter, Try
from studybuddy.services.context import StudyContext

SUNDAY = datetime(2025, 7, 6, 21, 0, tzinfo=UTC)
LESSON = "sigmoid-derivative"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STUDYBUDDY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("TZ", "UTC")
    clock = tmp_path / "clock.txt"
    clock.write_text(SUNDAY.isoformat())
    monkeypatch.setenv("STUDYBUDDY_CLOCK_FILE", str(clock))
    return tmp_path / "home"


def run(capsys, *words: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(words))
    out, err = capsys.readouterr()
    return code, out, err


def a_week_of_study(home: Path) -> None:
    """Two subjects' time, four answers (two sign errors in one exercise), a review, and three diary
    days with headings, one of them outside the week."""
    for minutes, subject, day in (
        (90, "calculus", "2025-07-05"),
        (30, "ml", "2025-07-01"),
        (20, "ml", "2025-06-20"),
    ):
        assert main(["timer", "log", str(minutes), "--subject", subject, "--date", day]) == 0
    context = StudyContext.open(str(home))
    context.clock = FixedClock(SUNDAY - timedelta(days=2))
    for exercise, correct, diagnosis in (
        ("chain-rule-w", False, "sign"),
        ("chain-rule-w", False, "sign"),
        ("chain-rule-w", True, None),
        ("sigmoid-prime", True, None),
    ):
        context.progress.record_attempt(
            lesson_id=LESSON,
            exercise_id=exercise,
            answer="x",
            correct=correct,
            verdict="equivalent" if correct else "different",
            diagnosis=diagnosis,
        )
    context.clock = FixedClock(SUNDAY - timedelta(days=4))  # Wednesday: an easy card comes back next week
    proposal = context.reviews.propose(LESSON, "sigmoid-prime", Encounter((Try(True, context.clock.now()),)))
    assert proposal is not None
    context.reviews.save(proposal, proposal.rating.Easy)  # due in a week: next week's reviews
    diary = home / "diary"
    diary.mkdir(parents=True, exist_ok=True)
    (diary / "2025-07-01.md").write_text("# Softmax by hand\n\ntext\n\n## The Jacobian\n", encoding="utf-8")
    (diary / "2025-07-04.md").write_text("Just a line, no heading. #tag\n```\n# not a heading\n```\n")
    (diary / "2025-07-05.md").write_text("- 19:25 derived dW = g x^T\n- 19:40 checked it\n", encoding="utf-8")
    (diary / "2025-06-25.md").write_text("# Last month\n", encoding="utf-8")


def test_a_week_with_no_study_says_so(capsys) -> None:
    code, out, err = run(capsys, "report", "--week")
    assert code == 0 and "Traceback" not in err
    assert out.startswith("## Weekly report, 30 Jun to 6 Jul 2025\n")
    assert "No study recorded this week" in out
    assert "**Reviews due next week:** 0" in out
    code, out, _ = run(capsys, "report", "--week", "--json")
    report = json.loads(out)
    assert report["studied"] is False and report["accuracy"] is None and report["lessons"] == []


def test_the_week_in_one_page(capsys, home) -> None:
    a_week_of_study(home)
    code, out, _ = run(capsys, "report", "--week")
    assert code == 0
    assert "- **Study time:** 2 h on 2 days: calculus 1 h 30 min, ml 30 min" in out
    assert "- **Lessons:** The sigmoid and its derivative s(1 - s)" in out
    assert "- **Exercises:** 2 exercises answered (4 answers, 50% right)" in out
    assert "- **Reviews done:** 1" in out
    assert "  - sign error: 2 times this week, mostly in The sigmoid and its derivative s(1 - s)" in out
    assert "  - Tue 01 Jul: Softmax by hand; The Jacobian" in out
    assert "  - Fri 04 Jul: Just a line, no heading. #tag" in out
    assert "  - Sat 05 Jul: 19:25 derived dW = g x^T\n" in out, "its first line, without its list marker"
    assert "Last month" not in out

    code, out, _ = run(capsys, "report", "--week", "--json")
    report = json.loads(out)
    assert report["minutes_by_subject"] == {"calculus": 90, "ml": 30}
    assert (report["exercises"], report["answers"], report["right"]) == (2, 4, 2)
    assert report["recurring_mistakes"] == [{"mistake": "sign error", "count": 2, "mostly_in": LESSON}]
    card = StudyContext.open(str(home)).reviews.card(LESSON, "sigmoid-prime")
    assert card is not None and card.due is not None
    assert list(report["due_next_week"]) == [f"2025-07-{day:02}" for day in range(7, 14)]
    assert report["due_next_week"] == {
        day: int(day == card.due.date().isoformat()) for day in report["due_next_week"]
    }
    assert sum(report["due_next_week"].values()) == 1 and report["due_now"] == 0


def test_at_moves_the_week(capsys, home) -> None:
    a_week_of_study(home)
    code, out, _ = run(capsys, "report", "--week", "--at", "2025-06-26T12:00")
    assert code == 0 and out.startswith("## Weekly report, 20 Jun to 26 Jun 2025")
    assert "ml 20 min" in out and "Last month" in out and "calculus" not in out


def test_append_to_diary_adds_the_report_below_the_days_entry_as_markdown(capsys, home) -> None:
    a_week_of_study(home)
    entry = home / "diary" / "2025-07-06.md"
    entry.write_text("# Sunday\n\nReviewed softmax.\n", encoding="utf-8")
    code, out, err = run(capsys, "report", "--week", "--append-to-diary")
    assert code == 0 and str(entry) in err
    text = entry.read_text(encoding="utf-8")
    assert text.startswith("# Sunday\n\nReviewed softmax.\n\n## Weekly report, 30 Jun to 6 Jul 2025\n")
    assert text.endswith(out), "the report as printed, set off by a blank line"
    code, out, _ = run(capsys, "report", "--week")
    assert "  - Sun 06 Jul: Sunday\n" in out, "a report in the diary is not one of the week's headings"


def test_append_to_diary_makes_the_days_entry_when_there_is_none(capsys, home) -> None:
    code, out, _ = run(capsys, "report", "--week", "--append-to-diary", "--at", "2025-07-06T22:00+00:00")
    assert code == 0
    assert (home / "diary" / "2025-07-06.md").read_text(encoding="utf-8") == out
