"""The MILP arrays, the MPS writer, the PuLP export (golden LP file) and the elastic model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lineup.domain import Overlap
from lineup.errors import SolverUnavailableError
from lineup.optimize import backends
from lineup.optimize.backends import lp_name, solve_model, to_pulp, write_mps
from lineup.optimize.formulation import build, tiny_scenario, with_slack
from lineup.optimize.rules import candidates

from .conftest import random_scenario

GOLDEN = Path(__file__).parent / "golden"


def golden_scenario():
    """The tiny scenario with every constraint kind and one overlap pair."""
    sc = tiny_scenario(
        min_spend=300, influencers={"min": 1, "max": 3}, tiers={"micro": {"min": 1}, "macro": {"max": 1}},
        platforms={"instagram": {"min_share": 0.3}, "youtube": {"max_share": 0.9}}, max_budget_share=0.95,
        min_authenticity=0.5, include=["ann"], exclude=["dan"], conflicts=[["bob", "cat"]],
    )
    sc = sc.with_overrides(niches__skincare={"weight": 2, "target": 2, "min_influencers": 1})
    return type(sc)(spec=sc.spec, roster=sc.roster,
                    overlap=Overlap(i=np.array([0, 1]), j=np.array([4, 2]), shared=np.array([300.0, 1_000.0])))


def _lp_text(path: Path) -> str:
    return "\n".join(line for line in path.read_text().splitlines() if not line.startswith("\\*"))


def test_golden_lp_file(tmp_path):
    sc = golden_scenario()
    prob = to_pulp(build(sc, candidates(sc)), name="golden")
    prob.writeLP(str(tmp_path / "tiny.lp"))
    assert _lp_text(tmp_path / "tiny.lp") == _lp_text(GOLDEN / "tiny.lp")


def test_rows_carry_report_names():
    m = build(golden_scenario(), candidates(golden_scenario()))
    assert m.row_names == (
        "budget", "constraints.min_spend", "constraints.influencers.min", "constraints.influencers.max",
        "constraints.tiers.micro.min", "constraints.tiers.macro.max", "niches.skincare.min_influencers",
        "constraints.platforms.instagram.min_share", "constraints.platforms.youtube.max_share",
        "constraints.include[ann]", "constraints.conflicts[bob|cat]",
        "niches.skincare.coverage", "niches.vegan.coverage", "overlap[ann|eve]", "overlap[bob|cat]",
    )
    assert m.col_names[: m.n_x] == ("x[ann]", "x[bob]", "x[cat]", "x[eve]")  # dan excluded
    assert m.col_names[m.n_x:] == ("y[skincare]", "y[vegan]", "z[ann|eve]", "z[bob|cat]")


def test_coefficients():
    sc = golden_scenario()
    m = build(sc, candidates(sc))
    A = m.A.toarray()
    fee = np.array([60, 250, 400, 900.0])
    np.testing.assert_allclose(A[0, :4], fee)
    insta = np.array([1, 0, 1, 0.0])
    np.testing.assert_allclose(A[7, :4], fee * (insta - 0.3))  # share of spend
    assert m.row_lo[7] == 0 and m.row_hi[7] == np.inf
    np.testing.assert_allclose(A[11], [-1, -1, 0, -1, 2, 0, 0, 0])  # 2 y_skincare ≤ n_skincare
    e = sc.roster.posts * sc.roster.authenticity * sc.roster.engagement_rate
    np.testing.assert_allclose(m.c[-2:], [-300 * min(e[0], e[4]), -1_000 * min(e[1], e[2])])
    np.testing.assert_allclose(m.c[:4], sc.roster.expected_engagement[[0, 1, 2, 4]])
    np.testing.assert_allclose(m.c[4:6], [200.0, 100.0])  # coverage × weight


def test_filtered_include_keeps_an_infeasible_named_row():
    sc = tiny_scenario(include=["eve"], max_budget_share=0.5)  # eve's fee 900 > 500
    m = build(sc, candidates(sc))
    r = m.row_names.index("constraints.include[eve]")
    assert m.A[r].nnz == 0 and m.row_lo[r] == 1
    assert solve_model(m, "highs").status == "infeasible"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mps_file_matches_the_arrays(seed, tmp_path):
    """HiGHS reading our MPS gives the same optimum as HiGHS fed the arrays."""
    import highspy

    sc = random_scenario(seed, 50, p=0.6)
    m = build(sc, candidates(sc))
    write_mps(m, tmp_path / "m.mps")
    with backends._quiet_stdout():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.readModel(str(tmp_path / "m.mps"))
        h.run()
    direct = solve_model(m, "highs", gap=0.0)
    status = h.modelStatusToString(h.getModelStatus())
    if direct.status == "infeasible":
        assert status == "Infeasible"
    else:
        assert -h.getInfo().objective_function_value == pytest.approx(direct.objective, rel=1e-7)


def test_lp_relaxation_bounds_the_milp():
    sc = random_scenario(4, 80, p=0.4)
    m = build(sc, candidates(sc))
    lp, mip = solve_model(m, "highs", relax=True), solve_model(m, "cbc", gap=0.0)
    if mip.status == "optimal":
        assert lp.objective >= mip.objective - 1e-6 * abs(mip.objective)
        assert mip.bound == pytest.approx(mip.objective, rel=1e-6)
    assert solve_model(m, "cbc", relax=True).objective == pytest.approx(lp.objective, rel=1e-6)


def test_with_slack_makes_everything_feasible():
    sc = tiny_scenario(influencers={"min": 5, "max": 5}, tiers={"micro": {"min": 3}})
    base = build(sc, candidates(sc))
    assert solve_model(base, "highs").status == "infeasible"
    m, srows = with_slack(base)
    sol = solve_model(m, "highs")
    assert sol.status == "optimal" and sol.objective < 0
    assert [m.col_names[-len(srows) + k] for k in range(len(srows))][:3] == [
        "slack[budget]", "slack[constraints.influencers.min]", "slack[constraints.influencers.max]"]


def test_lp_name_and_missing_solver(monkeypatch):
    assert lp_name("constraints.include[@a b]") == "constraints.include__a_b_"
    monkeypatch.setattr(backends, "_highspy", lambda: (_ for _ in ()).throw(
        SolverUnavailableError("solver 'highs' is not available: pip install highspy")))
    with pytest.raises(SolverUnavailableError, match="pip install"):
        backends.check_backend("highs")
