"""The one table of metric labels and number formats, shared by every rendering (terminal, Markdown, HTML,
figures).

A label names the metric and its unit; ``{cur}`` stands for the scenario's currency.

>>> label("cost_per_talker", "GBP"), label("talkers")
('cost per talker (GBP per person)', 'talkers (real people)')
>>> number("wom_share", 0.1234), number("spend", 12345.6), number("spend", float("nan"))
('12.3%', '12,346', '—')
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Metric", "METRICS", "PER_SPEND", "MANAGED", "label", "number"]


@dataclass(frozen=True)
class Metric:
    """How one metric reads: its label (``{cur}``: the currency) and its number format."""

    label: str
    fmt: str = "{:,.0f}"


#: Every metric lineup shows, in the order tables list them.
METRICS: dict[str, Metric] = {
    "spend": Metric("spend ({cur})"),
    "fees": Metric("fees ({cur})"),
    "unspent": Metric("unspent budget ({cur})"),
    "influencers": Metric("influencers"),
    "expected_engagement": Metric("expected engagements (roster estimate, interactions)"),
    "exposed": Metric("people reached by posts"),
    "engaged": Metric("people who engaged"),
    "engagements": Metric("engagements (interactions)"),
    "reach": Metric("unique reach (real people)"),
    "talkers": Metric("talkers (real people)"),
    "wom_talkers": Metric("  of which by word of mouth"),
    "wom_share": Metric("word-of-mouth share of talkers", "{:.1%}"),
    "niches_covered": Metric("niches covered"),
    "cost_per_engagement": Metric("cost per engagement ({cur} per interaction)", "{:,.3f}"),
    "cost_per_talker": Metric("cost per talker ({cur} per person)", "{:,.2f}"),
    "cost_per_reach": Metric("cost per person reached ({cur} per person)", "{:,.4f}"),
    "management_cost": Metric("management cost ({cur})"),
    "management_hours": Metric("management hours", "{:,.1f}"),
    "total_cost": Metric("total cost: fees + management ({cur})"),
    "total_cost_per_talker": Metric("cost per talker on total cost ({cur} per person)", "{:,.2f}"),
    "engagements_per_1k": Metric("engagements per 1,000 {cur}"),
    "reach_per_1k": Metric("people reached per 1,000 {cur}"),
    "talkers_per_1k": Metric("talkers per 1,000 {cur}", "{:,.1f}"),
    "outcome_mean": Metric("engagements over outcome scenarios: mean"),
    "outcome_p10": Metric("  P10 (9 in 10 outcomes reach it)"),
    "outcome_cvar": Metric("  CVaR (mean of the worst outcomes)"),
    "relative_downside": Metric("  relative downside: 1 − CVaR / mean", "{:.1%}"),
}

#: Counts per 1,000 units of currency spent (``--normalise spend``).
PER_SPEND: tuple[str, ...] = ("engagements_per_1k", "reach_per_1k", "talkers_per_1k")

#: Rows that follow a row when the scenario sets ``costs.management`` (the spend row then reads "fees").
MANAGED: dict[str, tuple[str, ...]] = {"spend": ("management_cost", "management_hours", "total_cost"),
                                       "cost_per_talker": ("total_cost_per_talker",)}


def label(metric: str, currency: str = "currency", unit: str = "") -> str:
    """The metric's label with ``currency``; a metric not in :data:`METRICS` reads as its name and ``unit``
    (without brackets inside brackets, and without a unit that only repeats the name).

    >>> label("unspent", "EUR"), label("penetration", unit="fraction"), label("odd_one", "GBP", "currency (of x)")
    ('unspent budget (EUR)', 'penetration', 'odd one (GBP, of x)')
    """
    if metric in METRICS:
        return METRICS[metric].label.format(cur=currency)
    name = metric.replace("_", " ")
    unit = unit.replace("currency", currency).replace(" (", ", ").replace("(", "").replace(")", "").strip()
    return name if not unit or unit == name or unit in ("fraction", "niches") else f"{name} ({unit})"


def number(metric: str, value, sign: bool = False) -> str:
    """``value`` in the metric's format (``—`` when unknown); ``sign`` puts ``+`` before non-negative values."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "—"
    if value != value:
        return "—"
    text = METRICS[metric].fmt.format(value) if metric in METRICS else f"{value:,.2f}"
    return f"+{text}" if sign and value >= 0 and not text.startswith("-") else text
