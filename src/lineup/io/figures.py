"""Figures of comparisons and frontiers (matplotlib, no pyplot state).

Every function returns a :class:`matplotlib.figure.Figure` drawn on an Agg
canvas (nothing is registered with pyplot, so nothing leaks between calls or
needs closing); :func:`save_figure` renders one to PNG (150 dpi) and SVG
bytes.  Colours are the Okabe–Ito palette, which stays distinguishable for
colour-blind readers; axes carry units (real people, the scenario's currency).

* :func:`buzz_figure` — cumulative talkers per day, mean and 95 % band per strategy;
* :func:`reach_vs_spend_figure` — unique reach against spend, with 95 % error bars;
* :func:`coverage_heatmap` — simulated penetration per strategy × niche, annotated;
* :func:`frontier_figure` — a budget (or coverage-weight) sweep with its marginal value.

Every text that may hold user text (scenario, strategy and niche names, the
currency) goes through :func:`literal_text`, so a ``$`` never starts
mathtext, and figures are drawn with ``text.usetex`` off.

The functions read results duck-typed (a :class:`lineup.workflows.compare.Comparison`,
a frontier with ``values``, ``objective``, ``engagement``, ``coverage_value``,
``spend``, ``marginal_value``, ``status``), so this module imports no workflow.
"""

from __future__ import annotations

import functools
import io
from typing import Any

import numpy as np

from ..optimize.wording import format_money
from .labels import label

__all__ = ["PALETTE", "literal_text", "buzz_figure", "reach_vs_spend_figure", "coverage_heatmap", "frontier_figure",
           "backtest_figure", "forecast_figure", "save_figure", "comparison_figures", "flip_figure", "tornado_figure",
           "sensitivity_figures"]

#: Okabe–Ito colour-blind-safe palette (yellow left out: too light on white).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")

_STYLE = {
    "font.size": 10, "axes.titlesize": 12, "axes.labelsize": 10, "legend.fontsize": 9,
    "xtick.labelsize": 9, "ytick.labelsize": 9, "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "grid.alpha": 0.3, "grid.linewidth": 0.6, "svg.hashsalt": "lineup",
    "svg.fonttype": "path", "text.usetex": False, "text.parse_math": True,
}

#: rc settings in force while figures are drawn and while they are rendered to files.
_RENDER = {"svg.hashsalt": "lineup", "svg.fonttype": "path", "text.usetex": False, "text.parse_math": True}


def literal_text(text) -> str:
    r"""``str(text)`` escaped so matplotlib draws it as typed (no mathtext).

    Every ``$`` becomes ``\$``; matplotlib then sees no math and draws each
    one as a dollar sign (a ``\$`` already in the text stays ``\$``).  Control
    characters other than newlines (``\x1b``, which no font has a glyph for) are
    written as escapes (:func:`lineup._text.printable`).
    Nothing else starts mathtext outside ``$`` pairs, and lineup's figures
    are drawn with ``text.usetex`` off.

    Examples
    --------
    >>> print(literal_text("Spring $5k vs $10k push"))
    Spring \$5k vs \$10k push
    >>> from matplotlib.text import Text
    >>> t = Text(text=literal_text(r"Cost $\alpha$ plan"))
    >>> print(t._preprocess_math(t.get_text()))
    ('Cost $\\alpha$ plan', False)
    >>> print(literal_text("a\x1b[31mb"))
    a\x1b[31mb
    """
    from lineup._text import printable

    return printable(text, keep="\n").replace("$", r"\$")


def _styled(fn):
    """Build the figure inside lineup's rc style (restored afterwards)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import matplotlib
        from cycler import cycler

        with matplotlib.rc_context({**_STYLE, "axes.prop_cycle": cycler(color=PALETTE)}):
            return fn(*args, **kwargs)

    return wrapper


def _figure(width: float = 8.0, height: float = 4.5):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _thousands(ax, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: f"{v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _subtitle(comparison) -> str:
    return f"mean of {comparison.replications} replications, 95 % intervals · seed {comparison.seed}"


def _titles(fig, ax, title: str, subtitle: str) -> None:
    """A bold figure title above a smaller grey subtitle, both left-aligned (drawn literally)."""
    fig.suptitle(literal_text(title), x=0.01, ha="left", fontsize=12, fontweight="bold")
    ax.set_title(literal_text(subtitle), loc="left", fontsize=9, color="0.3")


#: Marker per strategy, so points differ by shape as well as colour.
_MARKERS = ("o", "s", "D", "^", "v", "P", "X")


@_styled
def buzz_figure(comparison, metric: str = "talkers"):
    """Cumulative talkers (buzz) per day with 95 % bands, one line per strategy.

    Examples
    --------
    >>> from lineup.io.figures import _demo_comparison
    >>> fig = buzz_figure(_demo_comparison())
    >>> fig.axes[0].get_ylabel()
    'people talking, cumulative (real people)'
    """
    fig = _figure()
    ax = fig.add_subplot()
    for k, name in enumerate(comparison.strategies):
        b = comparison.simulations[name].series[metric]
        day = np.arange(1, len(b.mean) + 1)
        colour = PALETTE[k % len(PALETTE)]
        ax.plot(day, b.mean, color=colour, lw=2,
                label=literal_text(f"{name} ({len(comparison.portfolios[name])} influencers)"))
        ax.fill_between(day, b.ci_low, b.ci_high, color=colour, alpha=0.2, lw=0)
    ax.set_xlabel("day of the campaign")
    ax.set_ylabel("people talking, cumulative (real people)")
    ax.set_xlim(1, max(len(comparison.simulations[n].series[metric].mean) for n in comparison.strategies))
    ax.set_ylim(bottom=0)
    _thousands(ax)
    _titles(fig, ax, f"Buzz over time — {comparison.scenario.name}",
            f"{_subtitle(comparison)} (bands) · same random populations for every strategy")
    ax.legend(title="strategy", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


@_styled
def reach_vs_spend_figure(comparison):
    """Unique reach against spend per strategy, with 95 % error bars and the budget line.

    Examples
    --------
    >>> from lineup.io.figures import _demo_comparison
    >>> fig = reach_vs_spend_figure(_demo_comparison())
    >>> fig.axes[0].get_xlabel()
    'spend (GBP)'
    """
    fig = _figure(8.0, 4.5)
    ax = fig.add_subplot()
    cur = comparison.scenario.currency
    for k, name in enumerate(comparison.strategies):
        totals = comparison.simulations[name].totals
        x, y = totals["spend"], totals["reach"]
        ax.errorbar([x.mean], [y.mean], xerr=_err(x), yerr=_err(y), fmt=_MARKERS[k % len(_MARKERS)], ms=8,
                    capsize=4, lw=1.5, color=PALETTE[k % len(PALETTE)],
                    label=literal_text(f"{name} ({len(comparison.portfolios[name])} infl.)"))
    budget = comparison.scenario.budget
    ax.axvline(budget, color="0.4", ls="--", lw=1)
    ax.annotate(literal_text(f"budget\n{format_money(budget, cur, whole=True)}"), (budget, 0.0), xycoords=("data", "axes fraction"),
                xytext=(4, 4), textcoords="offset points", ha="left", va="bottom", fontsize=8, color="0.3")
    ax.set_xlabel(literal_text(label("spend", cur)))
    ax.set_ylabel(label("reach"))
    spend = [float(comparison.simulations[n].totals["spend"].ci_high) for n in comparison.strategies]
    ax.set_xlim(left=0, right=max(comparison.scenario.budget, *np.nan_to_num(spend)) * 1.12)
    reach = [float(comparison.simulations[n].totals["reach"].ci_high) for n in comparison.strategies]
    ax.set_ylim(0, max(1.0, *np.nan_to_num(reach)) * 1.1)
    _thousands(ax)
    _thousands(ax, "x")
    _titles(fig, ax, f"Reach vs spend — {comparison.scenario.name}", _subtitle(comparison) + " (bars)")
    ax.legend(title="strategy", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


def _err(band) -> np.ndarray:
    """Asymmetric error-bar lengths of a Band (0 where the interval is unknown)."""
    low, high = band.mean - band.ci_low, band.ci_high - band.mean
    return np.nan_to_num(np.array([[max(low, 0.0)], [max(high, 0.0)]]), nan=0.0)


@_styled
def coverage_heatmap(comparison):
    """Simulated niche penetration (talkers / people in the niche), strategies × niches, annotated.

    Each cell shows the penetration and, below it, the number of the
    strategy's influencers listing that niche.

    Examples
    --------
    >>> from lineup.io.figures import _demo_comparison
    >>> fig = coverage_heatmap(_demo_comparison())
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['skincare', 'vegan']
    """
    niches, names = list(comparison.niches), list(comparison.strategies)
    if not niches:
        return _no_niches(comparison)
    values = np.array([[_penetration(comparison.simulations[s], n) for n in niches] for s in names]) * 100
    counts = _niche_counts(comparison, niches)
    fig = _figure(max(8.0, 1.1 * values.shape[1] + 3.0), max(2.6, 0.75 * values.shape[0] + 1.8))
    ax = fig.add_subplot()
    ax.grid(False)
    im = ax.imshow(values, cmap="viridis", aspect="auto", vmin=0, vmax=max(np.nanmax(values), 1e-9))
    top = np.nanmax(values) if np.isfinite(values).any() else 1.0
    digits = percent_decimals(top)
    for (i, j), v in np.ndenumerate(values):
        colour = "white" if not np.isfinite(v) or v < 0.6 * top else "black"
        shown = "—" if not np.isfinite(v) else f"{v:.{digits}f} %"
        ax.text(j, i, f"{shown}\n{counts[i, j]} infl.", ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(values.shape[1]), [literal_text(n) for n in niches], rotation=30, ha="right")
    ax.set_yticks(range(values.shape[0]), [literal_text(f"{n}\n(k = {comparison.simulations[n].scale:,.0f})")
                                           for n in names])
    ax.set_xlabel("niche")
    ax.set_ylabel("strategy")
    fig.colorbar(im, ax=ax, label="penetration (% of the niche talking)")
    _titles(fig, ax, f"Niche coverage — {comparison.scenario.name}",
            f"simulated talkers / simulated people in the niche, mean of {comparison.replications} replications; "
            f"\ncells: penetration and influencers listing the niche; k: real people per simulated person")
    return fig


def percent_decimals(top: float) -> int:
    """Decimals that show a percentage scale topping at ``top`` % with two significant digits (at least 1).

    >>> percent_decimals(42.0), percent_decimals(3.2), percent_decimals(0.14), percent_decimals(0.012)
    (1, 1, 2, 3)
    >>> percent_decimals(0.0), percent_decimals(float("nan"))
    (1, 1)
    """
    if not np.isfinite(top) or top <= 0:
        return 1
    return int(min(6, max(1, 1 - np.floor(np.log10(top)))))


def _no_niches(comparison):
    """The heat map's place when the roster names no niches (a top-followers list, say): a note, not a crash."""
    fig = _figure(8.0, 2.6)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, "no niche coverage to show: the roster has no niches column", ha="center", va="center")
    _titles(fig, ax, f"Niche coverage — {comparison.scenario.name}", "")
    return fig


def _penetration(sim, niche: str) -> float:
    band = sim.totals.get(f"penetration:{niche}")
    return float("nan") if band is None else float(band.mean)


def _niche_counts(comparison, niches: list[str]) -> np.ndarray:
    """Influencers of each strategy listing each niche (strategies × niches)."""
    out = np.zeros((len(comparison.strategies), len(niches)), dtype=int)
    for i, name in enumerate(comparison.strategies):
        p = comparison.portfolios[name]
        counts = dict(zip(p.roster.niche_names, p.niche_counts()))
        out[i] = [int(counts.get(n, 0)) for n in niches]
    return out


@_styled
def frontier_figure(frontier):
    """The objective and expected engagement along a sweep, with the marginal value of budget.

    For a budget sweep the secondary axis shows the marginal value (objective
    gained per extra unit of currency between a point and the one before, as
    a step over that interval); for a coverage-weight sweep it shows
    the coverage value.  Infeasible points are marked with a cross on the axis.

    Examples
    --------
    >>> from lineup.io.figures import _demo_frontier
    >>> fig = frontier_figure(_demo_frontier())
    >>> fig.axes[0].get_xlabel(), fig.axes[1].get_ylabel()
    ('budget (GBP)', 'marginal value (objective per GBP)')
    """
    if frontier.kind == "risk":
        return _risk_frontier_figure(frontier)
    fig = _figure()
    ax = fig.add_subplot()
    x, budget = np.asarray(frontier.values, dtype=float), frontier.kind == "budget"
    cur = frontier.scenario.currency
    ax.plot(x, frontier.objective, "o-", color=PALETTE[0], lw=2, label="objective")
    ax.plot(x, frontier.engagement, "s--", color=PALETTE[1], lw=1.5, label="expected engagement")
    bad = np.array([s in ("infeasible", "time_limit") for s in frontier.status]) & ~np.isfinite(
        np.asarray(frontier.objective, dtype=float))
    if bad.any():
        ax.plot(x[bad], np.zeros(bad.sum()), "x", color=PALETTE[3], ms=9, mew=2, label="no portfolio", clip_on=False)
    ax.set_xlabel(literal_text(f"budget ({cur})") if budget else "coverage weight (engagements per covered niche)")
    ax.set_ylabel("objective / expected engagements (interactions)")
    ax.set_ylim(bottom=0)
    _thousands(ax)
    if budget:
        _thousands(ax, "x")
    ax2 = _secondary_axis(ax, frontier, x, budget)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    kind = "Budget" if budget else "Coverage-weight"
    _titles(fig, ax, f"{kind} frontier — {frontier.scenario.name}",
            "best portfolio re-solved at each point" + (" · marginal value between consecutive budgets" if budget
                                                        else ""))
    return fig


def _risk_frontier_figure(frontier):
    """Mean against CVaR of engagements (out of sample) along a sweep of the risk weight beta."""
    fig = _figure(7.5, 5.0)
    ax = fig.add_subplot()
    mean, cvar = frontier.outcomes("mean"), frontier.outcomes("cvar")
    ok = np.isfinite(mean) & np.isfinite(cvar)
    ax.plot(cvar[ok], mean[ok], "o-", color=PALETTE[0], lw=2)
    for b, x, y in zip(np.asarray(frontier.values)[ok], cvar[ok], mean[ok]):
        ax.annotate(f"β {b:.2f}", (x, y), textcoords="offset points", xytext=(6, 4), fontsize=8)
    f = next((r.forecast for r in frontier.results if r.forecast is not None), None)
    pct = "" if f is None else f"{100 * f.alpha:.3g} %"
    ax.set_xlabel(f"CVaR {pct}: mean engagements of the worst {pct} of outcomes")
    ax.set_ylabel("mean engagements over outcomes")
    _thousands(ax)
    _thousands(ax, "x")
    _titles(fig, ax, f"Mean–risk frontier — {frontier.scenario.name}",
            "each point the best portfolio for (1 − β) mean + β CVaR; both axes on the same independent "
            "outcome scenarios")
    return fig


def _secondary_axis(ax, frontier, x: np.ndarray, budget: bool):
    """Right-hand axis: marginal value of budget (budget sweep) or coverage value (weight sweep)."""
    cur = frontier.scenario.currency
    ax2 = ax.twinx()
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    second = frontier.marginal_value if budget else frontier.coverage_value
    ax2.step(x, second, where="pre" if budget else "mid", color=PALETTE[2], lw=1.5, alpha=0.9,
             label="marginal value" if budget else "coverage value")
    ax2.set_ylabel(literal_text(f"marginal value (objective per {cur})") if budget else "coverage value (engagements)")
    ax2.set_ylim(bottom=min(0.0, float(np.nanmin(second, initial=0.0))))
    return ax2


def save_figure(fig, stem: str = "figure", *, dpi: int = 150) -> dict[str, bytes]:
    """Render ``fig`` as ``{"<stem>.png": bytes, "<stem>.svg": bytes}`` (deterministic SVG, no dates).

    Examples
    --------
    >>> from lineup.io.figures import _demo_frontier
    >>> files = save_figure(frontier_figure(_demo_frontier()), "frontier")
    >>> sorted(files), files["frontier.png"][:4]
    (['frontier.png', 'frontier.svg'], b'\\x89PNG')
    """
    import matplotlib

    out = {}
    with matplotlib.rc_context(_RENDER):
        for fmt, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta, facecolor="white")
            out[f"{stem}.{fmt}"] = buf.getvalue()
    return out


def comparison_figures(comparison) -> dict[str, bytes]:
    """PNG and SVG of the buzz, reach-vs-spend and coverage figures of a comparison."""
    out: dict[str, bytes] = {}
    for stem, make in (("buzz", buzz_figure), ("reach_vs_spend", reach_vs_spend_figure),
                       ("coverage", coverage_heatmap)):
        out.update(save_figure(make(comparison), stem))
    return out


# --------------------------------------------------------------------------- sensitivity

#: Axis labels of the sensitivity metrics (``{cur}``: the scenario's currency).
#: The metrics of the sensitivity figures, in order.
_SENSITIVITY_METRICS = ("talkers", "reach", "engagements", "cost_per_talker")


def _sensitivity_subtitle(result) -> str:
    return (f"{result.points} design points ({result.method}) x {result.replications} replications · "
            f"seed {result.seed}")


@_styled
def flip_figure(result, metric: str = "cost_per_talker"):
    """Where an assumption flips the winner: per assumption, ``strategy − baseline`` at every design point.

    One panel per assumption: each point's difference of means to the baseline
    (one colour per strategy), its least-squares trend over the design, the zero
    line (above it the strategy beats the baseline on a *higher is better*
    metric, below it on cost) and the trend's zero crossing, the flip point,
    marked where it falls inside the range.

    Examples
    --------
    >>> from lineup.io.figures import _demo_sensitivity
    >>> fig = flip_figure(_demo_sensitivity(), "talkers")
    >>> len(fig.axes), fig.axes[0].get_xlabel()
    (2, 'simulation.talk_prob.micro')
    """
    names = list(result.ranges)
    cols = min(3, len(names))
    rows = -(-len(names) // cols)
    fig = _figure(3.6 * cols + 1.5, 2.7 * rows + 1.2)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    diffs = result.differences(metric)
    flips = result.flips()
    shown = literal_text(label(metric, result.scenario.currency))
    for j, (ax, name) in enumerate(zip(axes, names)):
        x = result.design[:, j]
        low, high = result.ranges[name]["low"], result.ranges[name]["high"]
        ax.axhline(0.0, color="0.3", lw=1)
        for k, (other, d) in enumerate(diffs.items()):
            colour = PALETTE[(k + 1) % len(PALETTE)]
            ax.scatter(x, d, s=10, color=colour, alpha=0.6, marker=_MARKERS[(k + 1) % len(_MARKERS)],
                       label=literal_text(f"{other} − {result.baseline}"))
            trend = flips[name][metric]["trend"][other]
            if trend["slope"] is not None:
                grid = np.linspace(low, high, 2)
                ax.plot(grid, trend["intercept"] + trend["slope"] * grid, color=colour, lw=1.5)
            if trend["flip_at"] is not None:
                ax.axvline(trend["flip_at"], color=colour, ls=":", lw=1.5)
                ax.annotate(f"flip {trend['flip_at']:.3g}", (trend["flip_at"], 0.0), xytext=(3, 4),
                            textcoords="offset points", fontsize=8, color=colour)
        ax.set_xlim(low, high)
        ax.set_xlabel(literal_text(name))
        if j % cols == 0:
            ax.set_ylabel(literal_text(f"difference in {shown}"), fontsize=8)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=max(1, len(labels)), frameon=False)
    fig.suptitle(literal_text(f"Which assumption flips the winner — {result.scenario.name}: {metric}"),
                 x=0.01, ha="left", fontsize=12, fontweight="bold")
    axes[0].set_title(literal_text(_sensitivity_subtitle(result) + " · lines: trend over the design"),
                      loc="left", fontsize=8, color="0.3")
    return fig


@_styled
def tornado_figure(result):
    """Sensitivity indices of ``strategy − baseline`` per assumption, one panel per metric (largest on top).

    Examples
    --------
    >>> from lineup.io.figures import _demo_sensitivity
    >>> fig = tornado_figure(_demo_sensitivity())
    >>> len(fig.axes), fig.axes[0].get_yticklabels()[-1].get_text()
    (4, 'simulation.talk_prob.micro')
    """
    metrics = list(_SENSITIVITY_METRICS)
    names = list(result.ranges)
    fig = _figure(11.0, max(4.5, 1.2 + 0.35 * len(names) * 2))  # 4.5: room for titles and legend with one assumption
    axes = fig.subplots(2, 2, squeeze=False).ravel()
    indices, key = result.indices(), result.index_name
    for ax, metric in zip(axes, metrics):
        by = indices[metric]
        others = list(by)
        values = np.array([[((by[o]["indices"].get(n) or {}).get(key) or 0.0) for o in others] for n in names])
        order = np.argsort(values.max(axis=1) if values.size else np.zeros(len(names)))
        height = 0.8 / max(1, len(others))
        for k, other in enumerate(others):
            ax.barh(np.arange(len(names)) + k * height - 0.4 + height / 2, values[order, k], height=height,
                    color=PALETTE[(k + 1) % len(PALETTE)], label=literal_text(f"{other} − {result.baseline}"))
        ax.set_yticks(np.arange(len(names)), [literal_text(names[i]) for i in order], fontsize=8)
        ax.set_title(literal_text(label(metric, result.scenario.currency)), loc="left",
                     fontsize=10)
        ax.set_xlabel("first-order index S1 (RBD-FAST)" if key == "S1" else "Morris mu* (units of the metric)",
                      fontsize=8)
        ax.set_xlim(0, max(float(np.nanmax(values)) if values.size else 0.0, 0.0) * 1.05 or 1.0)  # all 0: a unit axis
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=max(1, len(labels)), frameon=False)
    fig.suptitle(literal_text(f"What drives the difference to {result.baseline} — {result.scenario.name}\n"
                              + _sensitivity_subtitle(result)), x=0.01, ha="left", fontsize=11, fontweight="bold")
    return fig


def sensitivity_figures(result, metric: str = "cost_per_talker") -> dict[str, bytes]:
    """PNG and SVG of the flip chart (``flips``) and the tornado of indices (``tornado``)."""
    out = save_figure(flip_figure(result, metric), "flips")
    out.update(save_figure(tornado_figure(result), "tornado"))
    return out


# --------------------------------------------------------------------------- doctest fixtures


@_styled
def backtest_figure(result):
    """Forecast against actual engagements per post (log-log) with the 80 % band, calibrated forecasts."""
    f = result.forecasts
    fig = _figure(7.0, 6.0)
    ax = fig.add_subplot()
    keep = (f["actual"] > 0).to_numpy()
    x, y = f["calibrated"].to_numpy(float)[keep], f["actual"].to_numpy(float)[keep]
    low, high = f["calibrated_low"].to_numpy(float)[keep], f["calibrated_high"].to_numpy(float)[keep]
    inside = (low <= y) & (y <= high)
    order = np.argsort(x)
    ratio_lo, ratio_hi = np.median(low / x), np.median(high / x)
    ax.fill_between(x[order], x[order] * ratio_lo, x[order] * ratio_hi, color=PALETTE[0], alpha=0.15,
                    label=f"typical {_level(result.level)} band")
    ax.scatter(x[inside], y[inside], s=6, alpha=0.5, color=PALETTE[0], label="inside its interval")
    ax.scatter(x[~inside], y[~inside], s=6, alpha=0.6, color=PALETTE[3], label="outside its interval")
    if len(x):
        lo, hi = min(x.min(), y.min()), max(x.max(), y.max())
        ax.plot([lo, hi], [lo, hi], color="0.3", lw=0.8, label="forecast = actual")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("forecast engagements per post (median)")
    ax.set_ylabel("actual engagements per post")
    ax.legend(loc="upper left")
    # the coverage of the table (every scored post); posts with 0 engagements cannot be drawn on log axes
    cov = float(((f["calibrated_low"] <= f["actual"]) & (f["actual"] <= f["calibrated_high"])).mean())
    zero = f"; {int((~keep).sum()):,} with 0 engagements not drawn" if (~keep).any() else ""
    _titles(fig, ax, "Back-test: forecast vs actual engagements",
            literal_text(f"split {result.split.date()} · {len(f):,} posts{zero} · {_level(result.level)} coverage "
                         f"{100 * cov:.1f} %"))
    return fig


@_styled
def forecast_figure(forecast, ax=None):
    """Histogram of a portfolio's engagements over its outcome scenarios, with the mean, P10, P90 and
    the CVaR (mean of the worst ``alpha``) marked; on ``ax`` when given (its figure is returned)."""
    x = np.asarray(forecast.outcomes, dtype=float)
    if ax is None:
        fig = _figure(7.5, 4.2)
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    ax.hist(x, bins=60, color=PALETTE[0], alpha=0.55)
    pct = round(100 * forecast.alpha)
    marks = (("mean", forecast.mean, PALETTE[6], "-"), ("P10", forecast.p10, PALETTE[3], "--"),
             ("P90", forecast.p90, PALETTE[2], "--"), (f"CVaR {pct} % (mean of the worst {pct} %)", forecast.cvar,
                                                       PALETTE[3], ":"))
    for name, value, colour, style in marks:
        ax.axvline(value, color=colour, ls=style, lw=1.4, label=f"{name}: {value:,.0f}")
    if forecast.target is not None:
        ax.axvline(forecast.target, color=PALETTE[4], lw=1.4,
                   label=f"target {forecast.target:,.0f} (P reached {100 * forecast.p_target:.0f} %)")
    ax.set_xlabel(label("engagements"))
    ax.set_ylabel("outcome scenarios")
    _thousands(ax, "x")
    ax.legend(loc="upper right")
    _titles(fig, ax, "Forecast: engagements over outcome scenarios",
            f"{forecast.scenarios:,} scenarios" + ("" if forecast.seed is None else f" · seed {forecast.seed}"))
    return fig


def _level(level: float) -> str:
    """``"80 %"``: lineup writes a space before per cent signs."""
    return f"{100 * level:.0f} %"


def _demo_comparison() -> Any:
    """A stand-in comparison for examples: two portfolios of a tiny roster, 3 replications, 2,000 people.

    It has the attributes the figures read (``scenario``, ``strategies``,
    ``portfolios``, ``simulations``, ``niches``, ``replications``, ``seed``);
    real ones come from :func:`lineup.compare`.
    """
    from types import SimpleNamespace

    from lineup.domain.portfolio import Portfolio
    from lineup.optimize.formulation import tiny_scenario
    from lineup.simulation.campaign import Influencers
    from lineup.simulation.montecarlo import monte_carlo

    sc = tiny_scenario().with_overrides(simulation={"days": 10, "population": {"size": 2000}})
    portfolios = {"micro": Portfolio(sc.roster, [0, 1, 2]), "macro": Portfolio(sc.roster, [4])}
    sims = {name: monte_carlo(Influencers.from_portfolio(p, sc.tiers, sc.spec.simulation.talk_prob),
                              sc.spec.simulation, niches=list(sc.spec.niches), replications=3, seed=1)
            for name, p in portfolios.items()}
    return SimpleNamespace(scenario=sc, strategies=tuple(portfolios), portfolios=portfolios, simulations=sims,
                           niches=list(sc.spec.niches), replications=3, seed=1)


def _demo_frontier() -> Any:
    """A stand-in frontier with the fields of ``lineup.workflows.frontier.Frontier``."""
    from types import SimpleNamespace

    from lineup.optimize.formulation import tiny_scenario

    budgets = np.array([200.0, 500.0, 800.0, 1100.0])
    objective = np.array([np.nan, 950.0, 1800.0, 3900.0])
    return SimpleNamespace(scenario=tiny_scenario(), kind="budget", values=budgets, objective=objective,
                           engagement=objective - 100, coverage_value=np.full(4, 100.0), spend=budgets * 0.95,
                           marginal_value=np.array([np.nan, np.nan, 2.83, 7.0]),
                           status=("infeasible", "optimal", "optimal", "optimal"))


def _demo_sensitivity() -> Any:
    """A stand-in sensitivity result with the fields figures read (``lineup.workflows.sensitivity``)."""
    from types import SimpleNamespace

    from lineup.optimize.formulation import tiny_scenario

    x = np.linspace(0.02, 0.10, 8)
    design = np.column_stack([x, x[::-1] * 5])
    ranges = {"simulation.talk_prob.micro": {"low": 0.02, "high": 0.10},
              "simulation.organic_reach": {"low": 0.1, "high": 0.5}}
    diff = {"macro": 1000.0 - 20_000.0 * x}
    trend = {"macro": {"slope": -20_000.0, "intercept": 1000.0, "flip_at": 0.05}}
    idx = {"macro": {"indices": {"simulation.talk_prob.micro": {"S1": 0.6}, "simulation.organic_reach": {"S1": 0.1}},
                     "note": None}}
    return SimpleNamespace(scenario=tiny_scenario(), strategies=("micro", "macro"), baseline="micro", ranges=ranges,
                           design=design, method="lhs", points=8, replications=5, seed=1, index_name="S1",
                           differences=lambda metric: diff,
                           flips=lambda: {n: {m: {"trend": trend} for m in _SENSITIVITY_METRICS} for n in ranges},
                           indices=lambda: {m: idx for m in _SENSITIVITY_METRICS})
