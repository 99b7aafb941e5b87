"""`studybuddy equiv --var W:real:3x2`: vectors and matrices declared on the command line, read as NumPy
means them, and shapes no one could write out refused before anything is built."""

from __future__ import annotations

import json

import pytest

from studybuddy.cli import main

MATRICES = ["--var", "W:real:3x2", "--var", "g:real:3"]


def test_the_learners_numpy_is_proved_equal_to_the_mathematics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["equiv", "np.dot(W.T, g)", "W^T g", *MATRICES]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "equivalent (proved equal)"
    assert main(["equiv", "g @ W", "W^T g", "--var", "W:3x2", "--var", "g:3"]) == 0


def test_a_broadcast_product_is_another_shape_exiting_as_different(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["equiv", "W.T * g", "W^T g", *MATRICES, "--json"]) == 1
    row = json.loads(capsys.readouterr().out)
    assert row["verdict"] == "shape"
    assert row["detail"].startswith("Your answer is 2x3, the question wants 2x1 (a column)")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("W:real:10000x10000", "--var 'W:real:10000x10000': a size is from 1 to 100, not 10000"),
        ("W:real:-3x2", "'-3x2' is not a shape: write 3 for a vector or 3x2 for a matrix"),
        ("W:real:Nx2", "'Nx2' is not a shape"),
        ("W:real:3x2x2", "'3x2x2' is not a shape"),
        ("W:real:0x2", "a size is from 1 to 100, not 0"),
        ("W:real:³x2", "'³x2' is not a shape"),
    ],
)
def test_an_unusable_shape_is_refused_before_anything_is_built(
    option: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["equiv", "W", "W", "--var", option]) == 2
    out = capsys.readouterr().out
    assert out.startswith("invalid\n") and message in out


def test_np_outside_the_whitelist_is_invalid_at_its_column(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["equiv", "np.random.rand(3)", "g", *MATRICES, "--json"]) == 2
    row = json.loads(capsys.readouterr().out)
    assert row["verdict"] == "invalid" and row["error_column"] == 1
    assert row["detail"].startswith("np.random.rand is not one of the NumPy functions studybuddy reads")
