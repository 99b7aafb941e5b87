"""`studybuddy equiv`: is a student's expression equivalent to the teacher's? For authors and scripts."""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, Any

from studybuddy.cli.options import positive_seconds

EXIT_EQUIVALENT, EXIT_DIFFERENT, EXIT_UNDECIDED = 0, 1, 2

EPILOG = """\
examples:
  studybuddy equiv "s - s^2" "s*(1-s)" --var s:probability
  studybuddy equiv "exp(-x)/(1+exp(-x))^2" "s*(1-s)" --var x --def "s=1/(1+exp(-x))"
  studybuddy equiv "2 lam w" "lam*w" --var lam --var w --json
  studybuddy equiv "np.dot(W.T, g)" "W^T g" --var W:real:3x2 --var g:real:3
  studybuddy equiv --jsonl cases.jsonl        (or - for standard input)

Without --var, every name that is not a known function or constant is a real variable.
--def NAME=EXPRESSION lets NAME stand for EXPRESSION on both sides (as a lesson's definitions do):
each side is compared with NAME replaced; NAME needs no --var, the names in EXPRESSION do when --var
is given.
Domains: real, positive, nonnegative, negative, nonzero, probability, integer, natural, odd, complex.
--var NAME:DOMAIN:SHAPE (or NAME:SHAPE) declares a vector (SHAPE 3, a column) or a matrix (3x2), each size
1 to 100; answers then read as NumPy means them (* elementwise, @ the matrix product, W.T, np.dot, g_1).
--jsonl reads one JSON object per line: student, teacher, optional id, symbols (list of names) and
assumptions (name -> domain); it writes one JSON object per line, in order, with id, verdict, detail,
ms, strength, counterexample and diagnosis. A bad line gives an "invalid" row.
Exit status (single comparison): 0 equivalent, 1 different (a value or a shape), 2 invalid or unknown.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "equiv",
        help="check whether two expressions are equivalent",
        description="Grade STUDENT against TEACHER: equivalent, different (with a point where they "
        "differ and a likely mistake), invalid or unknown.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("student", nargs="?", help="the answer to check")
    parser.add_argument("teacher", nargs="?", help="the expected answer")
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME[:DOMAIN][:SHAPE]",
        help="declare a variable (repeatable); default domain real; SHAPE 3 (a vector) or 3x2 (a matrix)",
    )
    parser.add_argument(
        "--def",
        dest="definitions",
        action="append",
        default=[],
        metavar="NAME=EXPRESSION",
        help="let NAME stand for EXPRESSION on both sides (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print the verdict as one JSON object")
    parser.add_argument("--jsonl", metavar="FILE", help="grade every JSON line of FILE (- for stdin)")
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=2.0,
        metavar="SECONDS",
        help="time limit per comparison (default 2)",
    )
    # exit_quickly: no teardown of SymPy at exit (cli.main); the worker is closed before it
    parser.set_defaults(handler=run, equiv_parser=parser, exit_quickly=True)


def run(args: argparse.Namespace) -> int:
    from studybuddy.core.errors import StudybuddyError
    from studybuddy.services.grading import GradingService

    if args.jsonl is not None:
        if args.student is not None or args.var or args.definitions:
            raise StudybuddyError(
                "--jsonl reads the expressions from the file; give no STUDENT/TEACHER/--var/--def"
            )
        with GradingService(timeout=args.timeout, one_shot=True) as service:
            if args.jsonl == "-":
                grade_lines(service, sys.stdin.buffer, sys.stdout)
            else:
                try:
                    with open(args.jsonl, "rb") as lines:
                        grade_lines(service, lines, sys.stdout)
                except OSError as error:
                    raise StudybuddyError(f"cannot read {args.jsonl}: {error.strerror}") from None
        return 0
    if args.student is None or args.teacher is None:
        args.equiv_parser.error("give STUDENT and TEACHER, or --jsonl FILE")
    return grade_one(args)


def grade_one(args: argparse.Namespace) -> int:
    from studybuddy.core.grading.cases import case_from_json, parse_variable_option
    from studybuddy.core.mathexpr import ExprError, Variable, infer_names
    from studybuddy.services.grading import GradingService

    try:
        definitions = dict(parse_definition_option(option) for option in args.definitions)
        if args.var:
            variables = [parse_variable_option(option) for option in args.var]
            functions: tuple[str, ...] = ()
        else:
            case = case_from_json({"student": args.student, "teacher": args.teacher})
            variables, functions = list(case.variables), case.functions
            # the names the definitions use are variables too, unless they are defined themselves
            variables += [Variable(name) for text in definitions.values() for name in infer_names(text)]
        variables += [Variable(name) for name in definitions]  # a defined name needs no --var
        first_of_each: dict[str, Variable] = {}  # a --var keeps its domain
        for variable in variables:
            first_of_each.setdefault(variable.name, variable)
        variables = list(first_of_each.values())
    except ExprError as error:
        return _report_invalid(error, args.json)
    with GradingService(timeout=args.timeout, one_shot=True) as service:
        verdict = service.grade(
            args.student, args.teacher, variables, functions=functions, definitions=definitions
        )
    if args.json:
        print(json.dumps(_row(None, verdict.to_dict()), ensure_ascii=False))
    else:
        heading = (
            verdict.kind
            if not verdict.strength or verdict.kind == "different"
            else (f"{verdict.kind} ({verdict.strength})")
        )
        if verdict.kind == "different":
            heading = f"different ({verdict.strength.removeprefix('different, ')})"
        print(heading)
        print(verdict.detail)
        if verdict.error is not None and verdict.error.text:
            print(verdict.error.pointer())
        if verdict.error is not None and verdict.error.message.startswith("unknown name") and args.var:
            print("Declare each name with --var NAME, or say what it stands for with --def NAME=EXPRESSION.")
    exits = {"equivalent": EXIT_EQUIVALENT, "different": EXIT_DIFFERENT, "shape": EXIT_DIFFERENT}
    return exits.get(verdict.kind, EXIT_UNDECIDED)


def parse_definition_option(option: str) -> tuple[str, str]:
    """``NAME=EXPRESSION`` as given to ``--def``; the expression is read later, with the variables."""
    from studybuddy.core.mathexpr import ExprError

    name, equals, text = option.partition("=")
    name, text = name.strip(), text.strip()
    if not equals or not name or not text:
        raise ExprError(f"--def {option!r} must be NAME=EXPRESSION, e.g. --def 's=1/(1+exp(-x))'")
    return name, text


def grade_lines(service: Any, lines: IO[bytes], out: IO[str]) -> None:
    """One output row per input line (blank or undecodable lines included, as invalid rows), flushed
    as it goes. Lines are decoded one by one, so one line that is not UTF-8 spoils only its own row; a
    line longer than MAX_LINE is never held in memory whole (its row says so)."""
    number = 0
    while raw := lines.readline(MAX_LINE + 1):
        number += 1
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            _write(out, _invalid_row(number, f"line {number} is longer than {MAX_LINE // 1024:,} KiB"))
            while (rest := lines.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                pass  # the rest of the over-long line, read and dropped piece by piece
            continue
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as error:
            _write(out, _invalid_row(number, f"line {number} is not UTF-8 text (byte {error.start + 1})"))
        else:
            _write(out, grade_line(service, line, number))


def _write(out: IO[str], row: dict[str, Any]) -> None:
    out.write(json.dumps(row, ensure_ascii=False) + "\n")
    out.flush()


MAX_LINE = 1 << 20  # bytes: a case is a few hundred
MAX_DEPTH = 32  # nesting of arrays and objects in one line: a case needs 2
MAX_DIGITS = 4300  # Python's own limit for converting an integer's digits


def grade_line(service: Any, line: str, number: int) -> dict[str, Any]:
    from studybuddy.core.grading.cases import case_from_json
    from studybuddy.core.mathexpr import ExprError

    try:
        data = _decode(line)
    except _Refused as problem:
        return _invalid_row(number, f"line {number} {problem}")
    case_id = data.get("id", number) if isinstance(data, dict) else number
    try:
        case = case_from_json(data, fallback_id=number)
    except ExprError as error:
        return _invalid_row(case_id, str(error), error)
    verdict = service.grade(case.student, case.teacher, case.variables, functions=case.functions)
    return _row(case.id, verdict.to_dict())


def _decode(line: str) -> Any:
    """``line`` decoded as JSON, or _Refused saying why not (the rest of the sentence after "line N").

    Python's decoder fails in ways that are not JSONDecodeError (a RecursionError past about a thousand
    nested brackets, a ValueError for an integer of more than 4,300 digits), and accepts what is not
    JSON or cannot be written back in a row (NaN, 1e999 as infinity, a lone surrogate such as \\ud800).
    Each is refused here, so one such line gets its own row and the rest are still graded.
    """
    if _depth(line) > MAX_DEPTH:
        raise _Refused(f"nests arrays or objects more than {MAX_DEPTH} deep")
    try:
        data = json.loads(line, parse_constant=_no_constant, parse_int=_integer)
    except json.JSONDecodeError as error:
        raise _Refused(f"is not JSON: {error.msg} at column {error.colno}") from None
    except _Refused:
        raise
    except (ValueError, RecursionError) as error:  # not expected after the checks above; still a row
        raise _Refused(f"cannot be read ({type(error).__name__})") from None
    try:
        json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        raise _Refused("holds a lone surrogate (a \\ud800-\\udfff escape that is no character)") from None
    except ValueError:
        raise _Refused("holds a number too large for a float (such as 1e999)") from None
    return data


class _Refused(ValueError):
    pass


def _no_constant(constant: str) -> Any:
    raise _Refused(f"holds {constant}, which is not a JSON number")


def _integer(digits: str) -> int:
    count = len(digits.lstrip("-"))
    if count > MAX_DIGITS:
        raise _Refused(f"holds an integer of {count:,} digits (at most {MAX_DIGITS:,})")
    return int(digits)


def _depth(line: str) -> int:
    """How deep arrays and objects nest in ``line`` (brackets inside strings do not count)."""
    deepest = depth = 0
    in_string = escaped = False
    for char in line:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _row(case_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    diagnosis = data.get("diagnosis")
    error = data.get("error")
    return {
        "id": case_id,
        "verdict": data["verdict"],
        "detail": data["detail"],
        "ms": data["ms"],
        "strength": data["strength"],
        "counterexample": data.get("counterexample"),
        "diagnosis": diagnosis["code"] if diagnosis else None,
        "error_column": error["start"] + 1 if error and error.get("text") else None,
    }


def _invalid_row(case_id: Any, detail: str, error: Any = None) -> dict[str, Any]:
    column = error.start + 1 if error is not None and error.text else None
    return {
        "id": case_id,
        "verdict": "invalid",
        "detail": detail,
        "ms": 0.0,
        "strength": "",
        "counterexample": None,
        "diagnosis": None,
        "error_column": column,
    }


def _report_invalid(error: Any, as_json: bool) -> int:
    if as_json:
        print(json.dumps(_invalid_row(None, str(error), error), ensure_ascii=False))
    else:
        print("invalid")
        print(str(error))
        if error.text:
            print(error.pointer())
    return EXIT_UNDECIDED
