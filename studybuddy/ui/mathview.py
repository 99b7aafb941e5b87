"""The math the screens show, asked of the grading worker process: the app never imports SymPy.

Called from worker threads only (each call waits for the worker process). ``engine_ready`` never
blocks: screens use it to say "loading the math engine…" while the worker imports SymPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ENGINE_LOADING = "Loading the math engine…"


@dataclass(frozen=True)
class Preview:
    """What the answer box shows under itself: the pretty form, or the error and its caret line."""

    text: str
    pretty: str | None = None
    pointer: str | None = None
    message: str | None = None
    loading: bool = False  # the worker is still starting: the preview comes when it is ready


def engine_ready(grading: Any) -> bool:
    ready = getattr(grading, "is_ready", None)
    return True if ready is None else bool(ready())


def plain_variables(lesson: Any, exercise: Any = None) -> list[tuple[str, str, tuple[int, ...] | None]]:
    """The lesson's symbols as plain data; for an exercise that lists its variables, only those."""
    allowed = getattr(exercise, "variables", None)
    return [
        (spec.name, spec.domain, tuple(spec.shape) if spec.shape else None)
        for spec in lesson.symbols
        if allowed is None or spec.name in allowed
    ]


def preview_answer(grading: Any, text: str, variables: list[Any]) -> Preview:
    if not text.strip():
        return Preview(text)
    data = grading.preview(text, variables)
    if data.get("pretty") is not None:
        return Preview(text, pretty=data["pretty"])
    return Preview(text, pointer=data.get("pointer"), message=data.get("message"))
