"""A sensitivity study: win probabilities, indices and flips (terminal and brief), JSON, CSV and files."""

from __future__ import annotations

from ..io.labels import label
from .table import Table, rich_table
from .terminal import literal, print_table

__all__ = ["render_sensitivity", "indices_table", "sensitivity_brief", "sensitivity_data", "sensitivity_csv", "sensitivity_files"]

def _pct(x: float) -> str:
    return "—" if x is None or x != x else f"{100 * x:.0f}%"


def _win_cell(v: dict) -> str:
    return (f"{_pct(v['p'])} [dim][{_pct(v['ci_low'])}–{_pct(v['ci_high'])}][/dim]\n"
            f"[cyan]decisive {_pct(v['decisive'])}[/cyan]")


def _index_cell(by: dict, assumption: str, key: str) -> tuple[str, ...]:
    """One line per strategy: its name and its index of ``assumption``."""
    return tuple(f"{other} {'—' if (v := (entry['indices'].get(assumption) or {}).get(key)) is None else f'{v:.3g}'}"
                 for other, entry in by.items())


def _flip_lines(flips: dict, baseline: str) -> tuple[str, ...]:
    """Winners that change between the halves of the range, and trend zero crossings."""
    lines = []
    for m, f in flips.items():
        if f["flips"]:
            lines.append(f"{m}: {f['lower_half_winner']} → {f['upper_half_winner']}")
        for half in ("lower", "upper"):
            if f[f"{half}_half_tie"]:
                lines.append(f"{m}: {half} half tied ({', '.join(f[f'{half}_half_tie'])})")
        lines += [f"{m}: {other} − {baseline} = 0 at {t['flip_at']:.3g}"
                  for other, t in f["trend"].items() if t["flip_at"] is not None]
    return tuple(lines)


def indices_table(result) -> Table:
    """Assumptions × metrics: each strategy's sensitivity index of its difference to the baseline, and the flips."""
    from lineup.workflows.sensitivity import METRICS

    key = result.index_name
    what = ("first-order index S1 (RBD-FAST, share of variance) of the difference to the baseline" if key == "S1"
            else "Morris mu* of the difference to the baseline (units of the metric)")
    indices, flips = result.indices(), result.flips()
    rows = tuple(((a, f"[{r['low']:g}, {r['high']:g}] {r['source']}"),
                  *(_index_cell(indices[m], a, key) for m in METRICS), _flip_lines(flips[a], result.baseline) or "—")
                 for a, r in result.ranges.items())
    return Table(f"{what} {result.baseline!r}, per assumption; flips: the winner in the lower → upper half of the "
                 f"range when it changes, and where a difference's trend crosses 0",
                 ("assumption [range]", *(label(m, result.scenario.currency) for m in METRICS), "flips"), rows)


def _facts(result) -> str:
    pop = result.population
    size = "the scenario's network" if pop["size"] is None else f"{pop['size']:,} simulated people ({pop['source']})"
    return (f"seed {result.seed} · {size}; populations "
            f"{'shared by every design point' if pop.get('shared') else 'generated at every point'} · "
            f"portfolios solved {result.portfolios['solved']} · common random numbers "
            f"{'on' if result.common_random_numbers else 'off'} ({result.crn_source})")


def render_sensitivity(result, console) -> None:
    """Win probabilities (strategies × metrics), the indices (assumptions × metrics) and the flips."""
    from rich.table import Table as RichTable

    from lineup.workflows.sensitivity import METRICS

    sc, cur = result.scenario, literal(result.scenario.currency)
    wins = result.win_probabilities()
    approx = ", approximate: trajectory points are not independent" if result.method == "morris" else ""
    table = RichTable(title=f"{literal(sc.name)}: probability of winning over {result.points} design points "
                            f"({result.method}) × {result.replications} replications [95 % Wilson interval over the "
                            f"points{approx}]; points with no value for any strategy have no winner and are left out; "
                            f"decisive = paired 95 % interval to every other strategy excludes 0",
                      title_justify="left", show_lines=True)
    table.add_column("strategy")
    for m in METRICS:
        table.add_column(f"{label(m, cur)}\n[dim]{METRICS[m][0]} is better[/dim]", justify="right")
    for s in result.strategies:
        table.add_row(literal(s), *(_win_cell(wins[m][s]) for m in METRICS))
    print_table(console, table)
    print_table(console, rich_table(indices_table(result), lines=True))
    console.print(_facts(result), markup=False, highlight=False)


def sensitivity_brief(result) -> list[Table]:
    """The win probabilities (strategies × metrics, with 95 % Wilson intervals) and the indices and flips
    (:func:`indices_table`), as tables for a brief."""
    from lineup.workflows.sensitivity import METRICS

    wins = result.win_probabilities()
    cur = result.scenario.currency
    approx = ", approximate: trajectory points are not independent" if result.method == "morris" else ""
    rows = tuple((s, *(f"{_pct(wins[m][s]['p'])} [{_pct(wins[m][s]['ci_low'])}–{_pct(wins[m][s]['ci_high'])}]; "
                       f"decisive {_pct(wins[m][s]['decisive'])}" for m in METRICS)) for s in result.strategies)
    columns = ("strategy", *(f"{label(m, cur)} ({METRICS[m][0]} is better)" for m in METRICS))
    return [Table(f"{result.scenario.name}: probability of winning over {result.points} design points "
                  f"({result.method}) × {result.replications} replications [95 % Wilson interval{approx}]", columns, rows,
                  notes=("decisive = paired 95 % interval to every other strategy excludes 0", _facts(result))),
            indices_table(result)]


def sensitivity_data(result) -> dict:
    """The JSON document (``sensitivity.json``)."""
    return result.to_dict()


def sensitivity_csv(result) -> str:
    """One row per design point (``points.csv``)."""
    from lineup.io.writers import frame_csv

    return frame_csv(result.to_frame(), float_format="%.6g")


def sensitivity_files(result, *, figures: bool = True) -> dict[str, str | bytes]:
    """``{file name: content}`` for ``--output``: sensitivity.json, points.csv and the figures (PNG + SVG)."""
    from lineup.io.writers import to_json

    files: dict[str, str | bytes] = {"sensitivity.json": to_json(result.to_dict()),
                                     "points.csv": sensitivity_csv(result)}
    if figures:
        from lineup.io.figures import sensitivity_figures

        files.update(sensitivity_figures(result))
    return files
