"""Solver backends: reproducible settings on the solver's command line / options, objective scaling."""

from __future__ import annotations

import io
import subprocess

import numpy as np
import pytest

from lineup.optimize import backends, rules, solve
from lineup.optimize.formulation import build, tiny_scenario

from .conftest import random_scenario


def _model():
    sc = random_scenario(12, 40, p=0.8)
    return build(sc, rules.candidates(sc))


# ------------------------------------------------------------------ reproducible runs
def test_cbc_runs_serial_with_a_fixed_seed(monkeypatch):
    seen = []
    real = subprocess.Popen

    def spy(args, **kw):
        seen.append(list(args))
        return real(args, **kw)

    monkeypatch.setattr(backends.subprocess, "Popen", spy)
    sol = backends.solve_model(_model(), "cbc")
    assert sol.status == "optimal"
    args = seen[0]
    for flag, value in (("-threads", "0"), ("-randomSeed", str(backends.SEED)),
                        ("-randomCbcSeed", str(backends.SEED))):
        assert args[args.index(flag) + 1] == value


def test_highs_runs_one_thread_with_a_fixed_seed(monkeypatch):
    import highspy

    seen = {}

    class Spy(highspy.Highs):
        def setOptionValue(self, key, value):
            seen[key] = value
            return super().setOptionValue(key, value)

    class Module:
        def __getattr__(self, name):
            return Spy if name == "Highs" else getattr(highspy, name)

    monkeypatch.setattr(backends, "_highspy", lambda: Module())
    assert backends.solve_model(_model(), "highs").status == "optimal"
    assert seen["threads"] == 1 and seen["random_seed"] == backends.SEED


@pytest.mark.parametrize("backend", ["cbc", "highs"])
def test_same_model_gives_the_same_bound_every_time(backend):
    m = _model()
    runs = {(s.status, s.objective, s.bound) for s in (backends.solve_model(m, backend) for _ in range(3))}
    assert len(runs) == 1


# ------------------------------------------------------------------ objective scaling
@pytest.mark.parametrize("backend", ["cbc", "highs"])
@pytest.mark.parametrize("weight", [1e12, 1e20])
def test_huge_objective_weights_give_the_same_portfolio(backend, weight):
    for sc in (tiny_scenario(), random_scenario(12, 40, p=0.8)):
        obj = sc.spec.objective
        ref = solve(sc, backend=backend)
        big = solve(sc.with_overrides(objective__engagement=obj.engagement * weight,
                                      objective__coverage=obj.coverage * weight), backend=backend)
        assert big.status.value == ref.status.value == "optimal"
        assert big.portfolio.ids == ref.portfolio.ids
        assert big.objective == pytest.approx(weight * ref.objective, rel=1e-9)
        assert big.bound == pytest.approx(weight * ref.bound, rel=1e-6)


def test_objective_is_scaled_exactly_and_reported_in_original_units():
    m = _model()
    k = backends.objective_scale(m.c * 1e15)
    assert k != 1.0 and np.frexp(k)[0] == 0.5                       # a power of two
    assert backends.objective_scale(m.c) == 1.0                     # everyday weights untouched
    sol = backends.solve_model(m, "highs", relax=True)
    big = backends.solve_model(type(m)(**{**m.__dict__, "c": m.c * 1e15}), "highs", relax=True)
    assert big.objective == pytest.approx(1e15 * sol.objective, rel=1e-9)


def test_a_crashing_cbc_is_one_printable_line(monkeypatch):
    """CBC killed by std::bad_alloc used to dump 1,000 characters of its log into the error."""
    from lineup.errors import SolverError

    class Crash:
        returncode = -6

        def __init__(self, *args, **kwargs):
            self.stdout = io.StringIO("Cbc0010I After 0 nodes\n" * 50)
            self.stderr = io.StringIO("terminate called after throwing an instance of 'std::bad_alloc'\x07\n"
                                      "  what():  std::bad_alloc\n")

        def wait(self, timeout=None):
            return self.returncode

        def poll(self):
            return self.returncode

    monkeypatch.setattr(backends.subprocess, "Popen", Crash)
    with pytest.raises(SolverError) as info:
        backends.solve_model(_model(), "cbc")
    assert str(info.value) == "CBC failed (exit -6): what():  std::bad_alloc"
