"""Render simulation results: terminal summary and output files."""

from __future__ import annotations

from .terminal import literal, print_table
from .writers import frame_csv, to_json

__all__ = ["render_simulation", "simulation_files"]

#: Totals shown in the terminal summary, in order, with their display format.
_SUMMARY = [
    ("exposed", "people reached by posts", "{:,.0f}"),
    ("engaged", "people who engaged", "{:,.0f}"),
    ("engagements", "interactions", "{:,.0f}"),
    ("talkers", "talkers (buzz)", "{:,.0f}"),
    ("wom_talkers", "  of which by word of mouth", "{:,.0f}"),
    ("reach", "unique reach", "{:,.0f}"),
    ("wom_share", "word-of-mouth share", "{:.1%}"),
    ("cost_per_engagement", "cost per engagement", "{:,.3f}"),
    ("cost_per_talker", "cost per talker", "{:,.2f}"),
    ("cost_per_reach", "cost per person reached", "{:,.4f}"),
]


#: Niche penetration rows shown in the terminal (all of them are in the JSON and CSV outputs).
_MAX_NICHE_ROWS = 12


def simulation_files(result) -> dict[str, str]:
    """``{file name: content}`` for ``--output``: JSON, per-day CSV and totals CSV."""
    return {
        "simulation.json": to_json(result.to_dict()),
        "daily.csv": frame_csv(result.to_frame(), float_format="%.6g"),
        "totals.csv": frame_csv(result.totals_frame(), float_format="%.6g"),
    }


def _fmt(fmt: str, value) -> str:
    try:
        return fmt.format(float(value)) if value == value else "—"
    except (TypeError, ValueError):
        return "—"


def _resolution_line(resolution: dict) -> str:
    """How the population size was chosen, in one line.

    >>> _resolution_line({"source": "auto", "size": 54478, "min_followers": 20, "smallest_audience": 20})
    'population size auto: 54,478 people, so that every influencer has at least 20 simulated followers (smallest 20)'
    """
    if not resolution:
        return "population size: as given"
    size, smallest, least = resolution["size"], resolution["smallest_audience"], resolution["min_followers"]
    if resolution["source"] == "auto":
        goal = "every influencer has" if not resolution.get("influencers_below") else "as many influencers as allowed have"
        return (f"population size auto: {size:,} people, so that {goal} at least {least} simulated followers "
                f"(smallest {smallest:,})")
    where = "the network" if resolution["source"] == "network" else "simulation.population.size"
    return f"population size from {where}: {size:,} people (smallest simulated audience {smallest:,})"


def render_simulation(result, console, warnings: bool = True) -> None:
    """Print the campaign totals with 95 % intervals and the key assumptions (and the warnings, unless the
    caller prints them elsewhere: the CLI puts them on stderr)."""
    from rich.table import Table

    table = Table(title=f"Campaign totals after {result.days} days "
                        f"(mean of {result.replications} replications, 95 % CI)", title_justify="left")
    for col in ("metric", "mean", "95 % CI"):
        table.add_column(col, justify="left" if col == "metric" else "right", no_wrap=col != "metric")
    for key, label, fmt in _SUMMARY:
        band = result.totals.get(key)
        if band is None:
            continue
        table.add_row(label, _fmt(fmt, band.mean), f"{_fmt(fmt, band.ci_low)} – {_fmt(fmt, band.ci_high)}")
    niches = [key for key in result.totals if key.startswith("penetration:")]
    for key in niches[:_MAX_NICHE_ROWS]:
        band = result.totals[key]
        table.add_row(f"penetration of {literal(key.split(':', 1)[1])}", _fmt("{:.2%}", band.mean),
                      f"{_fmt('{:.2%}', band.ci_low)} – {_fmt('{:.2%}', band.ci_high)}")
    print_table(console, table)
    if len(niches) > _MAX_NICHE_ROWS:
        console.print(f"(penetration of {len(niches) - _MAX_NICHE_ROWS:,} more niches in --format json / --output)")
    console.print(f"{len(result.portfolio)} influencers · {result.population_size:,} simulated people, "
                  f"one stands for {result.scale:,.1f} real people · seed {result.seed}")
    console.print(_resolution_line(result.resolution), markup=False, highlight=False)
    console.print("costs and the word-of-mouth share are ratios of means (e.g. mean spend ÷ mean talkers over every "
                  "replication) with delta-method intervals", markup=False, highlight=False)
    for warning in result.warnings if warnings else ():
        console.print(f"warning: {warning}", markup=False, highlight=False)
