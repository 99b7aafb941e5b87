"""The math the screens show, asked of the grading worker process: the app never imports SymPy.

Called from worker threads only (each call waits for the worker process). ``engine_ready`` never
blocks: screens use it to say "loading the math engine…" while the worker imports SymPy. What an
exercise's answer box shows comes from ``services.quiz`` (read as the grade reads the answer).
"""

from __future__ import annotations

from typing import Any

ENGINE_LOADING = "Loading the math engine…"


def engine_ready(grading: Any) -> bool:
    ready = getattr(grading, "is_ready", None)
    return True if ready is None else bool(ready())
