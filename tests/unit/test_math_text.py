"""Formulas in a diary entry shown as Unicode in the preview, or raw where they cannot be shown well."""

from __future__ import annotations

import pytest

from studybuddy.core.math_text import latex_to_unicode, math_as_unicode


@pytest.mark.parametrize(
    ("latex", "shown"),
    [
        # The formulas.
        (r"\frac{\partial L}{\partial z_1}", "∂L/∂z₁"),
        (r"\sigma(x) = \frac{1}{1 + e^{-x}}", "σ(x) = 1/(1 + e⁻ˣ)"),
        (r"\|x\|_2^2", "‖x‖₂²"),
        (r"\sum_i x_i", "∑ᵢ xᵢ"),
        # As the learners of the sample diaries write them.
        (r"each\_item / total\_score", "each_item / total_score"),
        (r"max\_index(probs)", "max_index(probs)"),
        (r"(actual - predicted)^2", "(actual - predicted)²"),
        (r"[0.1^2,0.2^2,0.7^2,1^2,0^2 ]", "[0.1²,0.2²,0.7²,1²,0² ]"),
        # What a small pre-pass must add to a symbol table: \frac, \mathrm, \log, \sqrt, spacing.
        (r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}", "softmax(z)ᵢ = e^(zᵢ)/(∑ⱼ e^(zⱼ))"),
        (r"\log p(y|x)", "log p(y|x)"),
        (r"\log(x)", "log(x)"),
        (r"\frac{1}{m}\sum_{i=1}^m (y_i - \hat{y}_i)^2", "(1/m)∑ᵢ₌₁ᵐ (yᵢ - ŷᵢ)²"),
        (r"\hat{y} = \sigma(w \cdot x + b)", "ŷ = σ(w ⋅ x + b)"),
        (r"\nabla_w L = X^\top (Xw - y)", "∇_w L = Xᵀ (Xw - y)"),
        (r"\sqrt{x^2 + y^2}", "√(x² + y²)"),
        (r"\left(\frac{a}{b}\right)", "(a/b)"),
        (r"x_{max}", "xₘₐₓ"),
        (r"\mathcal{L}(\theta)", "ℒ(θ)"),
        (r"W^{(l)}", "W⁽ˡ⁾"),
    ],
)
def test_formulas_are_shown_as_unicode(latex: str, shown: str) -> None:
    assert latex_to_unicode(latex) == shown


@pytest.mark.parametrize(
    "latex",
    [
        r"(actual-predicted_probs)^2",  # an underscore meant literally: LaTeX would subscript the p
        r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}",
        r"\log_2 \foo{x}",  # unknown command (unicodeit's own replace makes \log "łog")
        r"\sqrt[3]{x}",
        r"\frac{1}{2",
        r"x}",
        r"\hat{xy}",
    ],
)
def test_formulas_that_cannot_be_shown_well_are_none(latex: str) -> None:
    assert latex_to_unicode(latex) is None


def test_an_entry_shows_its_formulas_and_keeps_everything_else() -> None:
    entry = (
        "Loss $L = -\\log p_y$ and the gradient\n"
        "$$\n\\frac{\\partial L}{\\partial z_1} = p_1 - y_1\n$$\n"
        "I paid $5 and $10, \\$3 more; `$x_1$` is code\n"
        "```python\nprint('$x_1$')\n```\n"
        "Raw: $(actual-predicted_probs)^2$ stays.\n"
    )
    assert math_as_unicode(entry) == (
        "Loss L = -log p\\_y and the gradient\n"
        "∂L/∂z₁ = p₁ - y₁\n"
        "I paid $5 and $10, \\$3 more; `$x_1$` is code\n"
        "```python\nprint('$x_1$')\n```\n"
        "Raw: `$(actual-predicted_probs)^2$` stays.\n"
    )


def test_markdown_characters_in_a_rendered_formula_are_escaped() -> None:
    # |x| rendered would otherwise start a table cell or emphasis.
    assert math_as_unicode("$|x| * 2$") == "\\|x\\| \\* 2"


def test_text_without_dollars_is_returned_as_it_is() -> None:
    text = "no math here\n"
    assert math_as_unicode(text) is text
