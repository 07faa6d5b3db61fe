"""``lineup report``: one self-contained HTML page a planner can send to a client.

:func:`build_report` gets the numbers from :func:`lineup.workflows.report.report_inputs`
(the strategies compared on common random numbers, the scenario's optimum and the
budget frontier around it, when the roster is small enough) and renders:

1. an executive summary: which strategy wins on which metric (with 95 %
   intervals and whether the lead is beyond the noise), spend and unspent
   budget per strategy with the rule that stopped each one, and the caveats
   (estimated roster values, unspent budget, simulation resolution);
2. the scenario (the planner's description, how much of the portfolio rests on
   estimates, budget, currency, date, lineup version, seed);
3. the portfolios: the scenario's optimum (estimated and implausible values flagged, totals,
   niche coverage, binding rules) and every strategy's, collapsible, with
   engagement rates and, when the roster has them, profile links;
4. the strategy comparison with 95 % intervals and paired differences;
5. the figures (buzz over time, reach vs spend, niche coverage, frontier),
   embedded as base64 SVG images, and the frontier table with each point's
   binding rule;
6. the assumptions and parameters (objective, priors, simulation parameters
   with units, population size and scale, replications, seed, version).

The page has no external assets or scripts, escapes every piece of user
text, prints cleanly, and is byte-identical for the same inputs except for
the generation date (:attr:`Report.generated`, shown in one place).
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from lineup._text import printable
from lineup._version import __version__
from lineup.domain.scenario import Scenario
from lineup.execution import RunOptions
from lineup.optimize.wording import format_money
from lineup.io.labels import label
from lineup.workflows.report import report_inputs

if TYPE_CHECKING:  # pragma: no cover
    from lineup.optimize.result import SolveResult
    from lineup.workflows.compare import Comparison

__all__ = ["Report", "build_report", "render_html", "SECTIONS"]

#: Section headings of the page, in order (ids used as anchors).
SECTIONS: dict[str, str] = {
    "summary": "Summary",
    "scenario": "Scenario",
    "portfolio": "Portfolios",
    "comparison": "Strategy comparison",
    "figures": "Figures",
    "assumptions": "Assumptions and parameters",
}




@dataclass(frozen=True, eq=False)
class Report:
    """A rendered report.

    Attributes
    ----------
    html : str
        The self-contained page.
    files : dict of str to str or bytes
        ``report.html`` plus every figure as PNG and SVG, ready for
        :func:`lineup.io.writers.write_files`.
    generated : str
        Generation date (ISO, UTC) — the only part that changes between runs.
    """

    html: str
    files: dict[str, Any] = field(default_factory=dict)
    generated: str = ""

    def write(self, directory) -> list:
        """Write ``report.html`` and the figures into ``directory`` (atomically, as ``lineup report -o``).

        Returns the paths written.  Raises :class:`~lineup.errors.OutputBusyError`
        when another run is writing the same directory and
        :class:`~lineup.errors.UsageError` when it cannot be written.
        """
        from lineup.io.writers import write_files

        return write_files(directory, self.files)

    def _facts(self) -> dict[str, Any]:
        return {"generated": self.generated, "files": len(self.files), "html_chars": len(self.html)}

    def __repr__(self) -> str:
        """Short: generation date and sizes (never the page itself)."""
        from lineup._repr import short_repr

        return short_repr("Report", self._facts())

    def _repr_html_(self) -> str:
        """The facts and the file names, for notebooks (the page itself: ``write()`` it and open it)."""
        from lineup._repr import html_card

        return html_card("Report", {**self._facts(), "file names": ", ".join(self.files)})


# --------------------------------------------------------------------------- small HTML helpers


def _e(value: Any) -> str:
    """Escaped text of ``value`` (control characters shown as escapes, as on the terminal)."""
    return html.escape(printable(str(value), keep="\n\t"), quote=True)


def _prose(text: str) -> str:
    """Escaped free text written by a planner, with backquoted spans shown as code.

    >>> _prose("run `lineup compare` <now>")
    'run <code>lineup compare</code> &lt;now&gt;'
    """
    import re

    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))


def _table(headers: list[str], rows: list[list[str]], *, cls: str = "", foot: list[str] | None = None,
           numeric_from: int = 1, numeric_to: int | None = None) -> str:
    """An HTML table; ``headers`` are escaped here, cells must already be HTML.

    Columns ``numeric_from`` up to (not including) ``numeric_to`` are right-aligned numbers.
    """
    def cells(row: list[str], tag: str) -> str:
        return "".join(f'<{tag}{" class=num" if numeric_from <= k < (numeric_to or len(row)) else ""}>{c}</{tag}>'
                       for k, c in enumerate(row))

    head = "<tr>" + cells([_e(h) for h in headers], "th") + "</tr>"
    body = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows)
    tfoot = f"<tfoot><tr>{cells(foot, 'td')}</tr></tfoot>" if foot else ""
    return f'<table class="{cls}"><thead>{head}</thead><tbody>{body}</tbody>{tfoot}</table>'


def _dl(items: list[tuple[str, str]]) -> str:
    """A definition list; keys are escaped here, values must already be HTML."""
    return '<dl class="facts">' + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def _section(key: str, body: str) -> str:
    return f'<section id="{key}"><h2>{_e(SECTIONS[key])}</h2>\n{body}\n</section>'


def _money(x: Optional[float], currency: str) -> str:
    return "—" if x is None or not np.isfinite(x) else _e(format_money(x, currency))


def _count(x: Optional[float]) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{float(x):,.0f}"


# --------------------------------------------------------------------------- 1. summary

#: Metrics of the summary, with the direction that wins (+1 more is better, -1 less is better).
SUMMARY_METRICS: dict[str, int] = {"talkers": 1, "reach": 1, "expected_engagement": 1, "niches_covered": 1,
                                   "cost_per_talker": -1, "cost_per_engagement": -1}

#: A strategy leaving more than this share of its budget unspent gets a caveat naming the rule that stopped it.
UNSPENT_NOTE_SHARE = 0.10

#: Properties of the portfolio itself (no Monte Carlo noise).
_EXACT = ("influencers", "expected_engagement", "niches_covered")


def _band_text(metric: str, band: Any, currency: str) -> str:
    """``value [low – high]`` as HTML (the interval left out when unknown or of zero width)."""
    main = _fmt_metric(metric, band.mean, currency)
    low, high = _fmt_metric(metric, band.ci_low, currency), _fmt_metric(metric, band.ci_high, currency)
    if not (np.isfinite(band.ci_low) and np.isfinite(band.ci_high)) or low == high:
        return main
    return f'{main} <span class="ci">[{low} – {high}]</span>'


def _ranked(bands: dict[str, dict], metric: str, direction: int) -> list[str]:
    """Strategies with a finite mean of ``metric``, best first (ties keep the strategy order)."""
    finite = [n for n, b in bands.items() if metric in b and np.isfinite(float(b[metric].mean))]
    return sorted(finite, key=lambda n: -direction * float(bands[n][metric].mean))


def _verdict(comparison: "Comparison", bands: dict, metric: str, best: str, runner: str, direction: int) -> str:
    """Whether ``best`` leads ``runner`` on ``metric`` beyond the Monte Carlo noise, in words."""
    from lineup.simulation.result import t_interval

    a, b = bands[best][metric], bands[runner][metric]
    cur = comparison.scenario.currency
    if float(a.mean) == float(b.mean):
        return f"tied with {_e(runner)}"
    if metric in _EXACT:
        return f"ahead of {_e(runner)} ({_fmt_metric(metric, b.mean, cur)}; a property of the portfolio)"
    if "cost_per" in metric:  # a ratio: compare the intervals themselves
        apart = (a.ci_high < b.ci_low) if direction < 0 else (a.ci_low > b.ci_high)
        return (f"ahead of {_e(runner)} ({_band_text(metric, b, cur)}); "
                + ("the intervals do not overlap" if apart else "<strong>the intervals overlap</strong>: "
                   "not a clear lead"))
    d = t_interval(comparison.samples(best)[metric] - comparison.samples(runner)[metric])
    low, high = _fmt_metric(metric, d.ci_low, cur, True), _fmt_metric(metric, d.ci_high, cur, True)
    clear = (float(d.ci_low) > 0) if direction > 0 else (float(d.ci_high) < 0)
    return (f"ahead of {_e(runner)} by {_fmt_metric(metric, d.mean, cur, True)} [{low} – {high}], paired; "
            + ("beyond the noise" if clear else "<strong>within the noise</strong>: not a clear lead"))


def _winners(comparison: "Comparison", bands: dict) -> tuple[list[list[str]], list[str]]:
    """Rows of the "who wins" table and the headline phrases."""
    cur, rows, headline = comparison.scenario.currency, [], []
    extra = {"total_cost_per_talker": -1} if comparison.managed else {}
    for metric, direction in {**SUMMARY_METRICS, **extra}.items():
        ranked = _ranked(bands, metric, direction)
        if not ranked:
            continue
        best = ranked[0]
        name = label(metric, cur)
        verdict = (_verdict(comparison, bands, metric, best, ranked[1], direction) if len(ranked) > 1
                   else "the only strategy")
        rows.append([_e(name), f"<strong>{_e(best)}</strong>", _band_text(metric, bands[best][metric], cur),
                     verdict])
        if metric in ("talkers", "cost_per_talker"):
            word = "the most talkers" if metric == "talkers" else "the lowest cost per talker"
            doubt = " (not a clear lead)" if "not a clear lead" in verdict else ""
            headline.append(f"<strong>{_e(best)}</strong> has {word}, "
                            f"{_band_text(metric, bands[best][metric], cur)}{doubt}")
    return rows, headline


def _spend_rows(comparison: "Comparison") -> tuple[list[list[str]], list[str]]:
    """Rows of the spend table and a caveat per strategy leaving much of its budget unspent."""
    cur, rows, notes = comparison.scenario.currency, [], []
    for name in comparison.strategies:
        spend, budget, unspent = _spend_facts(comparison, name)
        share = unspent / budget if budget else 0.0
        stopped = _stopped_by(comparison, name)
        rows.append([f"<strong>{_e(name)}</strong>", _count(len(comparison.portfolios[name])), _money(spend, cur),
                     _money(budget, cur), _money(unspent, cur), f"{share:.0%}", _e(stopped)])
        if share > UNSPENT_NOTE_SHARE:
            notes.append(f"<strong>{_e(name)}</strong>: {_e(stopped)}; {_money(unspent, cur)} of "
                         f"{_money(budget, cur)} unspent ({share:.0%}); its per-person figures are for "
                         f"{_money(spend, cur)} of spend")
    return rows, notes


def _estimate_caveat(comparison: "Comparison", estimates: str = "") -> str:
    parts = []
    for name in comparison.strategies:
        p = comparison.portfolios[name]
        er, fee = int(p.roster.er_estimated[p.rows].sum()), int(p.roster.fee_estimated[p.rows].sum())
        if er or fee:
            parts.append(f"{_e(name)}: {_e(_estimated_text(er, fee))}")
    if not parts and "implausible" not in estimates:
        return ""
    parts = ([f"the scenario's optimum: {_e(estimates)}"] if estimates else []) + parts
    return ("<li><strong>Estimated values.</strong> Some influencers have a blank engagement rate or fee in the "
            "roster; lineup estimated them from published tier figures (see Assumptions), so their numbers are "
            "less certain — " + "; ".join(parts) + ".</li>")


def _resolution_caveat(comparison: "Comparison") -> str:
    sims = list(comparison.simulations.values())
    first = sims[0]
    coarse = [n for n in comparison.notes if "simulated followers" in n or n.startswith("resolution: ")]
    text = (f"<li><strong>Resolution.</strong> The word of mouth is simulated on {first.population_size:,} people; "
            f"one simulated person stands for {first.scale:,.0f} real people. The 95 % intervals cover the Monte "
            f"Carlo noise of {comparison.replications} replications, not the error of this resolution or of the "
            f"roster's figures.")
    if coarse:
        text += "<ul>" + "".join(f"<li>{_e(n)}</li>" for n in coarse) + "</ul>"
    return text + "</li>"


def _summary(comparison: "Comparison", estimates: str = "") -> str:
    bands = {n: comparison.bands(n) for n in comparison.strategies}
    win_rows, headline = _winners(comparison, bands)
    spend_rows, unspent = _spend_rows(comparison)
    k = len(comparison.strategies)
    lead = (f"<p class=lead>{k} strateg{'y' if k == 1 else 'ies'} simulated on the same "
            f"{comparison.replications} random populations (seed {_e(comparison.seed)})"
            + (": " + "; ".join(headline) if headline else "") + ". Numbers are estimates: the mean with its 95 % "
            "interval in brackets.</p>")
    caveats = [_estimate_caveat(comparison, estimates)]
    caveats += [f"<li><strong>Unspent budget.</strong> {n}.</li>" for n in unspent]
    caveats.append(_resolution_caveat(comparison))
    # unspent-budget notes are the Spend table's caveats above; resolution notes are under Resolution
    other = [n for n in comparison.notes if "simulated followers" not in n and "budget unspent" not in n
             and not n.startswith("resolution: ")]
    caveats += [f"<li>{_e(n)}</li>" for n in other]
    caveats.append("<li>The scenario's description is the planner's words; the statements in this summary are "
                   "lineup's, computed from the results below.</li>")
    body = [lead, "<h3>Who wins on which metric</h3>",
            _table(["metric", "best strategy", "its value [95 % interval]", "against the runner-up"], win_rows,
                   cls="winners", numeric_from=2, numeric_to=3),
            "<h3>Spend</h3>",
            _table(["strategy", "influencers", "spend", "budget", "unspent", "unspent share", "what stopped it"],
                   spend_rows, cls="spend", numeric_from=1, numeric_to=6),
            "<h3>Caveats</h3>", '<ul class="caveats">' + "".join(c for c in caveats if c) + "</ul>"]
    return _section("summary", "\n".join(body))


# --------------------------------------------------------------------------- 2. scenario


def _scenario(scenario: Scenario, seed: Optional[int], replications: int, generated: str,
              estimates: str = "") -> str:
    spec = scenario.spec
    items = [("Estimates", f'<span class="estimates">{_e(estimates)}</span>')] if estimates else []
    items += [
        ("Budget", _money(scenario.budget, scenario.currency)),
        ("Currency", _e(scenario.currency)),
        ("Roster", f"{scenario.roster.n:,} candidates from "
                   f"{_e(spec.roster.path if isinstance(spec.roster.path, str) else ', '.join(spec.roster.path))}"),
        ("Scenario file", _e(scenario.path.name if scenario.path is not None else "(built in memory)")),
        ("Report date", f'<span class="generated">{_e(generated)}</span>'),
        ("lineup version", _e(__version__)),
        ("Seed", _e(seed)),
        ("Replications", _e(replications)),
    ]
    desc = (f'<p class="note">The planner\'s description (their words; the figures in the Summary are '
            f'lineup\'s):</p><blockquote class="description">{_prose(spec.description)}</blockquote>'
            if spec.description else "")
    warnings = "".join(f'<p class="warning">Warning: {_e(w)}</p>' for w in scenario.warnings)
    return _section("scenario", desc + _dl(items) + warnings)


def _estimates(result: "SolveResult") -> str:
    """How much of the chosen portfolio rests on estimates (the sentence of the solve outputs)."""
    from lineup.io.solve_data import estimate_summary

    return estimate_summary(result.portfolio_columns())["summary"]


# --------------------------------------------------------------------------- 3. portfolios


def _flags(row: dict) -> str:
    from lineup.io.solve_data import row_flags

    return " ".join(f'<span class="flag">{_e(f)}</span>' for f in row_flags(row))


def _profile_urls(roster: Any, rows: np.ndarray) -> Optional[list[str]]:
    """Each row's safe profile link (:func:`lineup.domain.links.profile_links`), or ``None`` when there is none."""
    from lineup.domain.links import profile_links

    urls = profile_links(roster, rows)
    return urls if any(urls) else None


def _portfolio_rows(scenario: Scenario, portfolio: Any) -> list[dict]:
    """One dict per influencer of ``portfolio``: largest tier first, then expected engagement, then id.

    Read from the portfolio's (priced) roster: with packages, the chosen package's fee, posts and rate,
    and ``package``/``usage_rights``; with ``costs.management``, ``management_hours`` and ``total_cost``."""
    r, rows = portfolio.roster, np.asarray(portfolio.rows)
    order = np.lexsort((r.ids[rows], -r.expected_engagement[rows], -scenario.tiers.codes_of(r.followers[rows])))
    rows = rows[order]
    costs = _row_costs(scenario, portfolio, order)
    urls = _profile_urls(r, rows)
    derived, implausible = getattr(r, "er_derived", None), getattr(r, "implausible", None)
    out = []
    for k, row in enumerate(rows.tolist()):
        out.append({"id": r.ids[row], "platform": r.platform[row],
                    "tier": str(scenario.tiers.names_of(r.followers[row:row + 1])[0]),
                    "niches": "; ".join(r.niche_lists(np.array([row]))[0]), "followers": float(r.followers[row]),
                    "engagement_rate": float(r.engagement_rate[row]), "er_estimated": bool(r.er_estimated[row]),
                    "er_derived": bool(derived[row]) if derived is not None else False,
                    "implausible": str(implausible[row]) if implausible is not None else "",
                    "fee": float(r.fee[row]), "fee_estimated": bool(r.fee_estimated[row]),
                    "expected_engagement": float(r.expected_engagement[row]),
                    "budget_share": float(r.fee[row]) / scenario.budget if scenario.budget else float("nan"),
                    **{key: values[k] for key, values in costs.items()},
                    **({"profile_url": urls[k]} if urls is not None else {})})
    return out


def _row_costs(scenario: Scenario, portfolio: Any, order: np.ndarray) -> dict[str, list]:
    """Per-row ``package``/``usage_rights`` (with packages) and ``management_hours``/``total_cost`` (with
    ``costs.management``), in the table's ``order``; empty otherwise."""
    from lineup.optimize.result import chosen_usage_rights

    out: dict[str, list] = {}
    rows = np.asarray(portfolio.rows)[order]
    if scenario.packages is not None and getattr(portfolio, "package", None) is not None:
        names = np.asarray(portfolio.package)[order]
        out["package"] = [str(n) for n in names]
        out["usage_rights"] = chosen_usage_rights(scenario.packages, rows, names).tolist()
    if scenario.spec.costs.management is not None and getattr(portfolio, "hours", None) is not None:
        out["management_hours"] = np.asarray(portfolio.hours, dtype=float)[order].tolist()
        out["total_cost"] = (portfolio.roster.fee[rows] + np.asarray(portfolio.management)[order]).tolist()
    return out


def _estimated_text(er: int, fee: int) -> str:
    """``"2 engagement rates and 3 fees estimated"``, or ``"none estimated"``.

    >>> _estimated_text(0, 3), _estimated_text(1, 0), _estimated_text(0, 0)
    ('3 fees estimated', '1 engagement rate estimated', 'none estimated')
    """
    parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((er, "engagement rate"), (fee, "fee")) if n]
    return " and ".join(parts) + " estimated" if parts else "none estimated"


def _portfolio_table(scenario: Scenario, rows: list[dict]) -> str:
    cur = scenario.currency
    links = any("profile_url" in row for row in rows)
    pk = bool(rows) and "package" in rows[0]
    mg = bool(rows) and "total_cost" in rows[0]
    headers = (["id", "platform", "tier", "niches"] + (["package"] if pk else [])
               + ["followers", "engagement rate", "fee"] + (["management hours", "total cost"] if mg else [])
               + ["expected engagement", "budget share", "flags"] + (["profile"] if links else []))
    numeric = dict(numeric_from=4 + pk, numeric_to=9 + pk + 2 * mg)
    body = [[_e(r["id"]), _e(r["platform"]), _e(r["tier"]), _e(r["niches"])]
            + ([_e(r["package"] + (" (usage rights)" if r["usage_rights"] else ""))] if pk else [])
            + [_count(r["followers"]), f"{r['engagement_rate']:.2%}", _money(r["fee"], cur)]
            + ([f"{r['management_hours']:,.4g}", _money(r["total_cost"], cur)] if mg else [])
            + [_count(r["expected_engagement"]), f"{r['budget_share']:.1%}", _flags(r)]
            + ([_link(r.get("profile_url", ""))] if links else [])
            for r in rows]
    spend = sum(r["fee"] for r in rows)
    estimated = _estimated_text(sum(r["er_estimated"] for r in rows), sum(r["fee_estimated"] for r in rows))
    totals = ([f"{sum(r['management_hours'] for r in rows):,.4g}", _money(sum(r["total_cost"] for r in rows), cur)]
              if mg else [])
    foot = ([f"Total: {len(rows)} influencers", "", "", ""] + ([""] if pk else []) + ["", "", _money(spend, cur)]
            + totals + [_count(sum(r["expected_engagement"] for r in rows)),
                        f"{spend / scenario.budget:.1%}" if scenario.budget else "", _e(estimated)]
            + ([""] if links else []))
    return _table(headers, body, cls="portfolio", foot=foot, **numeric)


def _link(url: str) -> str:
    """A profile link (already a safe http(s) URL, see :mod:`lineup.domain.links`) as an escaped ``<a>``.

    >>> _link('https://x.example/"><script>')
    '<a href="https://x.example/&quot;&gt;&lt;script&gt;" rel="noopener noreferrer">profile</a>'
    >>> _link("javascript:alert(1)"), _link("")
    ('', '')
    """
    from lineup.domain.links import safe_url

    url = safe_url(url)[0] if url else ""
    return f'<a href="{_e(url)}" rel="noopener noreferrer">profile</a>' if url else ""


def _coverage_table(scenario: Scenario, data: dict) -> str:
    niches = scenario.spec.niches
    if not data["niche_coverage"]:
        return "<p>The scenario names no niches to cover.</p>"
    counts = _niche_counts(data)
    rows = [[_e(n), _e(f"{niches[n].weight:g}") if n in niches else "—",
             _e(f"{niches[n].target:g}") if n in niches else "—", _e(counts.get(n, 0)), f"{cov:.0%}"]
            for n, cov in data["niche_coverage"].items()]
    return _table(["niche", "weight", "target (influencers)", "selected", "coverage"], rows, cls="coverage")


def _niche_counts(data: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in data["selected"]:
        for n in str(row.get("niches") or "").split(";"):
            if n.strip():
                counts[n.strip()] = counts.get(n.strip(), 0) + 1
    return counts


def _status_line(data: dict) -> str:
    gap = "—" if data["gap"] is None else f"{data['gap']:.3%}"
    s = data["solver"]
    return (f'<p class="status">Solver status <strong>{_e(data["status"])}</strong> · objective '
            f"{_count(data['objective'])} · proven bound {_count(data['bound'])} · gap {_e(gap)} · "
            f"{_e(s['backend'])} ({_e(s['method'])})</p>")


def _binding(bindings: list[dict]) -> str:
    if not bindings:
        return "<p>No rule is binding: the budget and the objective alone decide.</p>"
    return "<ul class=binding>" + "".join(f"<li><code>{_e(b['name'])}</code>: {_e(b['detail'])}</li>"
                                          for b in bindings) + "</ul>"


def _main_portfolio(scenario: Scenario, result: "SolveResult") -> str:
    from lineup.io.solve_data import solve_to_dict

    data = solve_to_dict(result)
    parts = [_status_line(data)]
    if data["diagnosis"]:
        parts.append("<p><strong>Why no portfolio fits the rules:</strong></p><ul>"
                     + "".join(f"<li>{_e(d)}</li>" for d in data["diagnosis"]) + "</ul>")
    if data["empty_reason"]:
        parts.append(f'<p class="warning">The best portfolio is empty because {_e(data["empty_reason"])}.</p>')
    elif data["zero_objective_reason"]:
        parts.append(f'<p class="warning">The objective is 0 because {_e(data["zero_objective_reason"])}.</p>')
    if data["selected"]:
        cur = data["currency"]
        tiers = ", ".join(f"{_e(k)} {v}" for k, v in data["tier_counts"].items() if v)
        parts += [
            _portfolio_table(scenario, _portfolio_rows(scenario, result.portfolio)),
            f"<p>Spend {_money(data['spend'], cur)} of {_money(data['budget'], cur)}{_cost_split_html(data)} "
            f"({_money(data['budget_left'], cur)} unspent) · expected engagement "
            f"{_count(data['expected_engagement'])} · coverage value {_count(data['coverage_value'])} · "
            f"tiers: {tiers}.</p>",
            "<p class=note>“est.” marks a value the roster left blank, estimated from the priors "
            "(see Assumptions); “implausible” a value outside the plausible bands (docs/model.md), kept "
            "because the roster says <code>implausible: flag</code>.</p>",
            "<h4>Niche coverage</h4>", _coverage_table(scenario, data),
            "<h4>Binding rules</h4>", _binding(data["binding"]),
        ]
    return "\n".join(parts)


def _cost_split_html(data: dict) -> str:
    """`` (fees £A + management £B, 12 h)`` when the solve reports management costs, else ``""`` (HTML)."""
    from lineup.render.solve import cost_split

    return cost_split(data, _money)


def _spend_facts(comparison: "Comparison", name: str) -> tuple[float, float, float]:
    """``(spend, budget, unspent)`` of a strategy's portfolio (the strategy's own budget; spend is what
    the budget counts: fees, plus management cost when counted in the budget)."""
    from lineup.workflows.compare import budget_spend

    built = comparison.built[name]
    spend = float(budget_spend(built.scenario, comparison.portfolios[name]))
    budget = float(built.scenario.budget)
    return spend, budget, budget - spend


def _stopped_by(comparison: "Comparison", name: str) -> str:
    """The rule that stopped a strategy's spending, in the planner's words."""
    built = comparison.built[name]
    if built.solve is None:
        return "an explicit list of ids (not solved)"
    # a limit of 0 is how a strategy leaves tiers or platforms out: it excludes, it does not stop spending
    binding = [b for b in built.solve.binding if b.limit != 0] or list(built.solve.binding)
    if not binding:
        return "the objective (no more influencer adds value)"
    return "; ".join(f"{b.name} = {b.limit:,.6g} binding" if b.name != "budget" else "the budget"
                     for b in binding[:2])


def _strategy_details(comparison: "Comparison", name: str, same_as_main: bool) -> str:
    built, cur = comparison.built[name], comparison.scenario.currency
    spend, budget, unspent = _spend_facts(comparison, name)
    rows = _portfolio_rows(built.scenario, comparison.portfolios[name])
    head = (f"<summary><strong>{_e(name)}</strong> — {len(rows)} influencers, spend {_money(spend, cur)} of "
            f"{_money(budget, cur)} ({_money(unspent, cur)} unspent), {_e(built.status)}"
            + (" · the scenario's optimum above" if same_as_main else "") + "</summary>")
    desc = f"<p class=note>{_prose(built.spec.description)}</p>" if built.spec.description else ""
    bindings = [] if built.solve is None else [{"name": b.name, "detail": b.detail} for b in built.solve.binding]
    rules = ("<p class=note>Explicit list of ids: not solved, no binding rule.</p>" if built.solve is None
             else "<h4>Binding rules</h4>" + _binding(bindings))
    return f"<details class=strategy>{head}{desc}{_portfolio_table(built.scenario, rows)}{rules}</details>"


def _portfolios(scenario: Scenario, result: "SolveResult", comparison: "Comparison") -> str:
    main = [n for n in comparison.strategies if comparison.solves.get(n) is result]
    parts = ['<details class=strategy open><summary><strong>The scenario\'s optimum</strong> (its own rules, '
             'no strategy)</summary>', _main_portfolio(scenario, result), "</details>",
             "<h3>Each strategy's portfolio</h3>",
             "<p class=note>Click a strategy to see whom it hires. “est.” marks a value the roster left blank, "
             "estimated from the priors (see Assumptions).</p>"]
    parts += [_strategy_details(comparison, n, n in main) for n in comparison.strategies]
    left_out = [f"<li><strong>{_e(n)}</strong>: {_e(b.status)}" + (f" — {_e(b.diagnosis[0])}" if b.diagnosis else "")
                + "</li>" for n, b in comparison.built.items() if not b.ok]
    if left_out:
        parts.append("<p>Strategies left out (no portfolio):</p><ul>" + "".join(left_out) + "</ul>")
    return _section("portfolio", "\n".join(parts))


# --------------------------------------------------------------------------- 3. comparison


#: Metrics shown as money (whole units of the currency).
_MONEY = ("spend", "unspent", "budget", "management_cost", "total_cost")


def _fmt_metric(metric: str, x: float, currency: str, signed: bool = False) -> str:
    if x is None or not np.isfinite(x):
        return "—"
    sign = "+" if signed and x > 0 else ""
    if metric in ("wom_share", "relative_downside"):
        return f"{sign}{x:.1%}"
    if metric in _MONEY:
        return _e(sign + format_money(x, currency))
    if metric == "cost_per_reach":
        return _e(sign + format_money(x, currency, decimals=4))
    if metric in ("cost_per_engagement", "cost_per_talker", "total_cost_per_talker"):
        return _e(sign + format_money(x, currency, decimals=2 if abs(x) >= 1 else 3))
    return f"{sign}{x:,.0f}" if abs(x) >= 10 or float(x).is_integer() else f"{sign}{x:,.2f}"


def _band_cell(metric: str, frame_row: Any, prefix: str, currency: str) -> str:
    key = f"{prefix}{metric}"
    mean, lo, hi = frame_row[key], frame_row[f"{key}_ci_low"], frame_row[f"{key}_ci_high"]
    signed = bool(prefix)
    main = _fmt_metric(metric, mean, currency, signed)
    low, high = _fmt_metric(metric, lo, currency, signed), _fmt_metric(metric, hi, currency, signed)
    if not (np.isfinite(lo) and np.isfinite(hi)) or low == high:
        return main
    return f'{main}<br><span class="ci">[{low} – {high}]</span>'


def _comparison_tables(comparison: "Comparison") -> str:
    frame = comparison.to_frame().set_index("strategy")
    cur = comparison.scenario.currency
    names = list(comparison.strategies)
    metrics = dict(comparison.metrics)  # with costs.management: the cost rows too
    if comparison.forecasts:            # engagements over the outcome model's scenarios
        from lineup.workflows.compare import OUTCOME_METRICS

        metrics.update(OUTCOME_METRICS)
    labels = {m: label(m, cur, u) for m, u in metrics.items()}
    if comparison.forecasts:
        from .compare import OUTCOME_ROWS, outcome_label

        labels.update({m: outcome_label(comparison, m) for m in OUTCOME_ROWS})
    if comparison.managed:
        labels["spend"] = label("fees", cur)
    rows = [[_e(labels[m])] + [_band_cell(m, frame.loc[n], "", cur) for n in names] for m in metrics]
    parts = [_table(["metric"] + names, rows, cls="compare")]
    if len(names) > 1:
        others = names[1:]
        rows = [[_e(labels[m])] + [_band_cell(m, frame.loc[n], "diff_", cur) for n in others] for m in metrics]
        parts += [f"<h3>Paired difference to {_e(comparison.baseline)}</h3>",
                  f"<p class=note>Each strategy minus {_e(comparison.baseline)}, replication by replication on the "
                  f"same simulated populations (common random numbers); an interval that excludes 0 is a "
                  f"difference the noise does not explain.</p>",
                  _table(["metric"] + [f"{n} − {comparison.baseline}" for n in others], rows, cls="compare")]
    if comparison.forecasts:
        from lineup.domain.outcomes import describe

        f = next(iter(comparison.forecasts.values()))
        parts += [f"<p class=note>Engagements over outcome scenarios: {f.scenarios:,} scenarios of the outcome model "
                  f"({_e(describe(comparison.scenario.spec.outcomes))}), the same for every strategy; intervals are "
                  f"Monte Carlo. {_e(comparison.downside_verdict())}</p>"]
    return "\n".join(parts)


def _strategy_list(comparison: "Comparison") -> str:
    items = []
    for name, built in comparison.built.items():
        desc = built.spec.description or "—"
        size = f"{len(built.portfolio)} influencers" if built.portfolio is not None else "left out"
        items.append(f"<li><strong>{_e(name)}</strong> ({_e(built.status)}, {_e(size)}): {_prose(desc)}</li>")
    notes = "".join(f'<p class="warning">{_e(n)}</p>' for n in comparison.notes)
    return "<ul class=strategies>" + "".join(items) + "</ul>" + notes


def _comparison(comparison: "Comparison") -> str:
    intro = (f"<p>Each strategy's portfolio simulated {comparison.replications} times on the same random "
             f"populations (seed {_e(comparison.seed)}); mean with its 95 % interval in brackets.</p>")
    from lineup.workflows.compare import spend_summary

    intro += (f"<p class=note>{_e(spend_summary(comparison))}. Costs per engagement, talker and person reached "
              f"are ratios of means (mean spend ÷ mean count over every replication).</p>")
    return _section("comparison", intro + _strategy_list(comparison) + _comparison_tables(comparison))


# --------------------------------------------------------------------------- 4. figures


_CAPTIONS = {
    "buzz": "Buzz over time: cumulative talkers per strategy, mean with its 95 % band.",
    "reach_vs_spend": "Reach vs spend: each strategy's unique reach against its spend, with 95 % intervals.",
    "coverage": "Niche coverage: simulated penetration of each niche by each strategy.",
    "frontier": "Budget frontier: the optimum's objective at budgets around the scenario's.",
}


def _svg_image(svg: bytes, alt: str) -> str:
    data = base64.b64encode(svg).decode("ascii")
    return f'<img alt="{_e(alt)}" src="data:image/svg+xml;base64,{data}">'


def _figures(figures: dict[str, bytes], frontier_table: str, frontier_note: str) -> str:
    parts = [f"<figure>{_svg_image(svg, _CAPTIONS.get(name, name))}<figcaption>{_e(_CAPTIONS.get(name, name))}"
             f"</figcaption></figure>" for name, svg in figures.items()]
    if frontier_table:
        parts += ["<h3>Budget frontier</h3>", frontier_table]
    if frontier_note:
        parts.append(f"<p class=note>{_e(frontier_note)}</p>")
    return _section("figures", "\n".join(parts))


def _point_binding(result: Any) -> str:
    """The rules that stop a frontier point's spending (``—`` when none or no portfolio)."""
    binding = [b for b in result.binding if b.limit != 0] or list(result.binding)
    return ", ".join(f"<code>{_e(b.name)}</code>" for b in binding) or "—"


def _frontier_table(front: Any, currency: str) -> str:
    budgets = front.budgets
    rows = [[_money(v, currency) if front.kind == "budget" else _e(f"{v:g}"), _e(s), _count(o), _count(e), _count(c),
             _money(sp, currency), _money(b - sp, currency) if np.isfinite(sp) else "—",
             "—" if not np.isfinite(m) else f"{m:,.2f}", _point_binding(r)]
            for v, b, s, o, e, c, sp, m, r in zip(front.values, budgets, front.status, front.objective,
                                                  front.engagement, front.coverage_value, front.spend,
                                                  front.marginal_value, front.results)]
    headers = ["budget" if front.kind == "budget" else "coverage weight", "status", "objective",
               "expected engagement", "coverage value", "spend", "unspent", f"marginal value (per {currency})",
               "binding rules"]
    note = "Binding rules: the rules that stop each point from spending more."
    if front.kind != "budget" or not np.isfinite(front.marginal_value).any():  # no column of "—"
        headers.pop(7)
        rows = [r[:7] + r[8:] for r in rows]
    else:
        note = (f"Marginal value: objective gained per extra 1 {_e(currency)} of budget since the previous "
                f"budget. {note}")
    return (_table(headers, rows, cls="frontier", numeric_from=2, numeric_to=len(headers) - 1)
            + f"<p class=note>{note}</p>")


# --------------------------------------------------------------------------- 5. assumptions


def _objective(scenario: Scenario) -> str:
    o = scenario.spec.objective
    formula = (f"objective = {o.engagement:g} × expected engagement + {o.coverage:g} × "
               f"Σ<sub>niches</sub> weight × min(1, selected / target)")
    return (f"<p><code>{formula}</code></p><p>Expected engagement of an influencer = posts × followers × "
            f"authenticity × engagement rate (interactions), reduced by shared audiences when an overlap table is "
            f"given.</p>")


def _priors(scenario: Scenario) -> str:
    from lineup.domain.priors import ER_ANCHORS, RATE_CARDS, rate_card
    from lineup.domain.tiers import TIER_NAMES

    priors = scenario.spec.priors
    r = scenario.roster
    er = ", ".join(f"{rate:.1%} at {f:,.0f} followers" for f, rate in ER_ANCHORS)
    platforms = sorted({*RATE_CARDS, *priors.rate_card} - {"default"}) + ["other platforms"]
    cards = "; ".join(
        f"{_e(p)}: " + ", ".join(f"{t} {lo:,.0f}–{hi:,.0f}" for t, (lo, hi) in
                                 ((t, rate_card("" if p == "other platforms" else p, priors.rate_card)[t])
                                  for t in TIER_NAMES))
        for p in platforms)
    per_1k = "".join(f" {_e(p)} uses {v:g} per 1,000 followers per post instead (priors.fee_per_1k)."
                     for p, v in priors.fee_per_1k.items())
    fitted = "" if scenario.fitted is None else (
        f"<p>Priors file {_e(scenario.fitted.source)} (lineup calibrate) replaces the built-in priors below for "
        f"{_e(', '.join(sorted(scenario.fitted.curves)) or 'no platform')}: blank engagement rates take the "
        f"creator's fitted rate"
        f"{' (' + _e(scenario.fitted.rates_source) + ')' if scenario.fitted.rates_source else ''}, else the "
        f"fitted curve's mean rate per post; fitted rate cards: "
        f"{_e(', '.join(sorted(scenario.fitted.cards)) or 'none')}.</p>")
    return fitted + (f"<p>Blank engagement rates ({int(r.er_estimated.sum()):,} in the roster) follow the prior, linear "
            f"in log10(followers) between published tier medians: {er}.</p>"
            f"<p>Blank fees ({int(r.fee_estimated.sum()):,} in the roster) = posts × the rate card's price per post "
            f"for the platform and tier ({_e(scenario.currency)}, USD-based published ranges, low end at the tier's "
            f"lower follower bound rising to the high end at its upper bound): {cards}.{per_1k}</p>")


def _flatten(model: Any, prefix: str = "") -> list[tuple[str, Any, str]]:
    """``(dotted name, value, description)`` of every leaf field of a pydantic model."""
    from pydantic import BaseModel

    out: list[tuple[str, Any, str]] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            out += _flatten(value, f"{prefix}{name}.")
        else:
            out.append((f"{prefix}{name}", value, info.description or ""))
    return out


def _simulation_parameters(scenario: Scenario, comparison: "Comparison") -> str:
    spec = scenario.spec.simulation
    if spec.auto_size:  # the size 'auto' chose (the same for every strategy)
        spec = spec.with_size(next(iter(comparison.simulations.values())).population_size)
    rows = [[f"<code>{_e(k)}</code>", _e("—" if v is None else v), _e(d)] for k, v, d in _flatten(spec)
            if k not in ("replications", "seed")]
    return _table(["parameter", "value", "meaning and unit"], rows, cls="params", numeric_from=3)


def _monte_carlo(comparison: "Comparison") -> str:
    rows = [[_e(n), _e(f"{s.population_size:,}"), f"{s.scale:,.2f}", _e(len(s.portfolio)), _e(s.replications),
             _e(s.seed)] for n, s in comparison.simulations.items()]
    return _table(["strategy", "simulated people", "scale k (real people per simulated)", "influencers",
                   "replications", "seed"], rows, cls="mc")


def _shown_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_shown_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_shown_value(v) for v in value)
    return "—" if value is None else str(value)


def _defaults_table(comparison: "Comparison") -> str:
    """Every assumption with its value and source (lineup's default, the scenario, the command line, auto)."""
    rows = [[f"<code>{_e(k)}</code>", _e(_shown_value(a["value"])), _e(a["source"]), _e(a["meaning"])]
            for k, a in comparison.assumptions().items()]
    return _table(["setting", "value", "source", "meaning and unit"], rows, cls="params", numeric_from=4)


def _assumptions(scenario: Scenario, comparison: "Comparison", result: "SolveResult") -> str:
    solver = scenario.spec.solver
    items = [("Solver", _e(f"{result.backend} ({result.method}), gap tolerance {solver.gap:g}, time limit "
                           f"{solver.time_limit if solver.time_limit else 'none'}")),
             ("Replications", _e(comparison.replications)), ("Seed", _e(comparison.seed)),
             ("lineup version", _e(__version__))]
    return _section("assumptions", "\n".join([
        "<h3>Objective</h3>", _objective(scenario),
        "<h3>Priors for blank roster values</h3>", _priors(scenario),
        "<h3>Monte Carlo</h3>", _monte_carlo(comparison),
        "<p class=note>Counts of people are real people: simulated counts × k. Intervals are 95 % Student-t "
        "intervals over replications; costs and the word-of-mouth share are ratios of means with delta-method "
        "intervals.</p>",
        "<h3>Simulation parameters</h3>", _simulation_parameters(scenario, comparison),
        "<h3>Every setting the numbers depend on</h3>", _defaults_table(comparison),
        "<h3>Run</h3>", _dl(items),
    ]))


# --------------------------------------------------------------------------- page


_CSS = """
:root { --ink:#1d2430; --muted:#5b6575; --rule:#d8dde5; --accent:#2c5d8f; --band:#f4f6f9; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       max-width: 1100px; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.8rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
p { margin: .4rem 0; }
.description { font-size: 1.05rem; color: var(--muted); margin: .3rem 0 .6rem; padding-left: .8rem;
               border-left: 3px solid var(--rule); }
.lead { font-size: 1.1rem; margin: .6rem 0 1rem; }
h4 { font-size: .95rem; margin: .9rem 0 .3rem; }
ul.caveats li { margin: .25rem 0; }
details.strategy { border: 1px solid var(--rule); border-radius: 4px; padding: .3rem .7rem; margin: .5rem 0; }
details.strategy > summary { cursor: pointer; padding: .2rem 0; }
details.strategy[open] > summary { border-bottom: 1px solid var(--rule); margin-bottom: .4rem; }
.note { color: var(--muted); font-size: .9rem; }
.warning { color: #8a5300; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1.2rem; margin: .6rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; font-size: .9rem; }
th, td { padding: .25rem .5rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 600; border-top: 2px solid var(--ink); }
tbody tr:nth-child(even) { background: #fafbfc; }
.ci { color: var(--muted); font-size: .8rem; white-space: nowrap; }
.flag { display: inline-block; padding: 0 .35rem; border-radius: 3px; background: #fff1d6; color: #7a4b00;
        font-size: .75rem; margin-right: .2rem; }
code { font-family: "SFMono-Regular", Consolas, "Liberation Mono", monospace; font-size: .85rem; }
figure { margin: 1rem 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .9rem; }
footer { margin-top: 2.5rem; padding-top: .5rem; border-top: 1px solid var(--rule); color: var(--muted);
         font-size: .85rem; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  table, figure, dl.facts { break-inside: avoid; }
  details.strategy { border: none; padding: 0; }
  details.strategy::details-content { content-visibility: visible; display: block; }
  tr { break-inside: avoid; }
  tbody tr:nth-child(even) { background: none; }
}
"""


def render_html(scenario: Scenario, result: "SolveResult", comparison: "Comparison", *,
                figures: dict[str, bytes] | None = None, frontier: Any = None, frontier_note: str = "",
                generated: str = "") -> str:
    """The report page (see the module docstring) from already computed results.

    ``figures`` maps a figure name (``buzz``, ``reach_vs_spend``, ``coverage``,
    ``frontier``) to its SVG bytes.
    """
    body = [
        f"<header><h1>{_e(scenario.name)}</h1><p class=note>Influencer campaign report</p></header>",
        _summary(comparison, _estimates(result)),
        _scenario(scenario, comparison.seed, comparison.replications, generated, _estimates(result)),
        _portfolios(scenario, result, comparison),
        _comparison(comparison),
        _figures(figures or {}, "" if frontier is None else _frontier_table(frontier, scenario.currency),
                 frontier_note),
        _assumptions(scenario, comparison, result),
        f"<footer>Made with lineup {_e(__version__)} · seed {_e(comparison.seed)} · {comparison.replications} "
        f"replications · the same inputs and seed give the same numbers.</footer>",
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(scenario.name)} — lineup report</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


# --------------------------------------------------------------------------- build


def _figure_files(comparison: "Comparison", front: Any) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """``({name: svg}, {file name: bytes})`` of every figure (drawn off-screen, no pyplot state)."""
    from lineup.io import figures as F

    makers = {"buzz": (F.buzz_figure, comparison), "reach_vs_spend": (F.reach_vs_spend_figure, comparison),
              "coverage": (F.coverage_heatmap, comparison)}
    if front is not None:
        makers["frontier"] = (F.frontier_figure, front)
    svgs: dict[str, bytes] = {}
    files: dict[str, bytes] = {}
    for name, (make, arg) in makers.items():
        saved = F.save_figure(make(arg), name)
        files.update(saved)
        svgs[name] = saved[f"{name}.svg"]
    return svgs, files


def build_report(scenario: Scenario, *, run: RunOptions | None = None, frontier_points: int = 5,
                 generated: str | None = None, **options) -> Report:
    """Solve, compare and sweep ``scenario`` and render the HTML report.

    Parameters
    ----------
    scenario : Scenario
        The loaded scenario (its ``strategies:`` are compared; default
        optimised / micro / macro).
    run : RunOptions, optional
        Replications and seed (overriding ``simulation.replications`` /
        ``simulation.seed``), where the simulations and the frontier's solves run
        (local processes or Dask; the report does not depend on it) and
        ``progress(done, total)`` over all replications.  Its fields may also be
        given as keywords (``replications=2, seed=3``).
    frontier_points : int
        Budgets of the frontier sweep, from 0.5 to 1.5 × the budget (0 or 1: no
        frontier).  Skipped for rosters of more than
        :data:`~lineup.workflows.report.FRONTIER_MAX_CANDIDATES` candidates (a size rule, so
        the same inputs always give the same page).
    generated : str, optional
        The generation date shown (default: today's UTC date, ISO format).

    Returns
    -------
    Report
        ``html`` and ``files`` (``report.html`` plus each figure as PNG and SVG).

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> sc = tiny_scenario().with_overrides(simulation={"days": 5, "population": {"size": 500}})
    >>> rep = build_report(sc, replications=2, seed=3, frontier_points=0, generated="2025-01-01")
    >>> rep.html.startswith("<!DOCTYPE html>"), "report.html" in rep.files, "buzz.png" in rep.files
    (True, True, True)
    """
    generated = generated or _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    inputs = report_inputs(scenario, run=run, frontier_points=frontier_points, **options)
    svgs, files = _figure_files(inputs.comparison, inputs.frontier)
    page = render_html(scenario, inputs.solve, inputs.comparison, figures=svgs, frontier=inputs.frontier,
                       frontier_note=inputs.frontier_note, generated=generated)
    return Report(html=page, files={"report.html": page, **files}, generated=generated)
