"""One comparison request as scripts write it (a JSON object), checked and turned into grade() inputs.

Used by ``studybuddy equiv --jsonl`` and the corpus benchmark. Without ``symbols`` every name either side
uses that is not a known function or constant is a (real) variable, and a name only ever called, like
``f`` in ``f(x)``, is an undefined function.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studybuddy.core.mathexpr import Domain, ExprError, Variable, infer_functions, infer_names


@dataclass(frozen=True)
class GradingCase:
    id: Any
    student: str
    teacher: str
    variables: tuple[Variable, ...]
    functions: tuple[str, ...]


def case_from_json(data: object, *, fallback_id: Any = None) -> GradingCase:
    """A case from a decoded JSON line; ExprError (with a message for the output row) when it is unusable."""
    if not isinstance(data, Mapping):
        raise ExprError("each line must be a JSON object with 'student' and 'teacher'")
    case_id = data.get("id", fallback_id)
    student, teacher = data.get("student"), data.get("teacher")
    for field, value in (("student", student), ("teacher", teacher)):
        if not isinstance(value, str):
            raise ExprError(f"the field {field!r} is missing or not text")
    assert isinstance(student, str) and isinstance(teacher, str)
    assumptions = data.get("assumptions") or {}
    if not isinstance(assumptions, Mapping):
        raise ExprError("'assumptions' must map names to domains")
    symbols = data.get("symbols")
    functions = _unique(infer_functions(student) + infer_functions(teacher))
    if symbols is None:
        names = _unique(
            infer_names(student, allow_undefined_functions=True)
            + infer_names(teacher, allow_undefined_functions=True)
            + [name for name in assumptions if isinstance(name, str)]
        )
    elif isinstance(symbols, list) and all(isinstance(name, str) for name in symbols):
        names = _unique(list(symbols))
        functions = [name for name in functions if name not in names]
    else:
        raise ExprError("'symbols' must be a list of names")
    variables = tuple(Variable(name, _domain(name, assumptions.get(name, "real"))) for name in names)
    return GradingCase(case_id, student, teacher, variables, tuple(functions))


MAX_SIZE = 100  # a vector's length or a matrix's rows or columns, as in a lesson's symbols
_SHAPE = re.compile(r"[0-9]+(?:\s*[x×]\s*[0-9]+)?\Z")


def parse_variable_option(option: str) -> Variable:
    """``NAME``, ``NAME:DOMAIN``, ``NAME:DOMAIN:SHAPE`` or ``NAME:SHAPE`` as given to ``--var``; a
    SHAPE is ``3`` (a vector, a column) or ``3x2`` (a matrix), each size 1 to MAX_SIZE."""
    name, colon, rest = option.partition(":")
    name = name.strip()
    domain, _, shape_text = rest.partition(":")
    domain, shape_text = domain.strip(), shape_text.strip()
    if colon and not domain and not shape_text:
        raise ExprError(f"--var {option!r} names no domain after ':' (write {name!r} for a real variable)")
    if not shape_text and domain and (domain[0].isdigit() or domain[0] in "-+(["):
        domain, shape_text = "", domain  # NAME:3x2, a real matrix
    shape = _shape(option, shape_text) if shape_text or rest.count(":") else None
    return Variable(name, _domain(name, domain or "real"), shape)


def _shape(option: str, text: str) -> tuple[int, ...]:
    rule = "write 3 for a vector or 3x2 for a matrix, each size a whole number from 1 to"
    if not _SHAPE.match(text):
        raise ExprError(f"--var {option!r}: {text!r} is not a shape: {rule} {MAX_SIZE}")
    sizes = tuple(int(size) for size in re.split(r"\s*[x×]\s*", text))
    for size in sizes:
        if not 1 <= size <= MAX_SIZE:
            raise ExprError(
                f"--var {option!r}: a size is from 1 to {MAX_SIZE}, not {size} (every entry of a matrix "
                "is a variable of its own)"
            )
    return sizes


def _domain(name: str, value: object) -> Domain:
    try:
        return Domain(str(value))
    except ValueError:
        names = [d.value for d in Domain]
        nearest = difflib.get_close_matches(str(value), names, n=1)
        hint = f": did you mean {nearest[0]}?" if nearest else f" (one of: {', '.join(names)})"
        raise ExprError(f"unknown domain {value!r} for {name!r}{hint}") from None


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
