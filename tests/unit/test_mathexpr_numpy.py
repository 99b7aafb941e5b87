"""Vectors and matrices as NumPy means them: `*` elementwise with broadcasting, `@`/dot/matmul with 1-D
vectors as NumPy treats them, `.T`, `np.` names from a whitelist only, entries g_1, comparisons as 0/1,
and the learner's sigmoid, relu, softmax and max. Each refusal names the shapes and points at the
operator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sympy

from studybuddy.core.grading import grade
from studybuddy.core.mathexpr import ExprError, SymbolTable, Variable, parse_expression
from studybuddy.core.mathexpr.numpy_ops import MAX_ENTRIES, Indicator

TABLE = SymbolTable(
    [
        Variable("W", shape=(3, 2)),
        Variable("S", shape=(3, 3)),
        Variable("g", shape=(3,)),
        Variable("x", shape=(2,)),
        Variable("s", shape=(3,)),
        Variable("z"),
        Variable("t"),
    ]
)
W, S, g, x, s, z = (TABLE.symbol(name) for name in ("W", "S", "g", "x", "s", "z"))


def parse(text: str) -> sympy.Basic:
    return parse_expression(text, TABLE)


def refusal(text: str) -> ExprError:
    with pytest.raises(ExprError) as caught:
        parse(text)
    return caught.value


def values(expr: sympy.Basic, point: dict[str, np.ndarray]) -> np.ndarray:
    """``expr`` at ``point`` (arrays for W, S, g, x, s; a number for z), as a float array."""
    replacements = {}
    for name, value in point.items():
        symbol = TABLE.symbol(name)
        if isinstance(symbol, sympy.MatrixSymbol):
            array = np.asarray(value, dtype=float).reshape(symbol.shape)
            replacements[symbol] = sympy.ImmutableMatrix(array.tolist())
        else:
            replacements[symbol] = sympy.Float(value)
    done = expr.xreplace(replacements)
    done = done.doit() if hasattr(done, "doit") else done
    return np.array(sympy.N(sympy.ImmutableMatrix(done) if done.is_Matrix else done), dtype=float)


RNG = np.random.default_rng(7)
POINT = {
    "W": RNG.normal(size=(3, 2)),
    "S": RNG.normal(size=(3, 3)),
    "g": RNG.normal(size=3),
    "x": RNG.normal(size=2),
    "s": RNG.uniform(0.1, 0.9, size=3),
    "z": 0.7,
}


@pytest.mark.parametrize(
    ("typed", "numpy"),
    [
        # * is elementwise, with NumPy's broadcasting: (3, 3) * (3,) scales column j by g[j]
        ("S * g", lambda p: p["S"] * p["g"]),
        ("g * S", lambda p: p["g"] * p["S"]),
        ("W.T * g", lambda p: p["W"].T * p["g"]),
        ("s * (1 - s)", lambda p: p["s"] * (1 - p["s"])),
        ("g * g", lambda p: p["g"] * p["g"]),
        ("2 * g", lambda p: 2 * p["g"]),
        # @, dot and matmul: the matrix product; a 1-D vector on the left is a row
        ("W.T @ g", lambda p: p["W"].T @ p["g"]),
        ("np.dot(W.T, g)", lambda p: np.dot(p["W"].T, p["g"])),
        ("numpy.matmul(W.T, g)", lambda p: np.matmul(p["W"].T, p["g"])),
        ("g @ W", lambda p: p["g"] @ p["W"]),
        ("g @ g", lambda p: p["g"] @ p["g"]),
        ("np.dot(g, g)", lambda p: np.dot(p["g"], p["g"])),
        ("np.outer(g, x)", lambda p: np.outer(p["g"], p["x"])),
        # + and - broadcast too
        ("W + x", lambda p: p["W"] + p["x"]),
        ("g - 1", lambda p: p["g"] - 1),
        ("1/g", lambda p: 1 / p["g"]),
        ("S / g", lambda p: p["S"] / p["g"]),
        # ** is elementwise; ufuncs apply to each entry
        ("g**2", lambda p: p["g"] ** 2),
        ("S**2", lambda p: p["S"] ** 2),
        ("np.exp(g)", lambda p: np.exp(p["g"])),
        ("np.tanh(W)", lambda p: np.tanh(p["W"])),
        ("np.sum(g)", lambda p: np.sum(p["g"])),
        ("np.mean(S)", lambda p: np.mean(p["S"])),
        ("np.max(g)", lambda p: np.max(p["g"])),
        ("np.maximum(0, g)", lambda p: np.maximum(0, p["g"])),
        ("np.linalg.norm(g)", lambda p: np.linalg.norm(p["g"])),
        ("np.exp(g) / np.sum(np.exp(g))", lambda p: np.exp(p["g"]) / np.sum(np.exp(p["g"]))),
        # comparisons are 0/1 arrays: the ReLU backward pass
        ("g * (g > 0)", lambda p: p["g"] * (p["g"] > 0)),
        ("(S >= 0) * S", lambda p: (p["S"] >= 0) * p["S"]),
        # the learner's notation
        ("relu(g)", lambda p: np.maximum(p["g"], 0)),
        ("sigmoid(g)", lambda p: 1 / (1 + np.exp(-p["g"]))),
        ("softmax(g)", lambda p: np.exp(p["g"]) / np.sum(np.exp(p["g"]))),
        ("max(g)", lambda p: max(p["g"])),
        ("g_1 + g_3", lambda p: p["g"][0] + p["g"][2]),
        ("W_3_2", lambda p: p["W"][2, 1]),
    ],
)
def test_typed_code_means_what_numpy_computes(typed: str, numpy: object) -> None:
    expected = np.asarray(numpy(POINT), dtype=float)  # type: ignore[operator]
    got = values(parse(typed), POINT)
    assert got.size == expected.size, (typed, got.shape, expected.shape)
    np.testing.assert_allclose(got.ravel(), expected.ravel(), rtol=1e-12, err_msg=typed)


def test_side_by_side_factors_keep_the_mathematical_product() -> None:
    assert parse("W^T g") == W.T * g
    assert parse("g x^T") == g * x.T  # the outer product, as the lessons write dW = g x^T
    assert parse("g @ x^T") == g * x.T  # lined up as written: the product, not NumPy's 1-D dot
    assert parse("W·x") == W * x  # a typed · or × is the mathematical product too
    assert parse("W^T g") == parse("W.T @ g")


def test_a_1d_product_is_a_number_and_scales_a_matrix() -> None:
    assert parse("(g.T @ g) * S") == parse("dot(g, g) * S")
    assert parse("(g^T g) S") == parse("dot(g, g) S")


@pytest.mark.parametrize(
    ("typed", "message", "pointed"),
    [
        ("W + g", "`+` between a 3x2 matrix and a 3-vector: NumPy cannot broadcast (3, 2) and (3,)", "W + g"),
        (
            "W * g",
            "`*` between a 3x2 matrix and a 3-vector: NumPy cannot broadcast (3, 2) and (3,): write @ for "
            "the matrix product, or hadamard(...) for elementwise of equal shapes",
            "W * g",
        ),
        ("g * x", "`*` between a 3-vector and a 2-vector", "g * x"),
        (
            "W @ g",
            "@ needs the columns of the left to match the rows of the right, not (3, 2) @ (3,)",
            "W @ g",
        ),
        ("z @ g", "@ multiplies two matrices or vectors; use * with a number", "z @ g"),
        ("np.dot(g, x)", "dot needs two vectors of the same length, not 3 and 2", "np.dot(g, x)"),
        ("g^2", "^ of a 3-vector: write ** for NumPy's power of each entry (x**2)", "g^2"),
        ("W^2", "^ of a 3x2 matrix", "W^2"),
        ("softmax(z)", "softmax takes a vector, not a number", "softmax(z)"),
        ("max(g, z)", "max of several arguments takes numbers, not a 3-vector", "max(g, z)"),
        ("g.shape", "'.shape' means nothing here: the only attribute is .T", ".shape"),
        ("g_4", "g_4 is past the end of g: it has 3 entries", "g_4"),
        ("g_0", "entries count from 1 here (g_1 is the first, as g₁)", "g_0"),
        ("W_4_1", "W_4_1 is past the end of W: it has 3 rows", "W_4_1"),
        ("W_1_3", "W_1_3 is past the end of W: it has 2 columns", "W_1_3"),
        ("W_2", "W is a matrix: write W_2_1 for row 2, column 1", "W_2"),
        (
            "g[1]",
            "write g_2 for that entry: entries count from 1 here, as g₁, g₂, so NumPy's g[1] is g_2",
            "[",
        ),
        ("z == 1", "write only the expression, without '='", "="),
    ],
)
def test_what_numpy_would_not_do_is_refused_with_the_shapes(typed: str, message: str, pointed: str) -> None:
    error = refusal(typed)
    assert message in error.message
    assert typed[error.start : error.end] == pointed


@pytest.mark.parametrize(
    "typed",
    [
        "np.random.rand(3)",
        "np.load(x)",
        "np.__class__",
        "numpy.os.system(z)",
        "np.linalg.eig(S)",
        "np.frombuffer(z)",
        "np.core.multiarray",
    ],
)
def test_np_followed_by_a_name_outside_the_whitelist_is_refused_by_name(typed: str) -> None:
    error = refusal(typed)
    name = typed.split("(")[0]
    assert error.message.startswith(f"{name} is not one of the NumPy functions studybuddy reads")
    assert typed[error.start : error.end] == name


def test_nothing_after_np_reaches_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "pwned"
    attempts = [
        f"np.os.system('touch {marker}')",
        f"numpy.__import__('os').system('touch {marker}')",
        "np.lib.npyio.load(z)",
    ]
    import numpy

    called: list[str] = []
    monkeypatch.setattr(numpy, "load", lambda *a, **k: called.append("load"))
    for text in attempts:
        with pytest.raises(ExprError):
            parse(text)
    assert not marker.exists() and not called


def test_a_comparison_is_an_indicator_shown_as_written() -> None:
    indicator = parse("z > 0")
    assert isinstance(indicator, Indicator)
    assert (indicator.subs(z, 1), indicator.subs(z, 0), indicator.subs(z, -1)) == (1, 0, 0)
    assert parse("z >= 0").subs(z, 0) == 1
    assert parse("z ≥ 1") == parse("z >= 1")
    assert str(parse("2 z (z > 0)")) == "2*z*(z > 0)"
    assert "θ" not in sympy.pretty(parse("z > 0"), use_unicode=True)
    assert parse("0 < z < 1").subs(z, sympy.Rational(1, 2)) == 1


def test_an_elementwise_function_of_a_huge_matrix_is_refused_not_built() -> None:
    big = SymbolTable([Variable("M", shape=(100, 100))])
    with pytest.raises(ExprError) as caught:
        parse_expression("exp(M)", big)
    assert caught.value.message == (
        f"exp of a 100x100 matrix is too large to write out entry by entry (at most {MAX_ENTRIES} entries)"
    )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("np.dot(W.T, g)", "W^T g"),  # the learner's own np.dot(weights.T, dlogits)
        ("g @ W", "W^T g"),
        ("W.T @ g", "W^T g"),
        ("np.outer(g, x)", "g x^T"),
        ("s * (1 - s)", "hadamard(s, 1 - s)"),
        ("sigmoid(z) * (1 - sigmoid(z))", "exp(-z)/(1 + exp(-z))^2"),
        ("z * (z > 0)", "relu(z)"),
        ("(z > 0)", "Heaviside(z, 0)"),
        ("max(0, z)", "relu(z)"),
        ("g_1 g_2", "g_2 g_1"),
    ],
)
def test_numpy_and_learner_notation_grade_right(answer: str, expected: str) -> None:
    assert grade(answer, expected, TABLE).kind == "equivalent", answer


def test_w_transpose_times_g_is_not_the_matrix_product() -> None:
    """The issue's first complaint: W.T * g was graded equal to W^T g."""
    verdict = grade("W.T * g", "W^T g", TABLE)
    assert verdict.kind == "shape"
    assert verdict.detail == (
        "Your answer is 2x3, the question wants 2x1 (a column): `*` is elementwise, as in NumPy; "
        "`@` is the matrix product."
    )
