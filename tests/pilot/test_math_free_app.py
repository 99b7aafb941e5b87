"""The app's own process never imports SymPy or NumPy: all math runs in the grading worker process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FLOW = Path(__file__).with_name("math_free_flow.py")


@pytest.mark.slow  # a fresh interpreter and a cold grading worker
def test_a_full_study_flow_leaves_sympy_and_numpy_out_of_the_app_process(tmp_path: Path) -> None:
    env = {**os.environ, "STUDYBUDDY_CONFIG": str(tmp_path / "none.toml")}
    env.pop("STUDYBUDDY_HOME", None)
    run = subprocess.run(
        [sys.executable, str(FLOW), str(tmp_path / "home")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    lines = run.stdout.splitlines()
    assert "✓ sigmoid-gradient: gradient check passed" in run.stdout, "the math did happen"
    assert "∂/∂z: analytic" in run.stdout, "with the figures per variable"
    assert "s⋅(1 - s)" in run.stdout and "✓ Right." in run.stdout
    assert lines[-1] == "IMPORTED: none"
