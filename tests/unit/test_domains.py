"""Every domain a lesson or a derivation may declare is drawn from where it says, by every sampler.

The grader's sample points (sampling.py), its second look (probing.py, with the integers beside each
breakpoint of a floor) and the lessons' numeric checks (numeric.py) each choose points by domain; a
point outside the domain would make a right answer wrong there (floor(k/2) is (k - 1)/2 for odd k only).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import sympy

from studybuddy.core import numeric
from studybuddy.core.derivation.model import DOMAIN_NAMES
from studybuddy.core.grading import grade, probing, sampling
from studybuddy.core.lessons.model import DOMAINS
from studybuddy.core.mathexpr import Domain, SymbolTable


def _whole(values: np.ndarray) -> np.ndarray:
    return np.asarray(values == np.round(values))


INSIDE: dict[Domain, Callable[[np.ndarray], np.ndarray]] = {
    Domain.REAL: np.isfinite,
    Domain.COMPLEX: np.isfinite,
    Domain.POSITIVE: lambda v: v > 0,
    Domain.NONNEGATIVE: lambda v: v >= 0,
    Domain.NEGATIVE: lambda v: v < 0,
    Domain.NONZERO: lambda v: v != 0,
    Domain.PROBABILITY: lambda v: (v > 0) & (v < 1),
    Domain.INTEGER: _whole,
    Domain.NATURAL: lambda v: _whole(v) & (v >= 1),
    Domain.ODD: lambda v: _whole(v) & (v >= 1) & (np.mod(v, 2) == 1),
}


def test_lessons_and_derivations_accept_every_domain_and_only_those() -> None:
    assert set(DOMAINS) == set(DOMAIN_NAMES) == {domain.value for domain in Domain}
    assert set(INSIDE) == set(Domain)


@pytest.mark.parametrize("domain", list(Domain))
def test_every_sampler_draws_inside_the_domain(domain: Domain) -> None:
    table = SymbolTable.of({"k": domain})
    k = table.symbol("k")
    inside = INSIDE[domain]
    for batch in range(3):
        drawn = sampling.draw([k], {k: domain}, seed=11, batch=batch).hundredths[k] / sampling.SCALE
        assert inside(drawn).all(), (batch, drawn[~inside(drawn)])
    # beside the breakpoints of a floor as well as at random scales
    probed = probing.probe_points([sympy.floor(k / 2) + sympy.Abs(k - 7)], {k: domain}, seed=11)
    values = probed.real[k].value
    assert values.size > 0 and inside(values).all(), values[~inside(values)]
    checked = np.array([numeric.random_point(table, seed, 0)["k"] for seed in range(40)])
    assert inside(checked).all(), checked[~inside(checked)]


def test_odd_draws_reach_beyond_the_first_odd_numbers() -> None:
    k = sympy.Symbol("k", positive=True, odd=True)
    drawn = sampling.draw([k], {k: Domain.ODD}, seed=3, batch=0).hundredths[k] / sampling.SCALE
    assert {1.0, 3.0, 5.0} <= set(drawn) and drawn.max() > 20


@pytest.mark.parametrize("answer", ["floor(k/2)", "k//2", "(k - 1)//2", "ceiling(k/2) - 1"])
def test_same_padding_as_code_is_right_for_an_odd_kernel_and_wrong_for_any_kernel(answer: str) -> None:
    odd = SymbolTable.of({"n": "natural", "k": "odd"})
    natural = SymbolTable.of({"n": "natural", "k": "natural"})
    assert grade(answer, "(k - 1)/2", odd).kind == "equivalent"
    verdict = grade(answer, "(k - 1)/2", natural)
    assert verdict.kind == "different"
    assert verdict.counterexample is not None and int(verdict.counterexample["k"]) % 2 == 0


def test_half_the_kernel_is_still_wrong_for_an_odd_kernel() -> None:
    verdict = grade("k/2", "(k - 1)/2", SymbolTable.of({"k": "odd"}))
    assert verdict.kind == "different"
    assert verdict.counterexample is not None and int(verdict.counterexample["k"]) % 2 == 1
