"""A comparison of strategies: the terminal table, the brief (Markdown) table and the ``--output`` files."""

from __future__ import annotations

from ..domain.outcomes import describe
from ..io.labels import MANAGED, PER_SPEND, label, number
from .table import Table
from .terminal import literal, print_table

__all__ = ["render_comparison", "comparison_brief", "comparison_data", "comparison_csv", "comparison_files",
           "ROWS", "OUTCOME_ROWS", "outcome_label"]

#: The metrics of the table, in order (plus :data:`~lineup.io.labels.MANAGED` rows with ``costs.management``).
#: Outcome-model rows (engagements over outcome scenarios), after :data:`ROWS`.
OUTCOME_ROWS: tuple[str, ...] = ("outcome_mean", "outcome_p10", "outcome_cvar", "relative_downside")

ROWS: tuple[str, ...] = ("spend", "unspent", "influencers", "expected_engagement", "reach", "talkers", "wom_share",
                         "niches_covered", "cost_per_engagement", "cost_per_talker", "cost_per_reach")


def _rows(comparison) -> list[tuple[str, str]]:
    """``(metric, label)`` of every row: :data:`ROWS`, with the management rows when the scenario has them (the
    spend row then reads "fees")."""
    cur, out = comparison.scenario.currency, []
    for key in ROWS:
        if comparison.managed and key == "spend":
            out.append((key, label("fees", cur)))
        else:
            out.append((key, label(key, cur)))
        out += [(extra, label(extra, cur)) for extra in (MANAGED.get(key, ()) if comparison.managed else ())]
    return out


def _interval(metric: str, band, sign: bool = False) -> str:
    """``[low – high]``, or ``""`` when unknown or of zero width."""
    low, high = float(band.ci_low), float(band.ci_high)
    if low != low or abs(high - low) <= 1e-9 * max(1.0, abs(float(band.mean))):
        return ""
    return f"[{number(metric, low, sign)} – {number(metric, high, sign)}]"


def _cells(comparison, normalise: str | None) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """``(label, [(mean, interval, Δ mean, Δ interval) per strategy])`` for every row shown."""
    names = comparison.strategies
    bands = {n: comparison.bands(n) for n in names}
    diffs = {n: comparison.differences(n) for n in names[1:]}

    def cell(metric, band, diff):
        if diff is None:
            return number(metric, band.mean), _interval(metric, band), "", ""
        return (number(metric, band.mean), _interval(metric, band), number(metric, diff.mean, True),
                _interval(metric, diff, True))

    rows = [(text, [cell(key, bands[n][key], diffs[n][key] if n in diffs else None) for n in names])
            for key, text in _rows(comparison)]
    if comparison.forecasts:
        obands = {n: comparison.outcome_bands(n) for n in names}
        odiffs = {n: comparison.outcome_differences(n) for n in names[1:]}
        rows += [(outcome_label(comparison, key), [cell(key, obands[n][key], odiffs[n][key] if n in odiffs else None)
                                                    for n in names]) for key in OUTCOME_ROWS]
    if normalise == "spend":
        per = {n: comparison.per_spend(n) for n in names}
        rows += [(label(key, comparison.scenario.currency), [cell(key, *per[n][key]) for n in names])
                 for key in PER_SPEND]
    return rows


def outcome_label(comparison, key: str) -> str:
    """The label of an outcome row (:data:`OUTCOME_ROWS`), the CVaR row naming the comparison's tail share."""
    text = label(key, comparison.scenario.currency)
    if key == "outcome_cvar":
        alpha = next(iter(comparison.forecasts.values())).alpha
        text = text.replace("the worst outcomes", f"the worst {100 * alpha:.3g} % of outcomes")
    return text


def _title(comparison) -> str:
    k = len(comparison.strategies)
    return (f"{comparison.scenario.name}: {k} strateg{'y' if k == 1 else 'ies'}, mean of {comparison.replications} "
            f"replications [95 % CI]; Δ = paired difference to {comparison.baseline!r}")


def _footer(comparison) -> list[str]:
    from lineup.workflows.compare import spend_summary

    lines = [f"seed {comparison.seed} · every strategy simulated on the same {comparison.replications} random "
             f"populations (common random numbers)",
             spend_summary(comparison) + "; costs are mean spend ÷ mean count (ratios of means)"]
    if comparison.forecasts:
        f = next(iter(comparison.forecasts.values()))
        seed = "" if f.seed is None else f", seed {f.seed}"
        lines += [f"engagements over outcome scenarios: {f.scenarios:,} scenarios of the outcome model{seed} "
                  f"({describe(comparison.scenario.spec.outcomes)}; docs/model.md); the same scenarios for every "
                  f"strategy, so Δ is paired; intervals are Monte Carlo",
                  comparison.downside_verdict()]
    return lines


def render_comparison(comparison, console, normalise: str | None = None) -> None:
    """Metric rows × strategy columns on the terminal: mean, [95 % CI] and Δ to the first strategy [95 % CI]."""
    from rich.table import Table as RichTable

    table = RichTable(title=literal(_title(comparison)), title_justify="left", show_lines=True)
    table.add_column("metric")
    for name in comparison.strategies:
        table.add_column(f"{literal(name)}\n[dim]{literal(comparison.built[name].status)}[/dim]", justify="right",
                         no_wrap=True)
    for text, cells in _cells(comparison, normalise):
        table.add_row(literal(text), *(_rich_cell(*c) for c in cells))
    print_table(console, table)
    for line in _footer(comparison):
        console.print(line, markup=False, highlight=False)


def _rich_cell(mean: str, interval: str, diff: str, diff_interval: str) -> str:
    text = mean + (f"\n[dim]{literal(interval)}[/dim]" if interval else "")
    if diff:
        text += f"\n[cyan]Δ {diff}[/cyan]" + (f"\n[dim]{literal(diff_interval)}[/dim]" if diff_interval else "")
    return text


def comparison_brief(comparison, normalise: str | None = None) -> list[Table]:
    """The comparison as one table for a brief: each cell ``mean [interval]`` and the paired difference."""
    rows = []
    for text, cells in _cells(comparison, normalise):
        rows.append((text, *(" ".join(p for p in (mean, interval) if p)
                             + (f"; Δ {diff} {diff_interval}".rstrip() if diff else "")
                             for mean, interval, diff, diff_interval in cells)))
    columns = ("metric", *(f"{n} ({comparison.built[n].status})" for n in comparison.strategies))
    return [Table(_title(comparison), columns, tuple(rows), notes=tuple(_footer(comparison)))]


def comparison_data(comparison) -> dict:
    """The JSON document (``per_1k_spend`` is always in it, whatever ``normalise``)."""
    return comparison.to_dict()


def comparison_csv(comparison) -> str:
    """One row per strategy, as ``comparison.csv``."""
    from lineup.io.writers import frame_csv

    return frame_csv(comparison.to_frame(), float_format="%.6g")


def comparison_files(comparison, *, figures: bool = True) -> dict[str, str | bytes]:
    """``{file name: content}`` for ``--output``: comparison.csv, comparison.json and the figures (PNG + SVG)."""
    from lineup.io.writers import to_json

    files: dict[str, str | bytes] = {"comparison.csv": comparison_csv(comparison),
                                     "comparison.json": to_json(comparison.to_dict())}
    if figures:
        from lineup.io.figures import comparison_figures

        files.update(comparison_figures(comparison))
    return files
