"""Terminal tables and figures of ``lineup calibrate`` and ``lineup backtest``.

Every user text (platforms, files, notes) goes through :func:`lineup.io.terminal.literal`
in tables and :func:`lineup.io.figures.literal_text` in figures.
"""

from __future__ import annotations

import numpy as np

from .figures import PALETTE, _figure, _styled, _titles, literal_text
from .terminal import literal, print_table

__all__ = ["render_calibration", "render_backtest", "backtest_figure", "rate_interval"]


def _pct(level: float) -> str:
    """``"80 %"``: lineup writes a space before per cent signs."""
    return f"{100 * level:.0f} %"


def rate_interval(row: dict) -> str:
    """``"2.41 % [2.10–2.77]"`` (a ``*`` when outside the fitted range: the edge value).

    >>> rate_interval({"median": 0.0241, "low": 0.021, "high": 0.0277, "outside": False})
    '2.41 % [2.10–2.77]'
    """
    star = "*" if row["outside"] else ""
    return f"{100 * row['median']:.2f} % [{100 * row['low']:.2f}–{100 * row['high']:.2f}]{star}"


def render_calibration(summary: list[dict], notes, console, source: str = "", fees=()) -> None:
    """Per platform × group: posts, creators, dispersion and the typical rate [pointwise 95 % CI] at 1k … 10M."""
    from rich.table import Table

    table = Table(title=f"Fitted engagement-rate curves{' — ' + literal(source) if source else ''}: typical "
                        "(median) rate [95 % CI: pointwise, conditional on the chosen spline size] by followers", title_justify="left", show_lines=True)
    for name in ("platform", "group", "posts", "creators", "fitted on followers", "sd between / within"):
        table.add_column(name, no_wrap=name != "platform", justify="right" if name in ("posts", "creators") else "left")
    at = summary[0]["at"] if summary else []
    for point in at:
        table.add_column(f"{point['followers']:,.0f}", justify="right", no_wrap=True)
    for s in summary:
        lo, hi = s["followers_range"]
        table.add_row(literal(s["platform"]), s["group"], f"{s['posts']:,}", f"{s['creators']:,}",
                      f"{lo:,.0f}–{hi:,.0f}", f"{np.sqrt(s['between']):.2f} / {np.sqrt(s['within']):.2f}",
                      *(rate_interval(p) for p in s["at"]))
    print_table(console, table)
    console.print("* outside the fitted range: the curve's edge value (not extrapolated). sd = standard "
                  "deviation of log engagement rate between creators / post to post.", markup=False)
    for fee in fees:
        card = ", ".join(f"{t} {lo:,.0f}–{hi:,.0f}" for t, (lo, hi) in fee.card.items()) or "none (too few fees per tier)"
        console.print(f"fees ({literal(fee.platform)}, {fee.fees:,} paid): fitted rate card per post {card}")
    for n in notes:
        console.print(f"note: {literal(n)}")


def render_backtest(result, console) -> None:
    """MdAPE and 80 % coverage of the calibrated, built-in and last-post forecasts."""
    from rich.table import Table

    scores = result.scores()
    table = Table(title=f"Back-test: fitted before {result.split.date()}, scored on or after it",
                  title_justify="left")
    for name in ("forecast", "creators", "posts", "MdAPE", "MdALE", f"{_pct(result.level)} coverage"):
        table.add_column(name, justify="left" if name in ("forecast", "creators") else "right", no_wrap=True)
    for r in scores.to_dict("records"):
        if r["posts"] == 0:
            continue
        cov = "—" if r["coverage"] != r["coverage"] else f"{100 * r['coverage']:.1f} %"
        table.add_row(r["method"], r["creators"], f"{r['posts']:,}",
                      "—" if r["mdape"] != r["mdape"] else f"{100 * r['mdape']:.1f} %",
                      "—" if r["mdale"] != r["mdale"] else f"{r['mdale']:.2f}", cov)
    print_table(console, table)
    console.print("MdAPE = median |forecast − actual| / actual (favours forecasts that run low); MdALE = median "
                  "|log(forecast / actual)| (symmetric: log 2 = 0.69 is a factor of 2 either way); forecasts are "
                  "medians (scenarios fill blank rates with the mean); coverage = share of posts inside the interval. "
                  "built-in: lineup's prior curve with an interval from the fitted dispersion; last post: no "
                  "interval; new = creators with no post before the split (curve only).", markup=False)
    skipped = result.skipped
    if skipped.get("posts_on_unfitted_platforms"):
        console.print(f"skipped: {skipped['posts_on_unfitted_platforms']:,} posts on platforms not fitted "
                      f"({literal(', '.join(skipped['platforms_not_fitted']))})")
    for n in result.calibration.notes:
        console.print(f"note: {literal(n)}")


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
                    label=f"typical {_pct(result.level)} band")
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
            literal_text(f"split {result.split.date()} · {len(f):,} posts{zero} · {_pct(result.level)} coverage "
                         f"{100 * cov:.1f} %"))
    return fig
