"""A learner's pass through a lesson's exercises, decided here; the quiz screen only shows it.

``QuizSession`` knows which exercise is on screen, which of its hints and whether its worked solution
have been shown, what a verdict says, and which results coming back from the grading worker still
answer the question on screen. Every grade and preview request carries a ``Ticket`` (the exercise it
answers and a request number never used twice); a result is applied only when its ticket is the latest
request of its kind for the exercise on screen, so a slow grade of exercise 1 never lands under
exercise 2 and an older preview never replaces a newer one.

Grading and previews go through ``GradingService.grade_exercise`` and ``preview_exercise_answer``, which
read an answer with the same terms (``core.grading.terms.exercise_terms``), so they cannot disagree.
The hints and the solution shown are recorded with each attempt (see ``ProgressService``).

Every exercise answered becomes a review card. The graded answers to an exercise since it was first
shown (or since its last saved review) are one sitting; a right answer ends it, and its grade comes
back with the review rating proposed for the sitting and the four choices (``GradeResult.proposal``).
``pending_proposal`` proposes for a sitting left without a right answer (Again). The learner keeps or
changes the rating; ``save_rating`` stores it (``services.reviews``) and starts a fresh sitting. A
lesson's derive exercises (worked in ``services.derive_exercise``) have sittings here too: each
finished derivation is a try (``derivation_tried``), rated as ``core.reviews.rating`` says.

A lesson may have derive exercises only: the session then has no typed exercise on screen (``typed``
False) and the screen shows its derive exercises.

``ask_*`` and the navigation run on the UI thread; ``grade`` and ``preview`` in worker threads (they
wait for the grading process) and read nothing the UI thread changes: each request carries what it needs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import count
from typing import TYPE_CHECKING, Any, Literal, Protocol

from studybuddy.core.errors import StudybuddyError
from studybuddy.core.lessons.variants import fresh_seed, instantiate

if TYPE_CHECKING:
    from fsrs import Rating

    from studybuddy.core.grading.verdict import Verdict
    from studybuddy.core.lessons.model import Exercise, Lesson
    from studybuddy.core.reviews.rating import Try
    from studybuddy.services.derive_exercise import FinishedDerivation
    from studybuddy.services.progress import ProgressService
    from studybuddy.services.reviews import ReviewProposal, ReviewService, SavedReview

EMPTY_ANSWER = "Type an answer first."

Tone = Literal["right", "wrong", "invalid", "unknown", "shape"]


class ExerciseGrader(Protocol):
    """What a quiz needs of the grading service (a test hands in a fake with these methods)."""

    def grade_exercise(self, lesson: Lesson, exercise: Exercise, answer: str) -> Verdict: ...

    def preview_exercise_answer(self, lesson: Lesson, exercise: Exercise, text: str) -> dict[str, Any]: ...

    def is_ready(self) -> bool: ...

    def answer_shape(self, lesson: Lesson, exercise: Exercise) -> str | None: ...

    def clear_examples(
        self, lesson: Lesson, exercise: Exercise, candidates: tuple[tuple[str, ...], ...]
    ) -> tuple[str, ...] | None: ...


@dataclass(frozen=True)
class Ticket:
    """What a background result answers: an exercise, and the request's number (unique per session)."""

    lesson_id: str
    exercise_id: str
    number: int


@dataclass(frozen=True)
class PreviewRequest:
    ticket: Ticket
    exercise: Exercise
    text: str


@dataclass(frozen=True)
class AnswerPreview:
    """What the answer box shows under itself: the pretty form, or the error and its caret line."""

    ticket: Ticket
    text: str
    pretty: str | None = None
    pointer: str | None = None
    message: str | None = None
    loading: bool = False  # the worker is still starting: the real preview follows


@dataclass(frozen=True)
class GradeRequest:
    ticket: Ticket
    exercise: Exercise
    answer: str
    hints_used: int  # as shown when the answer was given
    solution_seen: bool


@dataclass(frozen=True)
class GradeResult:
    ticket: Ticket
    tone: Tone
    text: str
    not_recorded: str | None = None  # why the attempt could not be saved, when it could not
    failed: str | None = None  # why grading itself failed (the engine is missing, ...)
    verdict: Verdict | None = None  # the grader's verdict (None when grading failed)
    proposal: ReviewProposal | None = None  # a right answer: the review rating proposed, to keep or change
    review_failed: str | None = None  # why no rating could be proposed (the database), when it could not


@dataclass
class _Sitting:
    """The graded answers to one exercise since it was first shown or last reviewed."""

    shown_at: datetime | None  # None: unknown (an answer from the shell)
    tries: list[Try] = field(default_factory=list)
    lesson_opened: bool = False  # the lesson was opened over the exercise (a review): help, as a hint is


SHAPE_NOT_COUNTED = "Not counted as an attempt: fix the shape and check again."


def describe_verdict(verdict: Verdict, *, solution_seen: bool = False) -> tuple[Tone, str]:
    """(tone, text) for a verdict: right, wrong with its diagnosis, of another shape (no attempt),
    invalid, or undecided."""
    if verdict.kind == "equivalent":
        text = f"✓ Right. ({verdict.strength}, {verdict.ms:.0f} ms)"
        if verdict.diagnosis is not None and verdict.diagnosis.code == "explanation":
            text += f"\n  {verdict.diagnosis.message}"  # a right option's feedback: why it is right
        if solution_seen:
            text += "\n  Given after the worked solution was shown: kept, but not counted as mastered."
        return "right", text
    if verdict.kind == "different":
        why = verdict.diagnosis.message if verdict.diagnosis else verdict.detail
        return "wrong", f"✗ Not quite: {why}\n  ({verdict.strength}, {verdict.ms:.0f} ms)"
    if verdict.kind == "shape":
        listed = f"\n  {verdict.diagnosis.message}" if verdict.diagnosis else ""
        return "shape", f"⧉ {verdict.detail}{listed}\n  {SHAPE_NOT_COUNTED}"
    if verdict.kind == "invalid":
        pointer = verdict.error.pointer() if verdict.error else ""
        return "invalid", f"{pointer}\n{verdict.detail}".strip()
    return "unknown", f"? Could not decide in time: {verdict.detail}. Try a simpler form."


class QuizSession:
    """One sitting with a lesson's exercises (see the module docstring)."""

    def __init__(
        self,
        lesson: Lesson,
        grading: ExerciseGrader,
        progress: ProgressService,
        index: int = 0,
        *,
        reviews: ReviewService | None = None,
        numbers: Iterator[int] | None = None,
    ) -> None:
        """``reviews``: where ratings are proposed and saved (default: over the progress service's
        database, clock and timer). ``numbers``: the request numbers to use, when several sessions
        feed one screen (the Review section's), so no two requests there share one."""
        if reviews is None:
            from studybuddy.services.reviews import ReviewService  # FSRS: loaded when a quiz opens

            reviews = ReviewService(progress.database, progress.clock, timer=progress.timer)
        self.lesson = lesson
        self.grading = grading
        self.progress = progress
        self.reviews = reviews
        self.index = index
        self._numbers = count(1) if numbers is None else numbers
        self._latest_grade: Ticket | None = None
        self._wanted_preview: PreviewRequest | None = None
        self._preview_in_flight = False
        self._sittings: dict[str, _Sitting] = {}  # by exercise id; written by the UI and worker threads
        self._sittings_lock = threading.Lock()
        self._variants: dict[str, Exercise] = {}  # by exercise id: the variant drawn for it
        self._saved_again: set[str] = set()  # exercise ids whose last saved rating here was Again
        self._shown()

    # ---- what is on screen ----------------------------------------------------------------------

    @property
    def typed(self) -> bool:
        """Whether the lesson has exercises answered by typing (else derive exercises only, and
        ``exercise`` names none)."""
        return bool(self.lesson.exercises)

    @property
    def exercise(self) -> Exercise:
        """The exercise on screen; for one with parameters, the variant drawn for it (draw_variant).
        IndexError for a lesson with derive exercises only (see ``typed``)."""
        written = self.lesson.exercises[self.index]
        if not written.parameters:
            return written
        variant = self._variants.get(written.id)
        if variant is None:
            variant = written if written.seed is not None else instantiate(written, fresh_seed())
            self._variants[written.id] = variant
        return variant

    def draw_variant(self, seed: int | None = None) -> bool:
        """Draw another variant of the exercise on screen (from ``seed``, default a fresh one with
        other values when there are any); False when it has no parameters. A result still on its way
        answers the variant before: stale."""
        shown = self.exercise
        if not shown.parameters:
            return False
        variant = instantiate(shown, fresh_seed() if seed is None else seed)
        for _ in range(16 if seed is None else 0):  # a small range repeats values: try for others
            if variant.drawn != shown.drawn:
                break
            variant = instantiate(shown, fresh_seed())
        self._variants[shown.id] = variant
        self._latest_grade = None
        self._wanted_preview = None
        return True

    def title(self) -> str:
        return f"{self.lesson.title}: exercise {self.index + 1} of {len(self.lesson.exercises)}"

    def next_exercise(self) -> None:
        """On to the next exercise (after the last, the first); every result still on its way is stale."""
        if not self.typed:
            return
        self.index = (self.index + 1) % len(self.lesson.exercises)
        self._latest_grade = None
        self._wanted_preview = None
        self._shown()

    def go_to(self, index: int) -> None:
        """To exercise ``index`` (from 0; the list's click, the previous exercise, the first again);
        every result still on its way is stale."""
        if not self.typed:
            return
        self.index = index % len(self.lesson.exercises)
        self._latest_grade = None
        self._wanted_preview = None
        self._shown()

    # ---- hints and the worked solution ----------------------------------------------------------

    def reveal_hint(self) -> None:
        shown = self.progress.aids_shown(self.lesson.id, self.exercise.id)
        if shown.hints < len(self.exercise.hints):
            self.progress.show_hint(self.lesson.id, self.exercise.id, shown.hints + 1)

    def reveal_solution(self) -> None:
        self.progress.show_solution(self.lesson.id, self.exercise.id)

    def hints_text(self, solution_key: str) -> str:
        """The hints shown so far, one a line ("" before the first); after the last, the key that shows
        the worked solution (``solution_key``, as the screen has it bound)."""
        hints = self.exercise.hints
        shown = self.progress.aids_shown(self.lesson.id, self.exercise.id).hints
        if not shown:
            return ""
        lines = [f"Hint {n + 1}: {hint}" for n, hint in enumerate(hints[:shown])]
        if shown == len(hints):
            lines.append(f"(no more hints; {solution_key} shows the worked solution)")
        return "\n".join(lines)

    def solution_markdown(self) -> str | None:
        """The worked solution, once it has been shown (None before)."""
        if not self.progress.aids_shown(self.lesson.id, self.exercise.id).solution:
            return None
        return "**Solution**\n\n" + self.exercise.solution

    # ---- live preview: one request on its way at a time, for the newest text ----------------------

    def ask_preview(self, text: str) -> PreviewRequest | None:
        """A preview of ``text`` to compute now, or None when one is on its way (the newest text is
        asked for when it comes back): a request per keystroke would queue in front of a grade."""
        self._wanted_preview = PreviewRequest(self._ticket(), self.exercise, text)
        if self._preview_in_flight:
            return None
        self._preview_in_flight = True
        return self._wanted_preview

    def preview_done(self, preview: AnswerPreview) -> PreviewRequest | None:
        """A preview came back: the next one to compute, when typing (or the exercise) moved on."""
        if preview.loading:
            return None  # the same request's real preview is still coming
        self._preview_in_flight = False
        wanted = self._wanted_preview
        if wanted is None or wanted.ticket == preview.ticket:
            return None
        self._preview_in_flight = True
        return wanted

    def is_current_preview(self, preview: AnswerPreview) -> bool:
        wanted = self._wanted_preview
        return wanted is not None and preview.ticket == wanted.ticket and self._answers_shown(preview.ticket)

    def loading_preview(self, request: PreviewRequest) -> AnswerPreview | None:
        """Worker thread: what to show while the grading process still starts (None: it is ready)."""
        if not request.text.strip() or self.grading.is_ready():
            return None
        return AnswerPreview(request.ticket, request.text, loading=True)

    def preview(self, request: PreviewRequest) -> AnswerPreview:
        """Worker thread: the preview, as the grade would read the answer."""
        text = request.text
        if not text.strip():
            return AnswerPreview(request.ticket, text)
        try:
            data = self.grading.preview_exercise_answer(self.lesson, request.exercise, text)
        except StudybuddyError as error:  # the engine is missing or timed out: say so under the box
            return AnswerPreview(request.ticket, text, message=f"No preview: {error}")
        if data.get("pretty") is not None:
            return AnswerPreview(request.ticket, text, pretty=data["pretty"])
        return AnswerPreview(request.ticket, text, pointer=data.get("pointer"), message=data.get("message"))

    # ---- grading ---------------------------------------------------------------------------------

    def ask_grade(self, answer: str) -> GradeRequest | None:
        """A grade of ``answer`` to run now (None when nothing was typed: say EMPTY_ANSWER)."""
        if not answer.strip():
            return None
        exercise = self.exercise
        shown = self.progress.aids_shown(self.lesson.id, exercise.id)
        request = GradeRequest(self._ticket(), exercise, answer, shown.hints, shown.solution)
        self._latest_grade = request.ticket
        return request

    def grade(self, request: GradeRequest) -> GradeResult:
        """Worker thread: grade in the grading process, then record the attempt (with the hints and
        solution shown when it was given). An answer that could not be read is no attempt."""
        try:
            verdict = self.grading.grade_exercise(self.lesson, request.exercise, request.answer)
        except StudybuddyError as error:
            return GradeResult(
                request.ticket,
                "unknown",
                "Grading is unavailable; your answer was not checked.",
                failed=str(error),
            )
        not_recorded = None
        if verdict.kind in ("equivalent", "different"):
            try:
                self.progress.record_attempt(
                    lesson_id=self.lesson.id,
                    exercise_id=request.exercise.id,
                    answer=request.answer,
                    correct=verdict.kind == "equivalent",
                    verdict=verdict.kind,
                    diagnosis=verdict.diagnosis.code if verdict.diagnosis else None,
                    hints_used=request.hints_used,
                    solution_seen=request.solution_seen,
                    variant_seed=request.exercise.seed,
                )
            except StudybuddyError as error:
                not_recorded = str(error)
        proposal, review_failed = None, None
        if not_recorded is None and verdict.kind in ("equivalent", "different"):
            self._tried(request, verdict.kind == "equivalent")
            if verdict.kind == "equivalent":
                try:
                    proposal = self.pending_proposal(request.exercise.id)
                except StudybuddyError as error:
                    review_failed = str(error)
        tone, text = describe_verdict(verdict, solution_seen=request.solution_seen)
        return GradeResult(
            request.ticket,
            tone,
            text,
            not_recorded,
            verdict=verdict,
            proposal=proposal,
            review_failed=review_failed,
        )

    def is_current_grade(self, result: GradeResult) -> bool:
        return result.ticket == self._latest_grade and self._answers_shown(result.ticket)

    # ---- review ratings --------------------------------------------------------------------------

    def began_at(self, moment: datetime | None) -> None:
        """When the learner began the exercise on screen (None: unknown, as for an answer from the
        shell, which is then never rated Easy for its speed). Set to the moment it is shown, unless
        told otherwise here."""
        with self._sittings_lock:
            sitting = self._sittings.setdefault(self.exercise.id, _Sitting(moment))
            sitting.shown_at = moment

    def pending_proposal(self, exercise_id: str | None = None) -> ReviewProposal | None:
        """The rating proposed for the sitting with ``exercise_id`` (default: the one on screen), to
        show before leaving it; None when it has no graded answer since it was shown or last saved."""
        from studybuddy.core.reviews.rating import Encounter

        exercise_id = self.exercise.id if exercise_id is None else exercise_id
        derive = any(exercise.id == exercise_id for exercise in self.lesson.derive_exercises)
        with self._sittings_lock:
            sitting = self._sittings.get(exercise_id)
            if sitting is None or not sitting.tries:
                return None
            encounter = Encounter(
                tuple(sitting.tries),
                sitting.shown_at,
                left_wrong_before=exercise_id in self._saved_again,
                lesson_opened=sitting.lesson_opened,
            )
        if derive:
            encounter = replace(encounter, quick_seconds=None)  # a derivation is never Easy for speed
        return self.reviews.propose(self.lesson.id, exercise_id, encounter)

    def lesson_opened(self, exercise_id: str) -> None:
        """The learner opened the lesson of exercise ``exercise_id`` while at it: a right answer after
        that was helped (Hard at most, as after a hint)."""
        with self._sittings_lock:
            self._sittings.setdefault(exercise_id, _Sitting(self.progress.clock.now())).lesson_opened = True

    def derive_shown(self, exercise_id: str) -> None:
        """Derive exercise ``exercise_id`` is on screen now: its sitting starts, unless one is open."""
        now = self.progress.clock.now()
        with self._sittings_lock:
            self._sittings.setdefault(exercise_id, _Sitting(now))

    def derivation_tried(
        self, exercise_id: str, finished: FinishedDerivation, hints_used: int, solution_seen: bool
    ) -> ReviewProposal | None:
        """Worker thread: a derive exercise was finished (``services.derive_exercise``); a recorded
        attempt is a try of its sitting. A right one returns the rating proposed (as a right answer's
        grade does); a wrong one, or one not recorded, None (leaving then saves Again for wrong tries).
        StudybuddyError when the database cannot be read."""
        from studybuddy.core.reviews.rating import Try

        if not finished.recorded:
            return None
        attempt = Try(finished.correct, self.progress.clock.now(), hints_used, solution_seen)
        with self._sittings_lock:
            self._sittings.setdefault(exercise_id, _Sitting(None)).tries.append(attempt)
        return self.pending_proposal(exercise_id) if finished.correct else None

    def save_rating(self, proposal: ReviewProposal, rating: Rating | None = None) -> SavedReview:
        """Store the review with ``rating`` (default: the proposed one); the exercise's next answer
        starts a fresh sitting, with no hint shown. StudybuddyError (a conflict, the database) when it
        could not be saved: the sitting stays, to propose again."""
        saved = self.reviews.save(proposal, rating)
        with self._sittings_lock:
            self._sittings.pop(proposal.exercise_id, None)
            if saved.rating == 1:  # Again: right after coming back is no recall (core.reviews.rating)
                self._saved_again.add(proposal.exercise_id)
            else:
                self._saved_again.discard(proposal.exercise_id)
        self.progress.forget_aids(self.lesson.id, proposal.exercise_id)
        if self.typed and proposal.exercise_id == self.exercise.id:
            self._shown()
        return saved

    # ---- plumbing --------------------------------------------------------------------------------

    def _shown(self) -> None:
        """The exercise on screen is shown now: its sitting starts, unless one is still open."""
        if not self.typed:
            return
        now = self.progress.clock.now()
        with self._sittings_lock:
            self._sittings.setdefault(self.exercise.id, _Sitting(now))

    def _tried(self, request: GradeRequest, correct: bool) -> None:
        from studybuddy.core.reviews.rating import Try

        attempt = Try(correct, self.progress.clock.now(), request.hints_used, request.solution_seen)
        with self._sittings_lock:
            self._sittings.setdefault(request.exercise.id, _Sitting(None)).tries.append(attempt)

    def _ticket(self) -> Ticket:
        return Ticket(self.lesson.id, self.exercise.id, next(self._numbers))

    def _answers_shown(self, ticket: Ticket) -> bool:
        return ticket.lesson_id == self.lesson.id and ticket.exercise_id == self.exercise.id
