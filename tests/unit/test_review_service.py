"""Reviews through the app's own quiz path (services.quiz.QuizSession) and services.reviews, on a frozen
clock: the rating proposed and changed, the order cards come due, the daily queue, orphaned cards,
derive exercises, the timer, and mastery from a card's stability.

The grader here is a stand-in that calls the exercise's own answer right and anything else a sign
error (what is under test is what happens after the grade; the grader has its own tests, and the
shell tests in tests/cli use the real one).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fsrs import Rating, State

from studybuddy.core.grading.verdict import Diagnosis, Verdict
from studybuddy.core.reviews.rating import Encounter, Try
from studybuddy.core.stats import MASTERED_STABILITY_DAYS
from studybuddy.services.context import StudyContext
from studybuddy.services.quiz import QuizSession
from studybuddy.services.reviews import ReviewConflict

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
LESSON = "sigmoid-derivative"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class FrozenClock:
    moment: datetime = T0

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


class KeyGrader:
    """Right when the answer is the exercise's own answer, a sign error otherwise."""

    def grade_exercise(self, lesson: Any, exercise: Any, answer: str) -> Verdict:
        if answer == exercise.answer.text:
            return Verdict("equivalent", "proved equal", "equal")
        return Verdict("different", "different", "no", diagnosis=Diagnosis("sign", "Sign error."))

    def preview_exercise_answer(self, lesson: Any, exercise: Any, text: str) -> dict[str, Any]:
        return {"pretty": text}

    def is_ready(self) -> bool:
        return True


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FrozenClock) -> StudyContext:
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
    ctx = StudyContext.open(str(tmp_path / "home"))
    ctx.clock = clock
    ctx.grading = KeyGrader()  # type: ignore[assignment]
    return ctx


def quiz(context: StudyContext, exercise_id: str, lesson_id: str = LESSON) -> QuizSession:
    lesson = context.lessons.get(lesson_id)
    index = [exercise.id for exercise in lesson.exercises].index(exercise_id)
    return QuizSession(lesson, context.grading, context.progress, index, reviews=context.reviews)


def answer(session: QuizSession, text: str | None = None):
    request = session.ask_grade(text if text is not None else session.exercise.answer.text)
    assert request is not None
    return session.grade(request)


def served(context: StudyContext) -> list[str]:
    return [item.exercise_id for item in context.reviews.queue().items if item.kind != "new"]


def test_wrong_comes_due_first_then_the_hinted_then_the_right(context, clock) -> None:
    wrong, hinted, right = (quiz(context, e) for e in ("sigmoid-prime", "max-slope", "chain-rule-w"))
    assert answer(wrong, "s*(1+s)").proposal is None, "a wrong answer leaves the sitting open"
    left = wrong.pending_proposal()  # the learner moves on without a right answer
    assert left is not None and left.rating == Rating.Again
    wrong.save_rating(left)

    hinted.reveal_hint()
    proposal = answer(hinted).proposal
    assert proposal is not None and proposal.rating == Rating.Hard and "hint" in proposal.reason
    hinted.save_rating(proposal)

    clock.advance(minutes=2)  # read the prompt for two minutes: right, but not quick
    proposal = answer(right).proposal
    assert proposal is not None and proposal.rating == Rating.Good
    right.save_rating(proposal)

    clock.advance(minutes=30)
    assert served(context) == ["sigmoid-prime", "max-slope", "chain-rule-w"]
    dues = [context.reviews.card(LESSON, e).due for e in ("sigmoid-prime", "max-slope", "chain-rule-w")]
    assert dues == sorted(dues) and len(set(dues)) == 3


def test_the_proposal_shows_the_next_interval_on_each_choice_and_a_changed_rating_is_saved(context) -> None:
    session = quiz(context, "sigmoid-prime")
    proposal = answer(session).proposal
    assert proposal is not None and proposal.rating == Rating.Easy, "right at once, no hint"
    assert [choice.name for choice in proposal.choices] == ["Again", "Hard", "Good", "Easy"]
    assert [choice.key for choice in proposal.choices] == ["1", "2", "3", "4"]
    assert proposal.proposed_choice.proposed and sum(choice.proposed for choice in proposal.choices) == 1
    assert "Proposed: Easy" in proposal.text() and "2 Hard 6 min" in proposal.text()

    saved = session.save_rating(proposal, Rating.Hard)  # the learner knows better: one key
    assert saved.rating == Rating.Hard and saved.changed and "proposed Easy" in saved.text()
    card = context.reviews.card(LESSON, "sigmoid-prime")
    assert card is not None and card.due == proposal.choice(Rating.Hard).due
    with context.database.read() as conn:
        rows = conn.execute("SELECT rating, proposed, kind, state_before FROM review_logs").fetchall()
    assert rows == [(int(Rating.Hard), int(Rating.Easy), "new", None)]


def test_a_proposal_for_a_card_reviewed_since_is_refused_and_nothing_is_saved(context, clock) -> None:
    first, second = quiz(context, "sigmoid-prime"), quiz(context, "sigmoid-prime")  # two windows
    stale = answer(first).proposal
    fresh = answer(second).proposal
    assert stale is not None and fresh is not None
    second.save_rating(fresh)
    with pytest.raises(ReviewConflict, match="reviewed elsewhere since"):
        first.save_rating(stale)
    with context.database.read() as conn:
        assert conn.execute("SELECT count(*) FROM review_logs").fetchone()[0] == 1
    assert first.pending_proposal() is not None, "the refused sitting stays, to propose again"


def test_after_a_saved_review_the_next_sitting_starts_fresh(context, clock) -> None:
    session = quiz(context, "sigmoid-prime")
    session.reveal_hint()
    answer(session, "nope")
    proposal = answer(session).proposal
    assert proposal is not None and proposal.rating == Rating.Hard
    session.save_rating(proposal)
    assert context.progress.aids_shown(LESSON, "sigmoid-prime").hints == 0, "hints shown are forgotten"
    assert session.pending_proposal() is None
    clock.advance(minutes=10)
    proposal = answer(session).proposal
    assert proposal is not None and proposal.rating == Rating.Good, "no wrong try or hint carried over"


def test_coming_back_to_an_exercise_left_wrong_in_the_same_quiz_is_hard_not_easy(context, clock) -> None:
    """Wrong, moved on (Again saved), back with the previous-exercise key, right at once: no recall."""
    session = quiz(context, "sigmoid-prime")
    answer(session, "nope")
    left = session.pending_proposal()
    assert left is not None and left.rating == Rating.Again
    session.save_rating(left)
    clock.advance(seconds=20)
    proposal = answer(session).proposal
    assert proposal is not None and proposal.rating == Rating.Hard
    assert proposal.reason == "right after getting it wrong a moment ago"
    session.save_rating(proposal)
    clock.advance(seconds=20)
    proposal = answer(session).proposal
    assert proposal is not None and proposal.rating == Rating.Easy, "once right, the next sitting is its own"


def test_the_worked_solution_makes_it_again_even_when_right(context) -> None:
    session = quiz(context, "sigmoid-prime")
    session.reveal_solution()
    proposal = answer(session).proposal
    assert proposal is not None and proposal.rating == Rating.Again


def test_a_review_during_a_running_session_counts_in_it_like_any_answer(context, clock) -> None:
    running = context.timer.start(subject="calculus")
    session = quiz(context, "sigmoid-prime")
    session.save_rating(answer(session).proposal)
    live = context.timer.session(running.id)
    assert (live.exercises_tried, live.exercises_right) == (1, 1)
    with context.database.read() as conn:
        assert conn.execute("SELECT session_id FROM review_logs").fetchone() == (running.id,)


def test_the_queue_serves_new_exercises_of_opened_lessons_interleaved_with_reviews(context, clock) -> None:
    context.progress.lesson_opened(LESSON)
    clock.advance(minutes=1)
    context.progress.lesson_opened("softmax-cross-entropy")
    queue = context.reviews.queue()
    new = [(item.lesson_id, item.exercise_id) for item in queue.items]
    assert all(item.kind == "new" for item in queue.items)
    every = len(context.lessons.get(LESSON).exercises) + len(
        context.lessons.get("softmax-cross-entropy").exercises
    )
    assert len(new) == every and queue.new_today == every
    assert [lesson for lesson, _ in new[:4]] == ["softmax-cross-entropy", LESSON] * 2, "latest opened first"
    assert "derive-sigmoid-prime" not in {exercise for _, exercise in new}, "derivations are not new items"


def test_daily_new_cap_counts_the_exercises_introduced_today(context, clock) -> None:
    context.reviews.caps = type(context.reviews.caps)(new=3, reviews=200)
    context.progress.lesson_opened(LESSON)
    for exercise in ("sigmoid-prime", "max-slope"):
        session = quiz(context, exercise)
        session.save_rating(answer(session).proposal)
    queue = context.reviews.queue()
    assert queue.day.done.new == 2
    assert [item.kind for item in queue.items] == ["new"], "3 a day, 2 of them done"
    clock.advance(days=1)
    assert [item.kind for item in context.reviews.queue().items].count("new") == 3


def test_cards_of_a_removed_lesson_are_kept_shown_as_orphaned_and_never_served(context, clock) -> None:
    mine = context.home.lessons_dir / "my-sigmoid.yaml"
    mine.parent.mkdir(parents=True)
    text = (ROOT / "lessons" / "activations" / "sigmoid-derivative.yaml").read_text(encoding="utf-8")
    mine.write_text(text.replace("id: sigmoid-derivative", "id: my-sigmoid", 1), encoding="utf-8")
    for lesson in ("my-sigmoid", LESSON):
        session = quiz(context, "sigmoid-prime", lesson)
        session.save_rating(answer(session, "wrong").proposal or session.pending_proposal())
    mine.unlink()  # the learner deletes their lesson; the next run of the app reads the library afresh
    clock.advance(minutes=5)
    fresh = StudyContext.open(str(context.home.root))
    fresh.clock = clock
    queue = fresh.reviews.queue()
    assert [(item.lesson_id, item.exercise_id) for item in queue.items if item.kind != "new"] == [
        (LESSON, "sigmoid-prime")
    ]
    [orphan] = queue.orphaned
    assert (orphan.lesson_id, orphan.exercise_id) == ("my-sigmoid", "sigmoid-prime")
    assert "lesson is gone" in orphan.reason
    assert fresh.reviews.stats().orphaned == 1
    assert sum(count for _, count in fresh.reviews.forecast()) == 1, "an orphan is never forecast"
    assert fresh.reviews.card("my-sigmoid", "sigmoid-prime") is not None, "kept, with its history"


def test_a_card_whose_exercise_left_its_lesson_is_orphaned_too(context, clock) -> None:
    proposal = context.reviews.propose(LESSON, "renamed-away", Encounter((Try(True, T0),)))
    assert proposal is not None
    context.reviews.save(proposal)
    clock.advance(days=30)
    queue = context.reviews.queue()
    assert [o.reason for o in queue.orphaned] == ["the lesson has no such exercise now"]
    assert all(item.exercise_id != "renamed-away" for item in queue.items)


def test_a_derive_exercise_becomes_a_card_served_as_a_derivation(context, clock) -> None:
    derive = "derive-sigmoid-prime"
    encounter = Encounter((Try(False, T0), Try(True, T0 + timedelta(minutes=4))), shown_at=T0)
    proposal = context.reviews.propose(LESSON, derive, encounter)
    assert proposal is not None and proposal.rating == Rating.Hard
    context.reviews.save(proposal)
    clock.advance(minutes=10)
    [item] = [item for item in context.reviews.queue().items if item.exercise_id == derive]
    assert (item.kind, item.exercise_kind) == ("learning", "derive")


def test_mastered_means_a_card_recalled_three_weeks_on(context, clock) -> None:
    session = quiz(context, "sigmoid-prime")
    for _ in range(12):  # right, quickly, every time it comes due
        proposal = answer(session).proposal
        assert proposal is not None
        saved = session.save_rating(proposal, Rating.Good)
        card = context.reviews.card(LESSON, "sigmoid-prime")
        assert card is not None and card.stability is not None
        if card.stability >= MASTERED_STABILITY_DAYS:
            break
        clock.moment = saved.due
        session.began_at(clock.moment)
    [standing] = [s for s in context.progress.lesson_standings(context.lessons) if s.lesson_id == LESSON]
    assert standing.mastered == 1 and standing.mastered_text == "1/5"
    assert context.reviews.stats().mastered == 1
    assert card.state == State.Review


def test_retention_counts_reviews_of_cards_in_the_review_state(context, clock) -> None:
    session = quiz(context, "sigmoid-prime")
    for rating in (Rating.Good, Rating.Good, Rating.Good, Rating.Again):
        proposal = answer(session).proposal
        saved = session.save_rating(proposal, rating)
        clock.moment = saved.due
    retention = context.reviews.retention()
    assert (retention.reviews, retention.right) == (2, 1)  # the two after it graduated; 1 forgotten
    assert retention.text == "50% of 2"


def test_the_logs_are_fsrs_review_logs_its_optimizer_takes(context, clock) -> None:
    session = quiz(context, "sigmoid-prime")
    session.save_rating(answer(session).proposal)
    [log] = context.reviews.review_logs()
    assert log.to_dict()["review_datetime"] == "2025-07-06T09:00:00+00:00"
    assert log.rating == Rating.Easy and log.review_duration == 0

    from fsrs import ReviewLog

    with context.database.read() as conn:
        row = conn.execute(
            "SELECT card_id, rating, review_datetime, review_duration FROM review_logs"
        ).fetchone()
    stored = dict(zip(("card_id", "rating", "review_datetime", "review_duration"), row, strict=True))
    assert ReviewLog.from_dict(stored) == log  # the columns are FSRS's own format


@pytest.fixture(autouse=True)
def _no_user_lessons_left(context):
    yield
    shutil.rmtree(context.home.lessons_dir, ignore_errors=True)
