"""Variants of an exercise: its parameters' values drawn from a seed, and put into its texts.

An exercise may declare ``parameters`` (``a: integer 2..9``, ``k: odd 1..7``, ``s: [0.5, 1, 2]``). A
variant is the exercise with one value of each drawn: ``instantiate`` returns it as an Exercise whose
``drawn`` holds the values and ``seed`` the seed they came from, so the same seed gives the same variant
again (an attempt records its seed). The texts (prompt, hints, solution, options, feedback) get the
values by a deliberately small template: ``{a}`` is the drawn value of parameter ``a``, ``{{`` and
``}}`` are braces; nothing else is read in braces (no attribute access, no format specs, no
expressions), so a lesson's text cannot reach into Python. The answer and the mistakes use the
parameter names as variables; grading replaces them by the drawn values (grading/terms.py).

Pure and quick: no SymPy (the app draws variants in its own process).
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

from studybuddy.core.lessons.model import Exercise, Mistake, Option, Parameter

MAX_GRID = 256  # all value combinations are listed up to this many; beyond it, that many draws
CHECKED_DRAWS = 4  # variants `lessons check` grades the answer and every listed mistake of

_TEMPLATE = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")

Values = tuple[tuple[str, str], ...]  # (parameter name, the value as written)


def count(parameter: Parameter) -> int:
    """How many values ``parameter`` can take (0 for an empty range)."""
    if parameter.values:
        return len(parameter.values)
    low, high = parameter.low, parameter.high
    if parameter.domain in ("odd", "even"):
        parity = 1 if parameter.domain == "odd" else 0
        first = low if low % 2 == parity else low + 1
        return 0 if first > high else (high - first) // 2 + 1
    return max(0, high - low + 1)


def value(parameter: Parameter, index: int) -> str:
    """Value number ``index`` (0-based) of ``parameter``, as written."""
    if parameter.values:
        return parameter.values[index]
    if parameter.domain in ("odd", "even"):
        parity = 1 if parameter.domain == "odd" else 0
        first = parameter.low if parameter.low % 2 == parity else parameter.low + 1
        return str(first + 2 * index)
    return str(parameter.low + index)


def draw(parameters: Sequence[Parameter], seed: int) -> Values:
    """One value of each parameter, the same for the same seed (and the same parameters)."""
    rng = random.Random(seed)  # random() is reproducible across Python versions for an int seed
    drawn = []
    for parameter in parameters:
        size = count(parameter)
        drawn.append((parameter.name, value(parameter, min(size - 1, int(rng.random() * size)))))
    return tuple(drawn)


def fresh_seed() -> int:
    """A seed for a variant nobody chose (the app's; a test or `--variant` gives its own)."""
    return random.SystemRandom().randrange(1, 1_000_000)


def instantiate(exercise: Exercise, seed: int) -> Exercise:
    """The variant of ``exercise`` drawn from ``seed`` (an exercise without parameters: itself; a
    variant: another variant of the same exercise)."""
    if not exercise.parameters:
        return exercise
    return with_values(exercise, draw(exercise.parameters, seed), seed)


def with_values(exercise: Exercise, values: Values, seed: int | None = None) -> Exercise:
    """``exercise`` with ``values`` put into its texts and kept for grading (``exercise`` may be a
    variant already: its texts as written are kept in ``template``)."""
    exercise = exercise.template or exercise
    named = dict(values)
    return replace(
        exercise,
        prompt=fill(exercise.prompt, named),
        hints=tuple(fill(hint, named) for hint in exercise.hints),
        solution=fill(exercise.solution, named),
        mistakes=tuple(
            Mistake(mistake.answer, fill(mistake.feedback, named), mistake.location)
            for mistake in exercise.mistakes
        ),
        options=tuple(
            Option(fill(option.text, named), option.correct, fill(option.feedback, named), option.location)
            for option in exercise.options
        ),
        drawn=values,
        seed=seed,
        template=exercise,
    )


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` of ``values`` replaced by its value and ``{{``/``}}`` by a brace."""
    if not values:
        return text

    def one(match: re.Match[str]) -> str:
        whole, name = match.group(0), match.group(1)
        if name is None:
            return whole[0]
        return values.get(name, whole)

    return _TEMPLATE.sub(one, text)


def placeholders(text: str) -> list[tuple[str, int]]:
    """Each ``{name}`` in ``text`` and its offset (what validation checks against the parameters)."""
    return [(m.group(1), m.start()) for m in _TEMPLATE.finditer(text) if m.group(1) is not None]


def exact(text: str) -> str:
    """A value as an exact number for the math parser: ``0.25`` -> ``1/4`` (a decimal would make the
    grader compare loosely, as for measured values)."""
    return str(Fraction(text))


def every_draw(parameters: Sequence[Parameter]) -> Iterator[Values]:
    """Every combination of values when there are at most MAX_GRID, else MAX_GRID of them: each
    parameter's ends with the others' first values, then seeded draws."""
    sizes = [count(parameter) for parameter in parameters]
    total = 1
    for size in sizes:
        total *= size
    if total <= MAX_GRID:
        for indices in itertools.product(*(range(size) for size in sizes)):
            yield tuple((p.name, value(p, i)) for p, i in zip(parameters, indices, strict=True))
        return
    seen: set[Values] = set()
    corners = itertools.product(*((0, size - 1) for size in sizes))
    for indices in itertools.islice(corners, MAX_GRID // 2):
        values = tuple((p.name, value(p, i)) for p, i in zip(parameters, indices, strict=True))
        seen.add(values)
        yield values
    for seed in range(MAX_GRID * 4):
        if len(seen) >= MAX_GRID:
            return
        values = draw(parameters, seed)
        if values not in seen:
            seen.add(values)
            yield values


def checked_seeds(parameters: Sequence[Parameter]) -> list[int]:
    """The seeds whose variants `lessons check` grades in full: CHECKED_DRAWS of different values
    (fewer when the parameters have fewer combinations)."""
    seeds: list[int] = []
    seen: set[Values] = set()
    for seed in range(CHECKED_DRAWS * 8):
        values = draw(parameters, seed)
        if values not in seen:
            seen.add(values)
            seeds.append(seed)
        if len(seeds) == CHECKED_DRAWS:
            break
    return seeds


def describe(values: Values) -> str:
    """'a = 3, k = 5': which variant this is."""
    return ", ".join(f"{name} = {text}" for name, text in values)
