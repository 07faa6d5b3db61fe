"""Figures: built without pyplot state, rendered to non-empty PNG and deterministic SVG."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import numpy as np
import pytest

from lineup.io.figures import (PALETTE, _demo_comparison, _demo_frontier, buzz_figure, comparison_figures,
                               coverage_heatmap, frontier_figure, reach_vs_spend_figure, save_figure)


@pytest.fixture(scope="module")
def comparison():
    return _demo_comparison()


def _open_pyplot_figures() -> list:
    plt = sys.modules.get("matplotlib.pyplot")
    return [] if plt is None else plt.get_fignums()


@pytest.mark.parametrize("make", [buzz_figure, reach_vs_spend_figure, coverage_heatmap])
def test_comparison_figures_render_to_png_and_svg(comparison, make):
    before = _open_pyplot_figures()
    fig = make(comparison)
    files = save_figure(fig, "x")
    assert sorted(files) == ["x.png", "x.svg"]
    assert files["x.png"][:8] == b"\x89PNG\r\n\x1a\n" and len(files["x.png"]) > 10_000
    assert b"<svg" in files["x.svg"][:1000] and len(files["x.svg"]) > 10_000
    assert _open_pyplot_figures() == before  # no pyplot figure leaked


def test_png_is_about_150_dpi(comparison):
    import struct

    png = save_figure(buzz_figure(comparison), "b")["b.png"]
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1200, 675)  # 8 x 4.5 inches at 150 dpi


def test_svg_is_deterministic(comparison):
    a = save_figure(coverage_heatmap(comparison), "c")["c.svg"]
    b = save_figure(coverage_heatmap(comparison), "c")["c.svg"]
    assert a == b
    assert b"<dc:date>" not in a


def test_buzz_has_one_line_and_band_per_strategy_with_units(comparison):
    ax = buzz_figure(comparison).axes[0]
    assert len(ax.get_lines()) == len(comparison.strategies)
    assert len(ax.collections) == len(comparison.strategies)  # the 95 % bands
    assert "real people" in ax.get_ylabel() and ax.get_xlabel() == "day of the campaign"
    assert [line.get_color() for line in ax.get_lines()] == list(PALETTE[:len(comparison.strategies)])
    talkers = comparison.simulations["micro"].series["talkers"].mean
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), talkers)


def test_reach_vs_spend_points_and_units(comparison):
    fig = reach_vs_spend_figure(comparison)
    ax = fig.axes[0]
    assert ax.get_xlabel() == f"spend ({comparison.scenario.currency})"
    assert ax.get_ylabel() == "unique reach (real people)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["micro (3 infl.)", "macro (1 infl.)"]


def test_coverage_heatmap_is_annotated_per_cell(comparison):
    ax = coverage_heatmap(comparison).axes[0]
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == len(comparison.strategies) * len(comparison.niches)
    assert all("%" in c and "infl." in c for c in cells)
    pen = comparison.simulations["micro"].totals["penetration:skincare"].mean
    top = max(float(s.totals[f"penetration:{n}"].mean) for s in comparison.simulations.values()
              for n in comparison.niches) * 100
    from lineup.io.figures import percent_decimals

    assert cells[0].startswith(f"{pen * 100:.{percent_decimals(top)}f} %")  # decimals chosen from the scale


def test_frontier_budget_and_coverage_kinds():
    f = _demo_frontier()
    fig = frontier_figure(f)
    ax, ax2 = fig.axes
    assert ax.get_xlabel() == "budget (GBP)" and "marginal value" in ax2.get_ylabel()
    assert "no portfolio" in [t.get_text() for t in fig.legends[0].get_texts()]  # the infeasible point
    cov = SimpleNamespace(**{**vars(f), "kind": "coverage", "values": np.array([0.0, 100.0, 500.0, 1000.0]),
                             "status": ("optimal",) * 4, "objective": np.array([10.0, 20.0, 30.0, 40.0])})
    fig = frontier_figure(cov)
    assert fig.axes[0].get_xlabel().startswith("coverage weight")
    assert fig.axes[1].get_ylabel() == "coverage value (engagements)"
    assert save_figure(fig, "f")["f.png"][:4] == b"\x89PNG"


def test_comparison_figures_names(comparison):
    files = comparison_figures(comparison)
    assert sorted(files) == ["buzz.png", "buzz.svg", "coverage.png", "coverage.svg", "reach_vs_spend.png",
                             "reach_vs_spend.svg"]
    assert all(len(v) > 1000 for v in files.values())


# --------------------------------------------------------------------------- user text is drawn literally

MATHTEXT_PAYLOADS = ["budget $$ test", "Q3 $_^$ campaign", r"Cost $\alpha$ plan", "Spring $5k vs $10k push",
                     r"already \$ escaped $x$", "$"]


def _with_names(comparison, payload: str):
    """The demo comparison with the payload in the scenario name, strategy names, a niche and the currency."""
    from dataclasses import replace

    names = dict(zip(comparison.strategies, (payload, f"{payload} 2")))
    niche = {"skincare": f"{payload} niche"}

    def renamed(sim):
        return replace(sim, totals={(f"penetration:{niche[k.split(':', 1)[1]]}"
                                     if k.split(":", 1)[-1] in niche and k.startswith("penetration:") else k): v
                                    for k, v in sim.totals.items()})

    scenario = comparison.scenario.with_overrides(name=payload, currency=f"{payload} GBP")
    return SimpleNamespace(scenario=scenario, strategies=tuple(names.values()),
                           portfolios={names[k]: p for k, p in comparison.portfolios.items()},
                           simulations={names[k]: renamed(s) for k, s in comparison.simulations.items()},
                           niches=[niche.get(n, n) for n in comparison.niches], replications=comparison.replications,
                           seed=comparison.seed)


def _drawn_texts(fig) -> list[str]:
    """Every text of ``fig`` as matplotlib will draw it; asserts none of them is mathtext."""
    from matplotlib.text import Text

    fig.canvas.draw()
    out = []
    for t in fig.findobj(Text):
        shown, math = t._preprocess_math(t.get_text())
        assert math is False, t.get_text()
        out.append(shown)
    return out


@pytest.mark.parametrize("payload", MATHTEXT_PAYLOADS)
def test_user_text_in_comparison_figures_is_literal(comparison, payload):
    named = _with_names(comparison, payload)
    for make in (buzz_figure, reach_vs_spend_figure, coverage_heatmap):
        texts = "\n".join(_drawn_texts(make(named)))
        assert payload in texts
    assert len(comparison_figures(named)) == 6  # renders to PNG and SVG without a mathtext error


@pytest.mark.parametrize("payload", MATHTEXT_PAYLOADS)
def test_user_text_in_the_frontier_figure_is_literal(payload):
    demo = _demo_frontier()
    front = SimpleNamespace(**{**vars(demo), "scenario": demo.scenario.with_overrides(name=payload,
                                                                                     currency=payload)})
    fig = frontier_figure(front)
    texts = "\n".join(_drawn_texts(fig))
    assert f"Budget frontier — {payload}" in texts and f"budget ({payload})" in texts
    assert sorted(save_figure(fig, "f")) == ["f.png", "f.svg"]


def test_figures_ignore_a_usetex_rc_setting(comparison):
    import matplotlib

    with matplotlib.rc_context({"text.usetex": True}):
        files = save_figure(buzz_figure(_with_names(comparison, "50% & #1_x")), "b")
    assert files["b.png"][:4] == b"\x89PNG"
