"""`studybuddy exercise answer`, `review list` and `review stats` from the shell, with the real grader
(one worker for the module), each command run as of a fixed moment with --at."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from studybuddy.cli import main
from studybuddy.cli.moment import FixedClock
from studybuddy.services.context import StudyContext

ROOT = Path(__file__).resolve().parents[2]
LESSON = "sigmoid-derivative"
NINE = "2025-07-06T09:00:00+00:00"


@pytest.fixture(scope="module")
def grader():
    from studybuddy.services.grading import GradingService

    service = GradingService(timeout=120.0)  # patient: busy shared cores never make a grade "unknown"
    service.start()
    yield service
    service.close()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grader) -> Path:
    monkeypatch.setenv("STUDYBUDDY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "none.toml"))
    clock = tmp_path / "clock.txt"
    clock.write_text(NINE)
    monkeypatch.setenv("STUDYBUDDY_CLOCK_FILE", str(clock))  # for the commands without --at
    # Every command's context grades with the module's worker (the context never closes one it did
    # not start), instead of starting a worker per command.
    monkeypatch.setattr(StudyContext, "grading", property(lambda self: grader))
    return tmp_path / "home"


def run(capsys, *words: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(words))
    out, err = capsys.readouterr()
    return code, out, err


def answer(capsys, exercise: str, text: str, *options: str, at: str = NINE, lesson: str = LESSON):
    return run(capsys, "exercise", "answer", lesson, exercise, "--at", at, "--json", *options, "--", text)


def attempts(home: Path) -> int:
    context = StudyContext.open(str(home))
    with context.database.read() as conn:
        return conn.execute("SELECT count(*) FROM attempts").fetchone()[0]


def test_three_answers_wrong_hinted_right_come_due_in_that_order(capsys) -> None:
    code, out, _ = answer(capsys, "sigmoid-prime", "s*(1+s)")
    wrong = json.loads(out)
    assert code == 1 and wrong["result"] == "wrong" and wrong["recorded"]
    assert wrong["review"]["proposed"] == "again" and wrong["review"]["saved"] == "again"

    code, out, _ = answer(capsys, "max-slope", "1/4", "--hints", "1")
    hinted = json.loads(out)
    assert code == 0 and hinted["review"]["proposed"] == "hard" and "hint" in hinted["review"]["reason"]

    code, out, _ = answer(capsys, "chain-rule-w", "q*(1-q)*x")
    right = json.loads(out)
    assert code == 0 and right["review"]["saved"] == "good"
    assert set(right["review"]["choices"]) == {"again", "hard", "good", "easy"}

    code, out, _ = run(capsys, "review", "list", "--json", "--at", "2025-07-06T09:30:00+00:00")
    queue = json.loads(out)
    assert code == 0
    assert [item["exercise"] for item in queue["serve"] if item["kind"] != "new"] == [
        "sigmoid-prime",
        "max-slope",
        "chain-rule-w",
    ]
    code, out, _ = run(capsys, "review", "list", "--at", "2025-07-06T09:03:00+00:00")
    assert "sigmoid-prime" in out and "max-slope" not in out, "only the wrong one is due after 3 minutes"
    assert "Later today: 2 in a learning step." in out


def test_the_rating_the_learner_chooses_is_the_one_saved(capsys) -> None:
    code, out, _ = answer(capsys, "sigmoid-prime", "s*(1-s)", "--rating", "hard")
    review = json.loads(out)["review"]
    assert code == 0 and (review["proposed"], review["saved"]) == ("good", "hard")
    assert review["due"] == review["choices"]["hard"]["due"]
    code, out, _ = answer(capsys, "max-slope", "1/4", "--seconds", "20")
    assert json.loads(out)["review"]["saved"] == "easy", "right at once within a minute"


def test_the_printed_answer_shows_the_verdict_the_proposal_and_the_choices(capsys) -> None:
    code, out, _ = run(capsys, "exercise", "answer", LESSON, "sigmoid-prime", "s - s^2", "--at", NINE)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("✓ Right.")
    assert "Proposed: Good (right first time, no hint)" in out
    assert "1 Again 1 min  2 Hard 6 min  3 Good 10 min  4 Easy" in out
    assert "Saved as Good; next review in 10 min." in out


def test_an_answer_that_cannot_be_read_is_not_recorded_nor_reviewed(capsys, home) -> None:
    code, out, _ = answer(capsys, "sigmoid-prime", "s*(1-")
    result = json.loads(out)
    assert code == 1 and result["result"] == "invalid" and result["review"] is None
    assert not result["recorded"] and attempts(home) == 0


@pytest.mark.parametrize("moment", ["yesterday", "2025-13-01T09:00", "2025-07-06 25:00", "0001-01-01T00:00"])
def test_at_that_is_not_a_usable_date_is_a_usage_error_and_nothing_is_recorded(capsys, home, moment) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["exercise", "answer", LESSON, "sigmoid-prime", "s*(1-s)", "--at", moment])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --at:" in err and repr(moment) in err and "Traceback" not in err
    for command in (["review", "list"], ["review", "stats"], ["report", "--week"]):
        with pytest.raises(SystemExit):
            main([*command, "--at", moment])
        assert "argument --at:" in capsys.readouterr().err
    assert not home.exists() or attempts(home) == 0


@pytest.mark.parametrize(
    ("lesson", "exercise", "message"),
    [
        (
            LESSON,
            "sigmoid-prme",
            "lesson 'sigmoid-derivative' has no exercise 'sigmoid-prme'; did you mean 'sigmoid-prime'?",
        ),
        (LESSON, "zzz", "has no exercise 'zzz'; its exercises are sigmoid-prime, max-slope"),
        (
            "sigmoid-derivatve",
            "sigmoid-prime",
            "no lesson has the id 'sigmoid-derivatve'; did you mean 'sigmoid-derivative'?",
        ),
        (LESSON, "derive-sigmoid-prime", "is a derive exercise, written line by line"),
    ],
    ids=["exercise-typo", "exercise-unknown", "lesson-typo", "derive"],
)
def test_an_exercise_that_does_not_exist_is_named_with_a_suggestion(
    capsys, home, lesson, exercise, message
) -> None:
    code, out, err = run(capsys, "exercise", "answer", lesson, exercise, "x", "--at", NINE)
    assert code == 1 and out == ""
    assert message in err and "Traceback" not in err
    assert attempts(home) == 0


def test_more_hints_than_the_exercise_has_is_refused(capsys, home) -> None:
    code, _, err = run(capsys, "exercise", "answer", LESSON, "sigmoid-prime", "x", "--hints", "9")
    assert code == 1 and "has 3 hints, so --hints 9 cannot be right" in err
    assert attempts(home) == 0


@pytest.mark.parametrize(("hints", "said"), [("-1", "must be 0 or more"), ("two", "not a whole number")])
def test_a_hint_count_that_is_not_a_count_is_a_usage_error(capsys, home, hints, said) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(capsys, "exercise", "answer", LESSON, "sigmoid-prime", "x", "--hints", hints)
    assert stopped.value.code == 2 and said in capsys.readouterr().err
    assert attempts(home) == 0


def test_an_answer_while_the_timer_runs_counts_in_the_session(capsys, home) -> None:
    context = StudyContext.open(str(home))
    context.clock = FixedClock(datetime.fromisoformat(NINE))
    session = context.timer.start(subject="calculus")
    code, _, _ = answer(capsys, "sigmoid-prime", "s*(1-s)")
    assert code == 0
    assert context.timer.session(session.id).exercises_tried == 1


def test_cards_of_a_deleted_lesson_are_listed_as_orphaned_and_the_queue_still_works(capsys, home) -> None:
    mine = home / "lessons" / "my-sigmoid.yaml"
    mine.parent.mkdir(parents=True)
    text = (ROOT / "lessons" / "activations" / "sigmoid-derivative.yaml").read_text(encoding="utf-8")
    mine.write_text(text.replace("id: sigmoid-derivative", "id: my-sigmoid", 1), encoding="utf-8")
    answer(capsys, "sigmoid-prime", "s*(1+s)", lesson="my-sigmoid")
    answer(capsys, "sigmoid-prime", "s*(1+s)")
    shutil.rmtree(mine.parent)

    later = "2025-07-06T10:00:00+00:00"
    code, out, err = run(capsys, "review", "list", "--at", later)
    assert code == 0 and "Traceback" not in err
    assert "Orphaned cards (kept with their history, never served): 1" in out
    assert "my-sigmoid · sigmoid-prime: the lesson is gone" in out
    code, out, _ = run(capsys, "review", "list", "--json", "--at", later)
    queue = json.loads(out)
    assert [(i["lesson"], i["exercise"]) for i in queue["serve"] if i["kind"] != "new"] == [
        (LESSON, "sigmoid-prime")
    ]
    assert [o["lesson"] for o in queue["orphaned"]] == ["my-sigmoid"]
    code, out, _ = run(capsys, "review", "stats", "--json", "--at", later)
    assert code == 0 and json.loads(out)["orphaned"] == 1


def test_review_stats_show_cards_retention_the_next_14_days_mistakes_and_what_to_revisit(capsys) -> None:
    answer(capsys, "chain-rule-w", "-q*(1-q)*x")  # a sign error
    answer(capsys, "chain-rule-w", "-q*(1-q)*x", at="2025-07-06T09:30:00+00:00")
    answer(capsys, "sigmoid-prime", "s*(1-s)")
    code, out, _ = run(capsys, "review", "stats", "--json", "--at", "2025-07-06T10:00:00+00:00")
    stats = json.loads(out)
    assert code == 0
    assert stats["cards"] == {"new": 0, "learning": 2, "review": 0, "relearning": 0}
    assert len(stats["forecast"]) == 14 and stats["forecast"]["2025-07-06"] == 2
    assert stats["retention"]["share"] is None, "no card has reached the review state yet"
    assert stats["mistakes"]["kinds"] == [{"mistake": "sign error", "count": 2, "mostly_in": LESSON}]
    assert stats["worth_revisiting"][0]["lesson"] == LESSON
    code, out, _ = run(capsys, "review", "stats", "--at", "2025-07-06T10:00:00+00:00")
    assert "sign error: 2 times this month, mostly in The sigmoid and its derivative" in out
    assert "Due in the next 14 days" in out and "Sun 06 Jul     2" in out


def test_an_empty_home_has_nothing_to_review(capsys) -> None:
    code, out, _ = run(capsys, "review", "list")
    assert code == 0 and "Nothing to review now." in out
    code, out, _ = run(capsys, "review", "stats")
    assert code == 0 and "Retention, last 30 days: no reviews yet" in out
