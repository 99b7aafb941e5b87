"""What the review queue and the mistake insights read of the lesson library: titles and typed exercises
from the library's cached summaries (no lesson file parsed), a lesson file only for what a summary does
not hold (its derive exercises, its listed mistakes, a derive exercise's included), and the dashboard's
review counts giving way to the learner's keys before each lesson file a cold library reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import studybuddy.services.lessons as lesson_service
import studybuddy.storage.lesson_library as lesson_library
from studybuddy.core.reviews.rating import Encounter, Try
from studybuddy.services.context import StudyContext
from studybuddy.services.dashboard import gather_review_counts
from studybuddy.services.insights import open_insights

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
LESSON = "sigmoid-derivative"
DERIVE = "derive-sigmoid-prime"


@dataclass
class FrozenClock:
    moment: datetime = T0

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StudyContext:
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
    ctx = StudyContext.open(str(tmp_path / "home"))
    ctx.clock = FrozenClock()
    return ctx


@pytest.fixture
def files_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The lesson files parsed in full (LessonService.get), by file name."""
    read: list[str] = []
    real = lesson_service.read_lesson

    def counting(file):
        read.append(Path(file.filename).name)
        return real(file)

    monkeypatch.setattr(lesson_service, "read_lesson", counting)
    return read


def reviewed(context: StudyContext, exercise_id: str, right: bool = True) -> None:
    proposal = context.reviews.propose(LESSON, exercise_id, Encounter((Try(right, T0),), T0))
    assert proposal is not None
    context.reviews.save(proposal)


def test_the_queue_reads_titles_and_typed_exercises_from_the_summaries_not_the_files(
    context, files_read
) -> None:
    for lesson_id in ("softmax", "log-sum-exp", LESSON):
        context.progress.lesson_opened(lesson_id)
    reviewed(context, "sigmoid-prime", right=False)
    context.lessons.library()
    files_read.clear()
    context.clock.moment += timedelta(minutes=5)
    queue = context.reviews.queue()
    assert files_read == [], "no lesson file parsed for the queue"
    assert [(item.exercise_id, item.lesson_title) for item in queue.items[:1]] == [
        ("sigmoid-prime", "The sigmoid and its derivative s(1 - s)")
    ]
    assert {item.lesson_id for item in queue.items if item.kind == "new"} >= {"softmax", "log-sum-exp"}


def test_a_derive_card_reads_its_lesson_once_while_the_file_is_unchanged(context, files_read) -> None:
    reviewed(context, DERIVE, right=False)
    context.lessons.library()
    files_read.clear()
    context.clock.moment += timedelta(minutes=5)
    for _ in range(3):
        [item] = [item for item in context.reviews.queue().items if item.exercise_id == DERIVE]
        assert item.exercise_kind == "derive"
    assert files_read == ["sigmoid-derivative.yaml"]


def test_a_listed_mistake_of_a_derive_exercise_is_named_in_the_mistake_insights(context) -> None:
    for _ in range(2):  # as finishing a derivation records its first wrong line's listed mistake
        context.progress.record_attempt(
            lesson_id=LESSON,
            exercise_id=DERIVE,
            answer="1/(1 + exp(-z))\nd/dz: -1/(1 + exp(-z))^2",
            correct=False,
            verdict="different",
            diagnosis="listed:1",
            wrong_lines=(2,),
        )
    [line] = open_insights(context).mistakes()
    assert (
        line.label == f'{DERIVE}, "The chain rule also multiplies by the derivative of 1 +…"'
    )  # its feedback
    assert (
        line.text() == f"{line.label}: 2 times this month, mostly in The sigmoid and its derivative s(1 - s)"
    )


def test_the_review_counts_give_way_before_each_lesson_file_of_a_cold_library(context, monkeypatch) -> None:
    steps: list[str] = []
    real = lesson_library.read_lesson

    def reading(file):
        steps.append("read")
        return real(file)

    monkeypatch.setattr(lesson_library, "read_lesson", reading)
    counts = gather_review_counts(context, pace=lambda: steps.append("pace"))
    reads = [index for index, step in enumerate(steps) if step == "read"]
    assert len(reads) == len(context.lessons.files()), "a cold library: every file is read"
    assert all(steps[index - 1] == "pace" for index in reads), "each file after a pause for keys"
    assert counts.new_waiting == 0 and counts.due_today == 0
