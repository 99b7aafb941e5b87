"""From a loaded document tree to a :class:`Lesson`, or a LessonError naming the field and position.

This checks the shape of a lesson (required fields, ids, symbols, rules, numbers); it does not parse
expressions, which is costly and happens when the lesson is first used (see compile.py).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from typing import TypeVar

from studybuddy.core.lessons.errors import LessonError, Location
from studybuddy.core.lessons.fields import NUMBER, FieldReader, kind_of, quoted
from studybuddy.core.lessons.model import (
    DOMAINS,
    MAX_MINUTES,
    MIN_MINUTES,
    Check,
    DeriveExercise,
    DeriveMistake,
    Exercise,
    ExerciseKind,
    Lesson,
    Mistake,
    NumericValue,
    Option,
    Parameter,
    SourceText,
    Step,
    StepRule,
    SymbolSpec,
    Tolerance,
)
from studybuddy.core.lessons.tree import Mark, MarkedList, MarkedMap, Node
from studybuddy.core.lessons.variants import count, placeholders
from studybuddy.core.mathexpr.names import RESERVED_NAMES as MATH_NAMES

T = TypeVar("T")

LESSON_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
EXERCISE_ID = re.compile(r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*\Z")
SYMBOL_NAME = re.compile(r"[^\W\d_]\w*\Z")  # a letter (any script), then letters, digits or _
MAX_SIZE = 100  # a vector's length or a matrix's rows or columns: numeric checks build every entry
# Names the math parser gives a meaning of its own (its own list, so the two never drift apart), plus
# the transpose marker and SymPy's names for undefined results; the symbol table has the final say.
RESERVED_NAMES = MATH_NAMES | {"T", "nan", "zoo"}

LESSON_FIELDS = (
    "id",
    "title",
    "subject",
    "topic",
    "tags",
    "requires",
    "minutes",
    "symbols",
    "definitions",
    "intro",
    "derivation",
    "checks",
    "exercises",
)
STEP_FIELDS = ("expr", "reason", "by")
CHECK_FIELDS = {
    "gradient": ("id", "kind", "description", "function", "gradient", "at", "tolerance"),
    "identity": ("id", "kind", "description", "lhs", "rhs", "at", "tolerance"),
    "example": ("id", "kind", "description", "values", "expr", "expected", "tolerance"),
}
EXERCISE_FIELDS = ("id", "kind", "prompt", "answer", "variables", "hints", "mistakes", "solution")
MISTAKE_FIELDS = ("answer", "feedback")
EXERCISE_KINDS = ("answer", "derive", "number", "shape", "choice")
# The fields of each one-line kind (``parameters``: a variant drawn per attempt, see _parameters).
KIND_FIELDS = {
    "answer": (*EXERCISE_FIELDS, "parameters"),
    "shape": (*EXERCISE_FIELDS, "parameters"),
    "number": ("id", "kind", "prompt", "answer", "tolerance", "hints", "mistakes", "solution", "parameters"),
    "choice": ("id", "kind", "prompt", "options", "hints", "solution", "parameters"),
}
OPTION_FIELDS = ("text", "correct", "feedback")
MAX_OPTIONS = 26  # a to z
MAX_RELATIVE_TOLERANCE = 0.1  # 10%: a number exercise beyond that accepts a different answer
MAX_PARAMETERS = 8
PARAMETER_RANGE = re.compile(
    r"(?P<domain>integer|natural|odd|even)\s+(?P<low>-?[0-9]{1,9})\s*\.\.\s*(?P<high>-?[0-9]{1,9})\Z"
)
MAX_VALUE_LENGTH = 15  # a listed parameter value: 0.001, -2.5e-3 (the parser takes 40 digits)
DERIVE_FIELDS = ("id", "kind", "prompt", "from", "goal", "reference", "mistakes", "hints", "solution")
DERIVE_MISTAKE_FIELDS = ("step", "answer", "feedback")


def validate_lesson(root: Node, source: str) -> Lesson:
    """Check a lesson document's structure and build the Lesson (expressions stay unparsed)."""
    top = FieldReader(root, Mark(1, 1), "", source)
    fields = top.mapping(LESSON_FIELDS, "a lesson")
    lesson_id = top.matching_of("id", LESSON_ID, "use lower-case letters, digits and '-'")
    symbols = _symbols(top.required("symbols"))
    names = {symbol.name for symbol in symbols}
    definitions = _named_expressions(top.field("definitions"), names, "definitions")
    checks = tuple(_check(item, names) for item in top.required("checks").items("numeric checks", minimum=1))
    every_exercise = [
        _derive_exercise(item, names) if _is_derive(item) else _exercise(item, names)
        for item in top.required("exercises").items("exercises", minimum=3)
    ]
    exercises = tuple(exercise for exercise in every_exercise if isinstance(exercise, Exercise))
    derive_exercises = tuple(exercise for exercise in every_exercise if isinstance(exercise, DeriveExercise))
    _require_unique_ids([(check.id, check.location) for check in checks], "check", "checks")
    _require_unique_ids(
        [(exercise.id, exercise.location) for exercise in every_exercise], "exercise", "exercises"
    )
    return Lesson(
        id=lesson_id,
        title=top.text_of("title"),
        subject=top.text_of("subject"),
        topic=top.text_of("topic"),
        tags=top.texts_of("tags", "tags", required=False),
        requires=tuple(
            (item.matching(LESSON_ID, "lesson ids use lower-case letters, digits and '-'"), item.location())
            for item in _optional_items(top, "requires", "lesson ids")
        ),
        symbols=symbols,
        definitions=definitions,
        intro=top.text_of("intro"),
        derivation=tuple(
            _step(item, names, first=index == 0)
            for index, item in enumerate(top.required("derivation").items("derivation steps", minimum=2))
        ),
        checks=checks,
        exercises=exercises,
        location=Location(source, fields.value_marks["id"].line, fields.value_marks["id"].column),
        derive_exercises=derive_exercises,
        minutes=_minutes(top.field("minutes")),
    )


def _minutes(reader: FieldReader | None) -> int | None:
    """The lesson's time estimate, a whole number of minutes from MIN_MINUTES to MAX_MINUTES."""
    if reader is None:
        return None
    rule = f"a time estimate is a whole number of minutes from {MIN_MINUTES} to {MAX_MINUTES}"
    minutes = reader.whole_number(f"a number of minutes written with the digits 0-9 ({rule})")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        why = "; a lesson fits a one-hour study box: split it in two" if minutes > MAX_MINUTES else ""
        raise reader.error(f"{minutes} minutes is out of range: {rule}{why}")
    return minutes


def _optional_items(top: FieldReader, key: str, what: str) -> list[FieldReader]:
    found = top.field(key)
    return [] if found is None else found.items(what)


def _symbols(reader: FieldReader) -> tuple[SymbolSpec, ...]:
    specs = []
    for name, key_mark, value in reader.entries("symbols"):
        _check_symbol_name(name, reader.error, key_mark, value.path)
        if isinstance(value.node, MarkedMap):
            value.mapping(("domain", "shape"), "a symbol's domain and shape")
            domain = value.required("domain")
            shape_field = value.field("shape")
            shape = None if shape_field is None else _shape(shape_field)
        else:
            domain, shape = value, None
        domain_name = domain.text()
        if domain_name not in DOMAINS:
            close = difflib.get_close_matches(domain_name, DOMAINS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "the domains are " + ", ".join(DOMAINS)
            raise domain.error(f"unknown domain '{domain_name}'; {hint}")
        specs.append(
            SymbolSpec(name, domain_name, shape, Location(reader.source, key_mark.line, key_mark.column))
        )
    if not specs:
        raise reader.error("declare at least one symbol")
    return tuple(specs)


def _check_symbol_name(name: str, error: Callable[..., LessonError], mark: Mark, path: str) -> None:
    if not SYMBOL_NAME.match(name):
        raise error(
            f"'{name}' is not a valid symbol name: use a letter followed by letters, digits or _", mark, path
        )
    if name in RESERVED_NAMES:
        raise error(f"'{name}' cannot be a symbol: it already means a function or constant", mark, path)


def _shape(reader: FieldReader) -> tuple[int, ...]:
    rule = "a shape is [n] for a column vector or [m, n] for a matrix"
    items = reader.items("sizes", minimum=1)
    if len(items) > 2:
        raise reader.error(rule)
    sizes = []
    for item in items:
        size = item.whole_number(f"a size written with the digits 0-9 ({rule})")
        if not 1 <= size <= MAX_SIZE:
            raise item.error(f"a size is from 1 to {MAX_SIZE}, not {size} ({rule})")
        sizes.append(size)
    return tuple(sizes)


def _declared(reader: FieldReader, names: set[str], text: str | None = None) -> str:
    name = reader.text() if text is None else text
    if name not in names:
        raise reader.error(f"'{name}' is not a declared symbol (declared: {', '.join(sorted(names))})")
    return name


def _named_expressions(
    reader: FieldReader | None, names: set[str], what: str
) -> tuple[tuple[str, SourceText], ...]:
    if reader is None:
        return ()
    result = []
    for name, key_mark, value in reader.entries(what):
        if name not in names:
            raise reader.error(
                f"'{name}' is not a declared symbol (declared: {', '.join(sorted(names))})",
                key_mark,
                value.path,
            )
        result.append((name, value.source_text()))
    return tuple(result)


def _step(reader: FieldReader, names: set[str], *, first: bool, reason_required: bool = True) -> Step:
    reader.mapping(STEP_FIELDS, "a derivation step")
    by = reader.field("by")
    rule = StepRule("given" if first else "equal") if by is None else _rule(by, names)
    reason = reader.text_of("reason") if reason_required or reader.field("reason") else ""
    return Step(reader.source_text_of("expr"), reason, rule, reader.location())


def _rule(reader: FieldReader, names: set[str]) -> StepRule:
    if isinstance(reader.node, str):
        if reader.node in ("equal", "given"):
            return StepRule(reader.node)  # type: ignore[arg-type]
        raise reader.error(
            f"unknown rule '{reader.node}'; write equal, given, {{differentiate: x}}, "
            "{substitute: {x: ...}} or {limit: {x: oo}}"
        )
    fields = reader.mapping(("differentiate", "substitute", "limit"), "a rule")
    if len(fields) != 1:
        raise reader.error("a step follows by exactly one rule")
    if "differentiate" in fields:
        return StepRule("differentiate", variable=_declared(reader.required("differentiate"), names))
    if "substitute" in fields:
        replacements = _named_expressions(reader.required("substitute"), names, "substitutions")
        if not replacements:
            raise reader.error("substitute needs at least one 'name: expression'")
        return StepRule("substitute", replacements=replacements)
    limit = reader.required("limit")
    entries = limit.entries("the limit, as 'name: value'")
    if len(entries) != 1:
        raise limit.error("a limit takes one variable, e.g. {x: oo}")
    name, key_mark, point = entries[0]
    if name not in names:
        raise limit.error(f"'{name}' is not a declared symbol", key_mark, point.path)
    return StepRule("limit", variable=name, point=point.source_text())


def _check(reader: FieldReader, names: set[str]) -> Check:
    if not isinstance(reader.node, MarkedMap):
        raise reader.error(f"expected a numeric check, found {kind_of(reader.node)}")
    kind_field = reader.required("kind")
    kind = kind_field.text()
    if kind not in CHECK_FIELDS:
        raise kind_field.error(f"unknown check kind '{kind}'; use gradient, identity or example")
    reader.mapping(CHECK_FIELDS[kind], f"a {kind} check")

    expression = reader.source_text_of

    def numbers(key: str, *, required: bool = False) -> tuple[tuple[str, NumericValue], ...]:
        field = reader.required(key) if required else reader.field(key)
        if field is None:
            return ()
        return tuple(
            (_declared(value, names, name), value.numeric_value()) for name, _, value in field.entries(key)
        )

    tolerance = reader.field("tolerance")
    gradient: tuple[tuple[str, SourceText], ...] = ()
    if kind == "gradient":
        gradient = _named_expressions(reader.required("gradient"), names, "gradient")
        if not gradient:
            raise reader.required("gradient").error("give at least one 'symbol: partial derivative'")
    is_example = kind == "example"
    return Check(
        id=reader.matching_of("id", EXERCISE_ID, "use letters, digits, '-' and '_'"),
        kind=kind,  # type: ignore[arg-type]  # one of CHECK_FIELDS, checked above
        description=reader.text_of("description"),
        location=reader.location(),
        function=expression("function") if kind == "gradient" else None,
        gradient=gradient,
        lhs=expression("lhs") if kind == "identity" else None,
        rhs=expression("rhs") if kind == "identity" else None,
        expr=expression("expr") if is_example else None,
        values=numbers("values", required=True) if is_example else (),
        expected=reader.required("expected").numeric_value() if is_example else None,
        at=() if is_example else numbers("at"),
        tolerance=None if tolerance is None else tolerance.tolerance(),
    )


def _exercise(reader: FieldReader, names: set[str]) -> Exercise:
    kind = _exercisekind_of(reader)
    reader.mapping(KIND_FIELDS[kind], f"a {kind} exercise" if kind != "answer" else "an exercise")
    variables = reader.field("variables")
    mistakes = []
    for item in _optional_items(reader, "mistakes", "mistakes"):
        item.mapping(MISTAKE_FIELDS, "a mistake")
        mistakes.append(Mistake(item.source_text_of("answer"), item.text_of("feedback"), item.location()))
    options = _options(reader.required("options")) if kind == "choice" else ()
    tolerance = reader.field("tolerance")
    found = reader.field("parameters")
    parameters = () if found is None else _parameters(found)
    exercise = Exercise(
        id=reader.matching_of("id", EXERCISE_ID, "use letters, digits, '-' and '_'"),
        prompt=reader.text_of("prompt"),
        answer=_right_options(reader, options) if kind == "choice" else reader.source_text_of("answer"),
        variables=None
        if variables is None
        else tuple(_declared(item, names) for item in variables.items("names")),
        hints=reader.texts_of("hints", "hints", minimum=1),
        mistakes=tuple(mistakes),
        solution=reader.text_of("solution"),
        location=reader.location(),
        kind=kind,
        options=options,
        tolerance=None if tolerance is None else _number_tolerance(tolerance),
        parameters=parameters,
    )
    if parameters:
        _check_placeholders(reader, exercise)
    return exercise


def _exercisekind_of(reader: FieldReader) -> ExerciseKind:
    """An exercise's ``kind`` (``answer`` when it has none); _is_derive has refused an unknown one."""
    if not isinstance(reader.node, MarkedMap) or "kind" not in reader.node:
        return "answer"
    kind = reader.required("kind").text()
    assert kind in KIND_FIELDS  # _is_derive refused any other
    return kind  # type: ignore[return-value]


def _options(reader: FieldReader) -> tuple[Option, ...]:
    """A choice exercise's options: each ``text``, ``correct: true`` for a right one, ``feedback``."""
    options = []
    items = reader.items("options", minimum=2)
    if len(items) > MAX_OPTIONS:
        raise items[MAX_OPTIONS].error(f"a choice has at most {MAX_OPTIONS} options (a to z)")
    for item in items:
        item.mapping(OPTION_FIELDS, "an option")
        correct = item.field("correct")
        right = False
        if correct is not None:
            written = correct.text()
            if written not in ("true", "false"):
                raise correct.error(f"{quoted(written)} is not true or false")
            right = written == "true"
        options.append(Option(item.text_of("text"), right, item.text_of("feedback"), item.location()))
    if not any(option.correct for option in options):
        raise reader.error("no option is right: mark the right one (or ones) with 'correct: true'")
    return tuple(options)


def _right_options(reader: FieldReader, options: tuple[Option, ...]) -> SourceText:
    """The right options' letters (``a, c``), as a choice exercise's answer."""
    letters = ", ".join(chr(ord("a") + index) for index, option in enumerate(options) if option.correct)
    found = reader.required("options")
    return SourceText(letters, found.location(), found.path)


def _number_tolerance(reader: FieldReader) -> Tolerance:
    """``tolerance: 0.01`` (absolute) or ``tolerance: 1%`` (relative) of a number exercise."""
    written = reader.text().strip()
    relative = written.endswith("%")
    number = written[:-1].strip() if relative else written
    if not NUMBER.match(number) or not math.isfinite(float(number)) or float(number) <= 0:
        raise reader.error(
            f"{quoted(written)} is not a tolerance: write a number above 0 (an absolute tolerance, "
            "such as 0.01) or a percentage (a relative one, such as 1%)"
        )
    if relative:
        value = float(number) / 100
        if value > MAX_RELATIVE_TOLERANCE:
            raise reader.error(
                f"a relative tolerance is at most {MAX_RELATIVE_TOLERANCE:.0%}, not {quoted(written)}: "
                "a larger one accepts a different answer"
            )
        return Tolerance("relative", value, written)
    return Tolerance("absolute", float(number), written)


def _parameters(reader: FieldReader) -> tuple[Parameter, ...]:
    """``name: integer 2..9`` (or natural, odd, even), or ``name: [0.5, 1, 2]``: drawn per variant."""
    parameters = []
    entries = reader.entries("parameters")
    if len(entries) > MAX_PARAMETERS:
        raise reader.error(f"at most {MAX_PARAMETERS} parameters")
    if not entries:
        raise reader.error("give at least one parameter, such as 'a: integer 2..9'")
    for name, key_mark, value in entries:
        _check_symbol_name(name, reader.error, key_mark, value.path)
        location = Location(reader.source, value.mark.line, value.mark.column)
        if isinstance(value.node, MarkedList):
            values = []
            for item in value.items("values", minimum=1):
                text = item.text().strip()
                if len(text) > MAX_VALUE_LENGTH or not NUMBER.match(text):
                    raise item.error(
                        f"{quoted(text)} is not a value a parameter can take: a number such as 3, "
                        f"-0.5 or 1e-3, at most {MAX_VALUE_LENGTH} characters"
                    )
                values.append(text)
            parameters.append(Parameter(name, "value", 0, 0, tuple(values), location))
            continue
        written = value.text().strip()
        found = PARAMETER_RANGE.match(written)
        if found is None:
            raise value.error(
                f"{quoted(written)} is not a parameter: write a range of whole numbers such as "
                "'integer 2..9' (or natural, odd, even), or a list of values such as [0.5, 1, 2]"
            )
        domain, low, high = found.group("domain"), int(found.group("low")), int(found.group("high"))
        parameter = Parameter(name, domain, low, high, (), location)
        if domain == "natural" and low < 1:
            raise value.error(f"natural numbers start at 1, so {quoted(written)} is not a range of them")
        if count(parameter) == 0:
            raise value.error(f"the range {quoted(written)} is empty: no {domain} number lies in it")
        parameters.append(parameter)
    return tuple(parameters)


def _check_placeholders(reader: FieldReader, exercise: Exercise) -> None:
    """Every ``{name}`` in an exercise with parameters names one of them (``{{`` is a brace)."""
    names = {parameter.name for parameter in exercise.parameters}
    texts: list[tuple[str, str]] = [("prompt", exercise.prompt), ("solution", exercise.solution)]
    texts += [(f"hints[{i}]", hint) for i, hint in enumerate(exercise.hints)]
    texts += [(f"mistakes[{i}].feedback", m.feedback) for i, m in enumerate(exercise.mistakes)]
    for i, option in enumerate(exercise.options):
        texts += [(f"options[{i}].text", option.text), (f"options[{i}].feedback", option.feedback)]
    for path, text in texts:
        for name, _ in placeholders(text):
            if name not in names:
                raise LessonError(
                    f"{{{name}}} is not a parameter of this exercise (its parameters: "
                    f"{', '.join(sorted(names))}); write {{{{ and }}}} for a brace",
                    location=_text_location(reader, path),
                    path=f"{reader.path}.{path}",
                )


def _text_location(reader: FieldReader, path: str) -> Location:
    """Where the field ``path`` (``prompt``, ``hints[1]``, ``options[0].text``) of an exercise is."""
    node: Node = reader.node
    mark = reader.mark
    for part in re.findall(r"[A-Za-z_]+|\[[0-9]+\]", path):
        if part.startswith("[") and isinstance(node, MarkedList):
            index = int(part[1:-1])
            mark = node.item_marks[index]
            node = node[index]
        elif isinstance(node, MarkedMap) and part in node:
            mark = node.value_marks[part]
            node = node[part]
    return Location(reader.source, mark.line, mark.column)


def _is_derive(reader: FieldReader) -> bool:
    """Whether an exercise is ``kind: derive`` (an unknown kind is an error that lists the kinds)."""
    if not isinstance(reader.node, MarkedMap) or "kind" not in reader.node:
        return False
    kind = reader.required("kind")
    value = kind.text()
    if value not in EXERCISE_KINDS:
        close = difflib.get_close_matches(value, EXERCISE_KINDS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "the kinds are " + ", ".join(EXERCISE_KINDS)
        raise kind.error(f"unknown exercise kind '{value}'; {hint}")
    return value == "derive"


def _derive_exercise(reader: FieldReader, names: set[str]) -> DeriveExercise:
    """A ``kind: derive`` exercise: ``from``, ``goal``, an optional ``reference`` derivation (steps as
    in ``derivation``, ``reason`` optional) and listed ``mistakes`` each at a ``step`` of it."""
    reader.mapping(DERIVE_FIELDS, "a derive exercise")
    found = reader.field("reference")
    reference = (
        ()
        if found is None
        else tuple(
            _step(item, names, first=index == 0, reason_required=False)
            for index, item in enumerate(found.items("reference steps", minimum=2))
        )
    )
    mistakes = []
    for item in _optional_items(reader, "mistakes", "mistakes"):
        item.mapping(DERIVE_MISTAKE_FIELDS, "a derive exercise's mistake")
        step_field = item.required("step")
        where = (
            "give the number of the reference step (2 or more; step 1 is the start) where this wrong "
            "line would be written"
        )
        step = step_field.whole_number(f"a step number written with the digits 0-9: {where}")
        if step < 2:
            raise step_field.error(f"'{step}' is not a step: {where}")
        if reference and step > len(reference):
            raise step_field.error(f"the reference has {len(reference)} steps, so there is no step {step}")
        mistakes.append(
            DeriveMistake(step, item.source_text_of("answer"), item.text_of("feedback"), item.location())
        )
    solution = reader.field("solution")
    return DeriveExercise(
        id=reader.matching_of("id", EXERCISE_ID, "use letters, digits, '-' and '_'"),
        prompt=reader.text_of("prompt"),
        start=reader.source_text_of("from"),
        goal=reader.source_text_of("goal"),
        reference=reference,
        mistakes=tuple(mistakes),
        hints=reader.texts_of("hints", "hints", required=False),
        solution="" if solution is None else solution.text(),
        location=reader.location(),
    )


def _require_unique_ids(ids: list[tuple[str, Location]], what: str, field: str) -> None:
    seen: dict[str, Location] = {}
    for index, (item_id, location) in enumerate(ids):
        if item_id in seen:
            raise LessonError(
                f"{what} id '{item_id}' is used twice (first at line {seen[item_id].line})",
                location=location,
                path=f"{field}[{index}].id",
            )
        seen[item_id] = location
