"""Derivation lines are marked in the killable grading worker: marks carry what they answer, a line that
overruns its time limit is unknown, and the next line is still marked."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studybuddy.core.derivation.engine import mark_all
from studybuddy.core.derivation.model import context_of, derivation_from_text
from studybuddy.services.derivation import DerivationService, read_lines
from studybuddy.services.grading import GradingService

PATIENT = 120.0  # seconds per line: on busy shared cores a real line must never meet the limit
SOFTMAX_TEXT = """\
L = -log(s1)
s1 = exp(z1)/(exp(z1)+exp(z2)+exp(z3))

dL/dz1 = s1 - 1     # the label entry
dL/dz2 = -s2
dL/dq = 0
"""


def test_the_worker_gives_the_marks_the_engine_gives_each_carrying_its_derivation_and_line() -> None:
    derivation = derivation_from_text(SOFTMAX_TEXT, context_of(["z1", "z2", "z3", "s2"]), "screen-7")
    with GradingService(timeout=PATIENT) as grading:
        service = DerivationService(grading)
        marks = list(service.marks(derivation))
        blank = service.mark_line(derivation, 2)
    in_process = mark_all(derivation)
    assert blank is None
    assert [mark.index for mark in marks] == [0, 1, 3, 4, 5]
    assert [mark.verdict for mark in marks] == ["start", "start", "follows", "does-not-follow", "invalid"]
    assert [mark.verdict for mark in marks] == [mark.verdict for mark in in_process]
    assert [mark.detail for mark in marks] == [mark.detail for mark in in_process]
    assert all(mark.derivation == "screen-7" for mark in marks)
    assert [mark.text for mark in marks] == [derivation.lines[mark.index].text for mark in marks]


@pytest.mark.slow  # two worker starts (each imports SymPy)
def test_a_line_over_the_time_limit_is_unknown_and_the_lines_after_it_are_still_marked() -> None:
    derivation = derivation_from_text("x^2 + 1\nSTALL\n= 1 + x^2\nd/dx: 2x", context_of(["x"]), "slow")
    with GradingService(timeout=PATIENT, stall_on="STALL") as grading:
        lines = DerivationService(grading).marks(derivation)  # marks each line as it is asked for
        marks = [next(lines)]
        grading.timeout = 0.5  # only the line that never answers meets a short limit: it always overruns
        marks.append(next(lines))
        grading.timeout = PATIENT
        marks += list(lines)
        restarts = grading.restarts
    assert [mark.verdict for mark in marks] == ["start", "unknown", "follows", "follows"]
    assert "0.5 s" in marks[1].detail
    assert restarts == 1


def test_a_300_line_derivation_through_the_worker_marks_every_line() -> None:
    text = "\n".join(["x^2"] + [f"= x^2 + {n} - {n}" for n in range(299)])
    derivation = derivation_from_text(text, context_of(["x"]), "long")
    with GradingService(timeout=PATIENT) as grading:
        marks = list(DerivationService(grading).marks(derivation))
    assert len(marks) == 300
    assert {mark.verdict for mark in marks[1:]} == {"follows"}


def test_reading_lines_needs_no_math_engine() -> None:
    lines = read_lines("L = -log(s1)\n\ndL/dz1 = s1 - 1")
    assert [line.written for line in lines] == ["named", None, "differentiate"]


@pytest.mark.slow  # a subprocess
def test_the_apps_process_can_read_lines_and_rebuild_marks_without_sympy() -> None:
    code = (
        "import sys\n"
        "from studybuddy.services.derivation import DerivationService, read_lines\n"
        "from studybuddy.core.derivation.model import Derivation, context_of\n"
        "from studybuddy.core.derivation.marks import LineMark\n"
        "derivation = Derivation(1, context_of(['x']), read_lines('x^2\\nd/dx: 2x'))\n"
        "LineMark.from_dict(LineMark(1, 0, 'x^2', 'start').to_dict())\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sympy', 'numpy'))\n"
        "raise SystemExit(1 if loaded else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
