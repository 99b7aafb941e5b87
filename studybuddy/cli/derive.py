"""`studybuddy derive`: check a derivation written line by line, as on paper."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import IO, Any

from studybuddy.cli.options import positive_seconds

EXIT_ALL_FOLLOW, EXIT_NOT_ALL = 0, 1

EPILOG = """\
the line syntax (one step a line; '#' starts a comment):
  L = -log(s1)                     a starting point named L
  s1 = exp(z1)/(exp(z1) + exp(z2)) a new name further down: a definition (s1 stands for it)
  dL/dz1 = s1 - 1                  the derivative of L with respect to z1
  d/dz1: s1 - 1                    the derivative of the line above
  d/dx (x^2 sin(x)) = 2x sin(x) + x^2 cos(x)   a derivative worked on its own
  = -z1 + log(exp(z1) + exp(z2))   a rewrite of the line above (so is a plain expression)
  with y = 1: ...                  the line above with y replaced;  lim x->oo: ...  its limit
  given: f = x^2                   a new starting point;  let s = 1/(1 + exp(-x))  a definition

examples:
  studybuddy derive softmax.txt                       (or - for standard input)
  studybuddy derive sigmoid.txt --var x --def "s=1/(1+exp(-x))"
  studybuddy derive mine.txt --lesson softmax-cross-entropy    (the lesson's symbols and definitions)
  studybuddy derive mine.txt --lesson softmax-cross-entropy --exercise derive-label-gradient
                                                      (a derive exercise: checked, recorded, its
                                                       review saved with the rating proposed)
  studybuddy derive --jsonl derivations.jsonl

Without --var or --lesson, every name a line uses that is not a function or constant is a real
variable. Each line is judged against the line it continues as written, so after a wrong line you
see how much of the rest holds. --jsonl reads one JSON object per line: {"id", "symbols" (name ->
domain; absent: inferred), "definitions" (name -> expression), "steps": [{"expr", "by"}, ...]} with the
lesson format's by ({"differentiate": "x"}, {"substitute": {"x": "2"}}, {"limit": {"x": "oo"}},
{"given": true}, absent for a rewrite) or {"line": "..."} in the line syntax; it writes one object per
line, in order: {"id", "steps": [{"verdict", "strength", "detail", "counterexample", "diagnosis",
"diagnosis_kind", "column", "ms"}], "first_error", "error"}.
Exit status: 0 when every line follows (or starts), 1 otherwise; with --jsonl 0 unless the input
cannot be read.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "derive",
        help="check a derivation line by line",
        description="Mark each line of a derivation: follows (proved, or equal at N points), does not "
        "follow (where, and the likely mistake), invalid (what and where) or unknown.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file", nargs="?", metavar="FILE", help="the derivation, one step a line (- for stdin)"
    )
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME[:DOMAIN]",
        help="declare a variable (repeatable); default domain real",
    )
    parser.add_argument(
        "--def",
        dest="definitions",
        action="append",
        default=[],
        metavar="NAME=EXPRESSION",
        help="let NAME stand for EXPRESSION in every line (repeatable)",
    )
    parser.add_argument("--lesson", metavar="ID", help="derive with a lesson's symbols and definitions")
    parser.add_argument(
        "--exercise",
        metavar="ID",
        help="with --lesson: the lesson's derive exercise this works; its start and goal are checked "
        "and the attempt is recorded, as the app records it",
    )
    parser.add_argument("--json", action="store_true", help="print the marks as one JSON object")
    parser.add_argument("--jsonl", metavar="FILE", help="mark every JSON line of FILE (- for stdin)")
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=2.0,
        metavar="SECONDS",
        help="time limit per line (default 2)",
    )
    # exit_quickly: no teardown of SymPy at exit (cli.main); the worker is closed, any attempt committed
    parser.set_defaults(handler=run, derive_parser=parser, exit_quickly=True)


def run(args: argparse.Namespace) -> int:
    from studybuddy.core.errors import StudybuddyError
    from studybuddy.services.derivation import DerivationService
    from studybuddy.services.grading import GradingService

    if args.jsonl is not None:
        if args.file is not None or args.var or args.definitions or args.lesson or args.json:
            raise StudybuddyError(
                "--jsonl reads everything from its file; give no FILE/--var/--def/--lesson/--json"
            )
        with GradingService(timeout=args.timeout, one_shot=True) as grading:
            service = DerivationService(grading)
            if args.jsonl == "-":
                mark_json_lines(service, sys.stdin.buffer, sys.stdout)
            else:
                try:
                    with open(args.jsonl, "rb") as lines:
                        mark_json_lines(service, lines, sys.stdout)
                except OSError as error:
                    raise StudybuddyError(f"cannot read {args.jsonl}: {error.strerror}") from None
        return 0
    if args.file is None:
        args.derive_parser.error("give a FILE (or - for standard input), or --jsonl FILE")
    if args.lesson and (args.var or args.definitions):
        raise StudybuddyError(
            "--lesson brings the lesson's symbols and definitions; give no --var/--def with it"
        )
    if args.exercise is not None:
        if not args.lesson:
            raise StudybuddyError("--exercise names a derive exercise of the lesson given with --lesson")
        return _exercise(args)
    derivation = _derivation(args)
    with GradingService(timeout=args.timeout, one_shot=True) as grading:
        marks = list(DerivationService(grading).marks(derivation))
    if args.json:
        print(json.dumps(_row(derivation.id, marks, with_lines=True), ensure_ascii=False))
    else:
        _print_marks(marks)
    every_line_holds = all(mark.verdict in ("start", "follows") for mark in marks)
    return EXIT_ALL_FOLLOW if every_line_holds else EXIT_NOT_ALL


def _exercise(args: argparse.Namespace) -> int:
    """A derive exercise's attempt: through services.derive_exercise, the path the app's quiz takes."""
    from studybuddy.core.derivation.model import derivation_from_text
    from studybuddy.services.context import StudyContext
    from studybuddy.services.derivation import DerivationService
    from studybuddy.services.derive_exercise import derive_setup, finish_derivation
    from studybuddy.services.exercise_catalogue import UnknownExerciseError, open_exercise
    from studybuddy.services.grading import GradingService

    text = _read_text(args.file)
    context = StudyContext.open(args.home)
    lesson, kind, position = open_exercise(context.lessons, args.lesson, args.exercise)
    if kind != "derive":
        raise UnknownExerciseError(
            f"'{args.exercise}' of lesson '{lesson.id}' is answered with an expression: "
            f"studybuddy exercise answer {lesson.id} {args.exercise} ANSWER"
        )
    exercise = lesson.derive_exercises[position]
    with GradingService(timeout=args.timeout, one_shot=True) as grading:
        setup = derive_setup(lesson, exercise, grading)
        derivation = derivation_from_text(text, setup.context, None if args.file == "-" else args.file)
        finished = finish_derivation(DerivationService(grading), context.progress, setup, derivation)
        saved = _save_review(context, lesson, exercise.id, finished, grading)
    marks = list(finished.marks)
    if args.json:
        row = _row(derivation.id, marks, with_lines=True)
        row.update(
            starts=finished.starts,
            reaches_goal=finished.reaches_goal,
            correct=finished.correct,
            recorded=finished.recorded,
            not_recorded=finished.not_recorded,
            review=None if saved is None else _review_json(saved),
        )
        print(json.dumps(row, ensure_ascii=False))
    else:
        _print_marks(marks)
        print(finished.summary(str(exercise.goal)))
        if saved is not None:
            print(f"  Review: {saved.text()}")
    return EXIT_ALL_FOLLOW if finished.correct else EXIT_NOT_ALL


def _save_review(context: Any, lesson: Any, exercise_id: str, finished: Any, grading: Any) -> Any:
    """A recorded derivation's review, saved at once with the rating proposed (services.quiz, as the
    app's quiz rates it; from the shell the derivation is the whole sitting, so a wrong one is Again).
    None when nothing was recorded."""
    from studybuddy.services.quiz import QuizSession

    if not finished.recorded:
        return None
    session = QuizSession(lesson, grading, context.progress, reviews=context.reviews)
    proposal = session.derivation_tried(exercise_id, finished, 0, False)  # right: its rating
    proposal = proposal or session.pending_proposal(exercise_id)  # wrong: the sitting ends here, Again
    return None if proposal is None else session.save_rating(proposal)


def _review_json(saved: Any) -> dict[str, Any]:
    from studybuddy.core.reviews.cards import RATING_NAMES

    return {
        "proposed": RATING_NAMES[saved.proposed],
        "saved": RATING_NAMES[saved.rating],
        "due": saved.due.isoformat(),
    }


def _derivation(args: argparse.Namespace) -> Any:
    from studybuddy.core.derivation.model import context_of, derivation_from_text, lesson_context

    text = _read_text(args.file)
    if args.lesson:
        from studybuddy.services.context import StudyContext

        context = lesson_context(StudyContext.open(args.home).lessons.get(args.lesson))
    else:
        variables = [_variable(option) for option in args.var]
        definitions = dict(_definition(option) for option in args.definitions)
        context = context_of(variables, definitions, infer=not args.var)
    return derivation_from_text(text, context, None if args.file == "-" else args.file)


def _variable(option: str) -> Any:
    from studybuddy.core.errors import StudybuddyError
    from studybuddy.core.grading.cases import parse_variable_option
    from studybuddy.core.mathexpr import ExprError

    try:
        return parse_variable_option(option)
    except ExprError as error:
        raise StudybuddyError(str(error)) from None


def _definition(option: str) -> tuple[str, str]:
    from studybuddy.cli.equiv import parse_definition_option
    from studybuddy.core.errors import StudybuddyError
    from studybuddy.core.mathexpr import ExprError

    try:
        return parse_definition_option(option)
    except ExprError as error:
        raise StudybuddyError(str(error)) from None


def _read_text(path: str) -> str:
    from studybuddy.core.errors import StudybuddyError

    try:
        raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
    except OSError as error:
        raise StudybuddyError(f"cannot read {path}: {error.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise StudybuddyError(f"{path} is not UTF-8 text (line {line}, byte {byte})") from None


# --- output -----------------------------------------------------------------------------------------------

_LABELS = {
    "start": "start",
    "follows": "follows",
    "does-not-follow": "WRONG",
    "invalid": "invalid",
    "unknown": "unknown",
}


def _print_marks(marks: list[Any]) -> None:
    from studybuddy.core.mathexpr.errors import ExprError

    width = len(str(max((mark.index + 1 for mark in marks), default=1)))
    indent = " " * (width + 10)
    for mark in marks:
        print(f"{mark.index + 1:>{width}}  {_LABELS[mark.verdict]:<7} {mark.text.rstrip()}")
        if mark.verdict == "invalid" and mark.column is not None:
            start = mark.column - 1
            end = (mark.end_column or mark.column + 1) - 1
            caret = ExprError("", mark.text, start, end).pointer().splitlines()[-1]
            print(f"{indent}{caret}")
        for said in _explanation(mark):
            print(f"{indent}{said}")
    print(_summary(marks))


def _explanation(mark: Any) -> list[str]:
    if mark.verdict == "follows":
        return [f"{mark.understood}: {mark.strength}"]
    if mark.verdict == "start":
        return [mark.understood]
    lines = [mark.detail]
    if mark.diagnosis:
        lines.append(mark.diagnosis)
    return lines


def _summary(marks: list[Any]) -> str:
    counts = {verdict: sum(mark.verdict == verdict for mark in marks) for verdict in _LABELS}
    wrong = next((mark for mark in marks if mark.wrong), None)
    parts = [f"{counts['follows']} follow", f"{counts['start']} start"]
    if counts["does-not-follow"]:
        parts.append(f"{counts['does-not-follow']} do not follow")
    if counts["invalid"]:
        parts.append(f"{counts['invalid']} invalid")
    if counts["unknown"]:
        parts.append(f"{counts['unknown']} unknown")
    first = f"; the first wrong line is line {wrong.index + 1}" if wrong is not None else ""
    return f"{len(marks)} line{'s' if len(marks) != 1 else ''}: {', '.join(parts)}{first}"


def _row(derivation_id: Any, marks: Iterable[Any], *, with_lines: bool = False) -> dict[str, Any]:
    from studybuddy.core.derivation.marks import first_error

    marks = list(marks)
    steps = []
    for mark in marks:
        step = mark.step_row()
        if with_lines:
            step = {"line": mark.index + 1, "text": mark.text, **step, "understood": mark.understood}
        steps.append(step)
    return {"id": derivation_id, "steps": steps, "first_error": first_error(marks), "error": None}


def mark_json_lines(service: Any, lines: IO[bytes], out: IO[str]) -> None:
    """One output row per input line (blank or broken lines included: a row with its error), flushed as
    it goes; each step is marked in the grading worker under its time limit."""
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as error:
            row = _error_row(number, f"line {number} is not UTF-8 text (byte {error.start + 1})")
        else:
            row = mark_json_line(service, line, number)
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()


def mark_json_line(service: Any, line: str, number: int) -> dict[str, Any]:
    from studybuddy.core.derivation.model import DerivationInputError, derivation_from_json

    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        return _error_row(number, f"line {number} is not JSON: {error.msg} at column {error.colno}")
    except RecursionError:
        return _error_row(number, f"line {number} is nested too deeply to read")
    derivation_id = data.get("id", number) if isinstance(data, dict) else number
    try:
        derivation = derivation_from_json(data, fallback_id=number)
    except DerivationInputError as error:
        return _error_row(derivation_id, str(error))
    return _row(derivation.id, service.marks(derivation))


def _error_row(derivation_id: Any, message: str) -> dict[str, Any]:
    return {"id": derivation_id, "steps": [], "first_error": None, "error": message}
