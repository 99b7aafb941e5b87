"""The grading worker: verdicts across the process boundary, and a worker that overruns is replaced."""

import time

import pytest

from studybuddy.core.mathexpr import Domain, Variable
from studybuddy.services.grading import GradingService

X = [Variable("x", Domain.REAL)]
PATIENT = 120.0  # seconds per request: on busy shared cores a real grade must never meet the limit
STALL_LIMIT = 0.5


@pytest.mark.slow  # two cold worker starts (each imports SymPy)
def test_an_overrunning_request_is_unknown_within_the_limit_and_the_worker_is_replaced() -> None:
    service = GradingService(timeout=PATIENT, stall_on="STALL")
    try:
        service.start()
        assert service.grade("x^2", "x*x", X).kind == "equivalent"  # warm: the worker is ready

        # Only the request that never answers meets a short limit: it overruns it whatever the
        # machine's load, and no real grade can.
        service.timeout = STALL_LIMIT
        started = time.monotonic()
        verdict = service.grade("STALL", "x", X)
        elapsed = time.monotonic() - started
        service.timeout = PATIENT

        assert verdict.kind == "unknown"
        assert "0.5 s" in verdict.detail
        # Released at the limit, not when the stalled worker would have answered (in an hour).
        assert elapsed < PATIENT
        assert service.restarts == 1
        after = service.grade("2x", "x", X)  # the replacement worker answers the next request
        assert after.kind == "different"
        assert after.diagnosis is not None and after.diagnosis.code == "factor"
    finally:
        service.close()


def test_invalid_answers_come_back_with_the_error_position() -> None:
    with GradingService(timeout=PATIENT) as service:
        verdict = service.grade("lamb + x", "x", [*X, Variable("lam")])
    assert verdict.kind == "invalid"
    assert verdict.error is not None
    assert verdict.error.pointer() == "lamb + x\n^^^^"
    assert "did you mean lam?" in verdict.detail


def test_start_is_idempotent_and_close_is_safe_twice() -> None:
    service = GradingService(timeout=PATIENT)
    service.start()
    service.start()
    assert service.grade("x + x", "2x", X).strength == "proved equal"
    service.close()
    service.close()
