"""``studybuddy exercise answer``: grade and record an answer to a lesson's exercise, as the app does.

The answer goes through the app's own quiz path (services.quiz.QuizSession: the same grade, the same
attempt record with the help it had, the same review rating proposed). From the shell each answer is
a whole sitting: the review is saved at once, with the proposed rating or the one ``--rating`` gives.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from studybuddy.cli.moment import add_at_option, open_context_at
from studybuddy.cli.options import count_from_zero, positive_seconds

if TYPE_CHECKING:
    from studybuddy.services.quiz import GradeResult, QuizSession
    from studybuddy.services.reviews import ReviewProposal, SavedReview

EXIT_RIGHT, EXIT_NOT_RIGHT = 0, 1

EPILOG = """\
examples:
  studybuddy exercise answer sigmoid-derivative sigmoid-prime "s*(1-s)"
  studybuddy exercise answer sigmoid-derivative sigmoid-prime "s(1-s)" --hints 1 --rating good --json
  studybuddy exercise answer sigmoid-derivative sigmoid-prime -- "-s*(s-1)"
      (an answer starting with - goes after --, and the options before it)

The answer is recorded as the app records it (with the hints and worked solution you say you had) and
counts in a running study session. Its review card is scheduled at once: the rating proposed from how
it went (wrong or after the solution: again; right after a hint: hard; right: good; right within a
minute, with --seconds: easy), unless --rating says otherwise. Exit status: 0 when right, 1 otherwise.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    exercise = subparsers.add_parser(
        "exercise",
        help="answer a lesson's exercise from the shell",
        description="Answer lesson exercises from the shell, graded and recorded as in the app.",
    )
    commands = exercise.add_subparsers(title="commands", metavar="COMMAND", required=True)
    answer = commands.add_parser(
        "answer",
        help="grade and record an answer, and schedule its review",
        description="Grade ANSWER to EXERCISE of LESSON, record it, and save its review with the rating "
        "proposed (or --rating).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    answer.add_argument("lesson", metavar="LESSON", help="the lesson's id (studybuddy lessons list)")
    answer.add_argument("exercise", metavar="EXERCISE", help="the exercise's id in the lesson")
    answer.add_argument(
        "answer",
        metavar="ANSWER",
        help='the answer as you would type it, e.g. "s*(1-s)" (one starting with - goes after --)',
    )
    answer.add_argument(
        "--hints", type=count_from_zero, default=0, metavar="N", help="hints you looked at first"
    )
    answer.add_argument(
        "--solution-seen",
        action="store_true",
        help="you had seen the worked solution (never counted as right)",
    )
    answer.add_argument(
        "--seconds",
        type=positive_seconds,
        metavar="S",
        help="how long the answer took (a quick right one is easy)",
    )
    answer.add_argument(
        "--rating",
        type=_rating,
        metavar="RATING",
        help="save the review as again, hard, good or easy instead",
    )
    answer.add_argument(
        "--variant",
        type=_seed,
        metavar="SEED",
        help="for an exercise drawn afresh (with parameters): answer the variant drawn from SEED",
    )
    answer.add_argument("--json", action="store_true", help="machine-readable output")
    add_at_option(answer)
    answer.set_defaults(handler=_answer)


def _seed(text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise argparse.ArgumentTypeError(f"a seed is a whole number from 0 to 999999999, not {text!r}")
    return int(text)


def _rating(text: str) -> Any:
    from studybuddy.core.reviews.cards import rating_named

    try:
        return rating_named(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _answer(args: argparse.Namespace) -> int:
    from studybuddy.core.errors import StudybuddyError
    from studybuddy.services.exercise_catalogue import open_exercise
    from studybuddy.services.quiz import EMPTY_ANSWER, QuizSession

    context = open_context_at(args)
    try:
        lesson, kind, index = open_exercise(context.lessons, args.lesson, args.exercise)
        if kind == "derive":
            raise StudybuddyError(
                f"'{args.exercise}' of lesson '{lesson.id}' is a derive exercise, written line by line; "
                f"work it with: studybuddy derive FILE --lesson {lesson.id} --exercise {args.exercise}"
            )
        exercise = lesson.exercises[index]
        hints = len(exercise.hints)
        if args.hints > hints:
            raise StudybuddyError(
                f"exercise '{exercise.id}' has {hints} hint{'' if hints == 1 else 's'}, "
                f"so --hints {args.hints} cannot be right"
            )
        session = QuizSession(lesson, context.grading, context.progress, index, reviews=context.reviews)
        variant = _draw_variant(session, args.variant)
        started = None if args.seconds is None else context.clock.now() - timedelta(seconds=args.seconds)
        session.began_at(started)
        if args.hints:
            context.progress.show_hint(lesson.id, exercise.id, args.hints)
        if args.solution_seen:
            context.progress.show_solution(lesson.id, exercise.id)
        request = session.ask_grade(args.answer)
        if request is None:
            raise StudybuddyError(f"nothing to grade: {EMPTY_ANSWER.lower()}")
        result = session.grade(request)
        if result.failed is not None:
            raise StudybuddyError(f"the answer was not checked: {result.failed}")
        proposal = result.proposal
        if proposal is None and result.tone == "wrong" and result.not_recorded is None:
            proposal = session.pending_proposal()  # from the shell, a wrong answer ends the sitting
        saved = session.save_rating(proposal, args.rating) if proposal is not None else None
    finally:
        context.close()
    _report(args, result, proposal, saved, variant)
    return EXIT_RIGHT if result.tone == "right" and result.not_recorded is None else EXIT_NOT_RIGHT


def _draw_variant(session: QuizSession, seed: int | None) -> dict[str, str] | None:
    """Draw the variant ``--variant`` names, and say its values (None: the exercise has no variants).
    An exercise drawn afresh needs one (a random one would grade the answer against values its writer
    never saw)."""
    from studybuddy.core.errors import StudybuddyError
    from studybuddy.core.lessons.variants import describe, instantiate

    exercise = session.lesson.exercises[session.index]
    if not exercise.parameters:
        if seed is not None:
            raise StudybuddyError(
                f"exercise '{exercise.id}' has no parameters, so no variants: leave out --variant"
            )
        return None
    if seed is None:
        names = ", ".join(parameter.name for parameter in exercise.parameters)
        raise StudybuddyError(
            f"exercise '{exercise.id}' is drawn afresh ({names}): say which variant you answer with "
            f"--variant SEED (variant 1 is {describe(instantiate(exercise, 1).drawn)})"
        )
    session.draw_variant(seed)
    return dict(session.exercise.drawn)


def _report(
    args: argparse.Namespace,
    result: GradeResult,
    proposal: ReviewProposal | None,
    saved: SavedReview | None,
    variant: dict[str, str] | None = None,
) -> None:
    from studybuddy.core.reviews.cards import RATING_NAMES
    from studybuddy.core.terminal_text import json_for_terminal, printable

    if args.json:
        review = None
        if proposal is not None and saved is not None:
            review = {
                **proposal.to_json(),
                "saved": RATING_NAMES[saved.rating],
                "due": saved.due.isoformat(),
                "interval": proposal.choice(saved.rating).interval_text,
            }
        document = {
            "lesson": args.lesson,
            "exercise": args.exercise,
            "answer": args.answer,
            "variant": None if variant is None else {"seed": args.variant, "values": variant},
            "result": result.tone,
            "verdict": None if result.verdict is None else result.verdict.to_dict(),
            "recorded": result.tone in ("right", "wrong") and result.not_recorded is None,
            "not_recorded": result.not_recorded,
            "review": review,
        }
        print(json_for_terminal(json.dumps(document, indent=2, ensure_ascii=False)))
        return
    lines = [result.text]
    if variant is not None:
        lines.insert(0, f"Variant {args.variant}: " + ", ".join(f"{k} = {v}" for k, v in variant.items()))
    if result.tone in ("invalid", "unknown"):
        lines.append(
            "Not recorded: the answer could not be " + ("read." if result.tone == "invalid" else "decided.")
        )
    if proposal is not None and saved is not None:
        lines += [proposal.text(), saved.text()]
    print(printable("\n".join(lines)))
    if result.not_recorded is not None:
        print(printable(f"studybuddy: the answer was not recorded: {result.not_recorded}"), file=sys.stderr)
