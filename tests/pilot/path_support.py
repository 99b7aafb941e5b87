"""Small lesson libraries for the learner's-path tests: lessons with given requires, in a folder of the
test's own, so the path does not depend on the bundled lessons."""

from __future__ import annotations

import json
from pathlib import Path

from studybuddy.services.lessons import LessonService

LESSON = """\
id: {id}
title: {title}
subject: machine-learning
topic: {topic}
requires: [{requires}]
symbols:
  x: real
intro: |
  {intro}
derivation:
  - expr: x^2
    reason: The function.
  - expr: 2*x
    reason: Differentiate.
    by: {{differentiate: x}}
checks:
  - id: slope
    kind: gradient
    description: Finite differences agree with 2x.
    function: x^2
    gradient: {{x: 2*x}}
exercises:
{exercises}
"""

EXERCISE = """\
  - id: {id}
    prompt: What is {answer} written another way?
    answer: {answer}
    hints:
      - It is {answer}.
    solution: It is {answer}.
"""


def write_lesson(
    folder: Path,
    lesson_id: str,
    title: str,
    topic: str = "calculus",
    requires: tuple[str, ...] = (),
    *,
    exercises: tuple[tuple[str, str], ...] = (("first", "2*x"), ("second", "x^2"), ("third", "2")),
    intro: str = "A short lesson.",
) -> Path:
    """A lesson file ``folder/<lesson_id>.yaml`` that loads; ``exercises``: (id, answer) pairs."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{lesson_id}.yaml"
    path.write_text(
        LESSON.format(
            id=lesson_id,
            title=json.dumps(title),  # a YAML string, whatever its colons
            topic=topic,
            requires=", ".join(requires),
            intro=intro.replace("\n", "\n  "),
            exercises="".join(EXERCISE.format(id=item, answer=answer) for item, answer in exercises),
        ),
        encoding="utf-8",
    )
    return path


def use_only(context, folder: Path) -> None:
    """The app's library is ``folder`` alone (no bundled lessons), before the app starts."""
    context.lessons = LessonService(context.home, bundled_dir=folder)
