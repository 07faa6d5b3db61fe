"""A simulation result: the terminal summary, the brief (Markdown) table, the CSV and the ``--output`` files."""

from __future__ import annotations

from ..io.writers import frame_csv, to_json
from ..io.labels import label, number
from .table import Table, rich_table
from .terminal import print_table

__all__ = ["render_simulation", "simulation_brief", "simulation_data", "simulation_csv", "simulation_files",
           "SUMMARY"]

#: Totals shown in the summary, in order (labels and formats: :mod:`lineup.io.labels`).
SUMMARY: tuple[str, ...] = ("exposed", "engaged", "engagements", "talkers", "wom_talkers", "reach", "wom_share",
                            "cost_per_engagement", "cost_per_talker", "cost_per_reach")


#: Niche penetration rows shown in the terminal (all of them are in the JSON and CSV outputs).
_MAX_NICHE_ROWS = 12


def simulation_files(result) -> dict[str, str]:
    """``{file name: content}`` for ``--output``: JSON, per-day CSV and totals CSV."""
    return {
        "simulation.json": to_json(result.to_dict()),
        "daily.csv": frame_csv(result.to_frame(), float_format="%.6g"),
        "totals.csv": simulation_csv(result),
    }


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


def _rows(result, currency: str, niches: int | None = _MAX_NICHE_ROWS) -> list[tuple[str, str, str]]:
    """``(label, mean, interval)`` of the summary totals and the niche penetrations (at most ``niches``)."""
    rows = [(label(key, currency), number(key, band.mean),
             f"{number(key, band.ci_low)} – {number(key, band.ci_high)}")
            for key in SUMMARY if (band := result.totals.get(key)) is not None]
    shown = [key for key in result.totals if key.startswith("penetration:")][:niches]
    for key in shown:
        band = result.totals[key]
        rows.append((f"penetration of {key.split(':', 1)[1]}", f"{band.mean:.2%}" if band.mean == band.mean else "—",
                     f"{_pct(band.ci_low)} – {_pct(band.ci_high)}"))
    return rows


def _pct(value) -> str:
    return "—" if value != value else f"{value:.2%}"


_COLUMNS = ("metric", "mean", "95 % CI")


def _title(result) -> str:
    return f"Campaign totals after {result.days} days (mean of {result.replications} replications, 95 % CI)"


def _facts(result) -> list[str]:
    return [f"{len(result.portfolio)} influencers · {result.population_size:,} simulated people, one stands for "
            f"{result.scale:,.1f} real people · seed {result.seed}",
            _resolution_line(result.resolution),
            "costs and the word-of-mouth share are ratios of means (e.g. mean spend ÷ mean talkers over every "
            "replication) with delta-method intervals"]


def _spread_lines(result) -> list[str]:
    """One line per count metric: P10/P50/P90 of one campaign over the replications, with exact intervals."""
    lines = []
    for key in ("talkers", "reach"):
        spread = result.spread(key)
        if not spread:
            continue
        parts = [f"{name.upper()} {number(key, b.mean)} [{_end(key, b.ci_low)}–{_end(key, b.ci_high)}]"
                 for name, b in spread.items()]
        open_side = any(b.ci_low != b.ci_low or b.ci_high != b.ci_high for b in spread.values())
        lines.append(f"{key} of one campaign over the {result.replications} replications: " + " · ".join(parts)
                     + " (95 % order-statistic intervals" + ("; — : too few replications to bound that side)"
                                                              if open_side else ")"))
    return lines


def _end(key: str, value) -> str:
    return "—" if value != value else number(key, value)


def render_simulation(result, console, currency: str = "currency") -> None:
    """Print the campaign totals with 95 % intervals (at most a dozen niches) and the key assumptions; costs
    are labelled in ``currency``.  Warnings are the caller's (the CLI puts them on stderr)."""
    print_table(console, rich_table(Table(_title(result), _COLUMNS, tuple(_rows(result, currency)))))
    niches = sum(key.startswith("penetration:") for key in result.totals)
    if niches > _MAX_NICHE_ROWS:
        console.print(f"(penetration of {niches - _MAX_NICHE_ROWS:,} more niches in --format json / --output)")
    for line in [*_facts(result), *_spread_lines(result)]:
        console.print(line, markup=False, highlight=False)


def simulation_brief(result, currency: str = "currency") -> list[Table]:
    """The totals (every niche's penetration included) as one table for a brief."""
    return [Table(_title(result), _COLUMNS, tuple(_rows(result, currency, None)),
                  notes=(*_facts(result), *_spread_lines(result)))]


def simulation_data(result) -> dict:
    """The JSON document (``simulation.json``)."""
    return result.to_dict()


def simulation_csv(result) -> str:
    """The totals with their intervals, as ``totals.csv``."""
    return frame_csv(result.totals_frame(), float_format="%.6g")
