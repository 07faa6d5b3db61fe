"""Terminal tables and figures of ``lineup calibrate`` and ``lineup backtest``.

Every user text (platforms, files, notes) goes through :func:`lineup.render.terminal.literal`;
the back-test figure is :func:`lineup.io.figures.backtest_figure`.
"""

from __future__ import annotations

import numpy as np

from .table import Table, print_with_notes

__all__ = ["render_calibration", "calibration_table", "calibration_brief", "calibration_data", "render_backtest",
           "backtest_table", "backtest_brief", "backtest_data", "backtest_csv", "backtest_files", "rate_interval"]


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


def calibration_table(cal, notes=(), source: str = "") -> Table:
    """Per platform × group: posts, creators, dispersion and the typical rate [pointwise 95 % CI] at 1k … 10M;
    below it the fitted rate cards and ``notes``."""
    from lineup.workflows.calibrate import calibration_summary

    summary = calibration_summary(cal)
    at = summary[0]["at"] if summary else []
    columns = ("platform", "group", "posts", "creators", "fitted on followers", "sd between / within",
               *(f"{point['followers']:,.0f}" for point in at))
    rows = []
    for s in summary:
        lo, hi = s["followers_range"]
        rows.append((s["platform"], s["group"], f"{s['posts']:,}", f"{s['creators']:,}", f"{lo:,.0f}–{hi:,.0f}",
                     f"{np.sqrt(s['between']):.2f} / {np.sqrt(s['within']):.2f}", *(rate_interval(p) for p in s["at"])))
    return Table(f"Fitted engagement-rate curves{' — ' + source if source else ''}: typical (median) rate [95 % CI: "
                 "pointwise, conditional on the chosen spline size] by followers", columns, tuple(rows),
                 notes=(_CURVE_NOTE, *_fee_lines(cal.fees), *(f"note: {n}" for n in notes)))


_CURVE_NOTE = ("* outside the fitted range: the curve's edge value (not extrapolated). sd = standard deviation of log "
               "engagement rate between creators / post to post.")


def _fee_lines(fees) -> list[str]:
    out = []
    for fee in fees:
        card = (", ".join(f"{t} {lo:,.0f}–{hi:,.0f}" for t, (lo, hi) in fee.card.items())
                or "none (too few fees per tier)")
        out.append(f"fees ({fee.platform}, {fee.fees:,} paid): fitted rate card per post {card}")
    return out


def render_calibration(cal, console, notes=(), source: str = "") -> None:
    """The fitted curves (:func:`calibration_table`), the fitted rate cards and ``notes`` on the terminal."""
    print_with_notes(console, calibration_table(cal, notes, source), lines=True)


def calibration_brief(cal, notes=(), source: str = "") -> list[Table]:
    """The fitted curves as a table for a brief, the rate cards and notes below it."""
    return [calibration_table(cal, notes, source)]


def calibration_data(cal) -> dict:
    """The JSON document of a calibration."""
    return cal.to_dict()


def backtest_table(result) -> Table:
    """MdAPE, MdALE and interval coverage of the calibrated, built-in and last-post forecasts."""
    rows = []
    for r in result.scores().to_dict("records"):
        if r["posts"] == 0:
            continue
        rows.append((r["method"], r["creators"], f"{r['posts']:,}",
                     "—" if r["mdape"] != r["mdape"] else f"{100 * r['mdape']:.1f} %",
                     "—" if r["mdale"] != r["mdale"] else f"{r['mdale']:.2f}",
                     "—" if r["coverage"] != r["coverage"] else f"{100 * r['coverage']:.1f} %"))
    notes = [_BACKTEST_NOTE]
    skipped = result.skipped
    if skipped.get("posts_on_unfitted_platforms"):
        notes.append(f"skipped: {skipped['posts_on_unfitted_platforms']:,} posts on platforms not fitted "
                     f"({', '.join(skipped['platforms_not_fitted'])})")
    notes += [f"note: {n}" for n in result.calibration.notes]
    return Table(f"Back-test: fitted before {result.split.date()}, scored on or after it",
                 ("forecast", "creators", "posts", "MdAPE", "MdALE", f"{_pct(result.level)} coverage"),
                 tuple(rows), notes=tuple(notes))


_BACKTEST_NOTE = ("MdAPE = median |forecast − actual| / actual (favours forecasts that run low); MdALE = median "
                  "|log(forecast / actual)| (symmetric: log 2 = 0.69 is a factor of 2 either way); forecasts are "
                  "medians (scenarios fill blank rates with the mean); coverage = share of posts inside the interval. "
                  "built-in: lineup's prior curve with an interval from the fitted dispersion; last post: no "
                  "interval; new = creators with no post before the split (curve only).")


def render_backtest(result, console) -> None:
    """The back-test scores on the terminal, the definitions and notes below them."""
    print_with_notes(console, backtest_table(result))


def backtest_brief(result) -> list[Table]:
    """The back-test scores as a table for a brief."""
    return [backtest_table(result)]


def backtest_data(result) -> dict:
    """The JSON document of a back-test (``backtest.json``)."""
    return result.to_dict()


def backtest_csv(result) -> str:
    """One row per scored post: the forecasts and the actual engagements (``forecasts.csv``)."""
    import pandas as pd

    from lineup.io.writers import frame_csv

    frame = result.forecasts.copy()
    frame["posted_at"] = pd.to_datetime(frame["posted_at"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return frame_csv(frame, float_format="%.6g")


def backtest_files(result) -> dict[str, str | bytes]:
    """``backtest.json``, ``forecasts.csv`` and the forecast-vs-actual figure (PNG + SVG)."""
    from lineup.io.figures import backtest_figure, save_figure
    from lineup.io.writers import to_json

    files: dict[str, str | bytes] = {"backtest.json": to_json(result.to_dict()), "forecasts.csv": backtest_csv(result)}
    files.update(save_figure(backtest_figure(result), "backtest"))
    return files
