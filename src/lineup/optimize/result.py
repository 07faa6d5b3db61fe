"""The outcome of a solve: a frozen value with a status enum, never a solver object."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Optional

from ..domain.portfolio import Portfolio
from ..domain.scenario import Scenario
from ..errors import InfeasibleError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from .rules import Binding, Evaluation

__all__ = ["SolveStatus", "SolveResult", "SolveProgress", "relative_gap", "chosen_usage_rights"]


class SolveStatus(str, Enum):
    """How a solve ended.

    ``OPTIMAL``: proven optimal within the requested gap; ``FEASIBLE``: a portfolio
    from the greedy heuristic, with a bound; ``INFEASIBLE``: no portfolio satisfies
    the rules (see ``diagnosis``); ``TIME_LIMIT``: stopped by the time limit, with the
    best portfolio found (if any) and the bound; ``INTERRUPTED``: stopped by the user
    (Ctrl-C), with the best portfolio known at that moment and the bound.
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"
    INTERRUPTED = "interrupted"


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """``(bound − objective) / max(|objective|, 1e-9)``, never negative.

    >>> relative_gap(99.0, 100.0)
    0.010101010101010102
    >>> relative_gap(None, 100.0) is None
    True
    """
    if objective is None or bound is None:
        return None
    return max(0.0, (bound - objective) / max(abs(objective), 1e-9))


def chosen_usage_rights(packages, rows, names) -> "np.ndarray":
    """Whether each chosen (roster row, package name) includes usage rights (False when unknown).

    >>> from lineup.domain.packages import Packages
    >>> pk = Packages.from_columns(row=[0, 0, 1], name=["1 post", "reel", "1 post"], fee=[1, 2, 3],
    ...                            usage_rights=[False, True, False])
    >>> chosen_usage_rights(pk, [1, 0], ["1 post", "reel"]).tolist()
    [False, True]
    """
    import numpy as np

    packages = packages.of_rows(np.asarray(rows, dtype=np.int64))  # only the chosen influencers' packages
    flags = dict(zip(zip(np.asarray(packages.row).tolist(), np.asarray(packages.name).tolist()),
                     np.asarray(packages.usage_rights, dtype=bool).tolist()))
    return np.asarray([flags.get((int(r), str(n)), False) for r, n in zip(rows, names)], dtype=bool)


@dataclass(frozen=True)
class SolveProgress:
    """A running solver's state, passed to the ``progress`` callback of :func:`lineup.optimize.solve`.

    ``incumbent`` is the objective of the best portfolio found so far and ``bound``
    the best proven upper bound (both in objective units; ``None`` while unknown);
    ``seconds`` is the wall-clock time since the solver started.

    >>> p = SolveProgress("cbc", 6.2, 12_345.0, 12_400.0)
    >>> round(p.gap, 6)
    0.004455
    >>> SolveProgress("highs", 0.5, None, 10.0).gap is None
    True
    """

    backend: str
    seconds: float
    incumbent: Optional[float]
    bound: Optional[float]

    @property
    def gap(self) -> Optional[float]:
        """Relative gap between bound and incumbent (:func:`relative_gap`)."""
        return relative_gap(self.incumbent, self.bound)


@dataclass(frozen=True, eq=False)
class SolveResult:
    """A solve's portfolio, its value, proof of quality and explanations.

    ``notes`` say what the reader of the result should know about how it was found
    (a weaker bound than usual, a fallback from the greedy to the MILP, a solver's
    numerical trouble); ``lineup solve`` prints them as warnings.

    Examples
    --------
    >>> from lineup.optimize import solve
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> res = solve(tiny_scenario())
    >>> res.status.value, res.portfolio.ids, res.gap
    ('optimal', ['ann', 'eve'], 0.0)
    >>> res.to_frame()[["id", "tier", "fee"]].to_dict("list")
    {'id': ['eve', 'ann'], 'tier': ['macro', 'nano'], 'fee': [900.0, 60.0]}
    """

    scenario: Scenario
    status: SolveStatus
    portfolio: Optional[Portfolio]
    evaluation: Optional["Evaluation"]
    objective: Optional[float]
    bound: Optional[float]
    gap: Optional[float]
    binding: tuple["Binding", ...] = ()
    diagnosis: tuple[str, ...] = ()
    removed: dict[str, int] = field(default_factory=dict)
    backend: str = "cbc"
    method: str = "milp"
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    notes: tuple[str, ...] = ()
    time_limit: Optional[float] = None
    gap_tolerance: Optional[float] = None
    #: Expected talkers of the portfolio with its certificate (``objective.talkers`` > 0; see :func:`lineup.solve`).
    talkers: Optional[Any] = None
    #: The portfolio's outcome forecast (mean, P10/P50/P90, CVaR, P(target); see :func:`lineup.solve`).
    forecast: Optional[Any] = None

    @property
    def ok(self) -> bool:
        """True when a portfolio is known (optimal, feasible, or time-limited / interrupted with an incumbent)."""
        return self.portfolio is not None

    def raise_for_status(self) -> "SolveResult":
        """Return ``self``, or raise :class:`~lineup.errors.InfeasibleError` when infeasible."""
        if self.status is SolveStatus.INFEASIBLE:
            raise InfeasibleError(f"scenario {self.scenario.name!r} is infeasible: no portfolio satisfies every rule",
                                  self.diagnosis)
        return self

    @property
    def empty_reason(self) -> Optional[str]:
        """Why the best portfolio is empty (``None`` when it is not, or when there is none)."""
        from .explain import empty_reason

        return None if self.portfolio is None else empty_reason(self.scenario, self.portfolio.mask)

    @property
    def zero_reason(self) -> Optional[str]:
        """Why a non-empty portfolio's objective is 0 (``None`` otherwise)."""
        from .explain import zero_reason

        return None if self.portfolio is None else zero_reason(self.scenario, self.portfolio.mask, self.objective)

    def portfolio_columns(self) -> dict[str, Any]:
        """The portfolio table as columns (lists and arrays), one entry per chosen influencer.

        Rows are ordered by tier (largest first), then expected engagement
        (highest first), then id, so the table reads well in a brief.
        ``profile_url`` is a safe http(s) link to the influencer's profile, or
        ``""`` (see :mod:`lineup.domain.links`).  Values come from the portfolio's
        priced roster (with packages: the fee, posts and rate of the package bought);
        ``package``/``usage_rights`` follow ``fee`` when the scenario has packages, and
        ``management_hours``/``management_cost``/``total_cost`` when it sets
        ``costs.management`` (:meth:`_cost_columns`); otherwise the columns are as before.
        :meth:`to_frame` is the same as a DataFrame.
        """
        import numpy as np

        from ..domain.links import profile_links

        p = self.portfolio
        r = p.roster if p is not None else self.scenario.roster  # priced: the chosen packages' fee, posts, rate
        rows = p.rows if p is not None else r.ids[:0].astype(int)
        order = np.lexsort((r.ids[rows], -r.expected_engagement[rows], -self.scenario.tiers.codes_of(r.followers[rows])))
        rows = rows[order]
        return {
            "id": r.ids[rows].tolist(),
            "platform": r.platform[rows].tolist(),
            "tier": self.scenario.tiers.names_of(r.followers[rows]).tolist(),
            "niches": ["; ".join(n) for n in r.niche_lists(rows)],
            "followers": r.followers[rows],
            "fee": r.fee[rows],
            **self._cost_columns(order),
            "expected_engagement": r.expected_engagement[rows],
            "budget_share": r.fee[rows] / self.scenario.budget,
            "er_estimated": r.er_estimated[rows],
            "fee_estimated": r.fee_estimated[rows],
            "er_derived": r.er_derived[rows],
            "implausible": r.implausible[rows].tolist(),
            "engagement_rate": r.engagement_rate[rows],
            "authenticity": r.authenticity[rows],
            "posts": r.posts[rows],
            "country": r.country[rows].tolist(),
            "profile_url": profile_links(r, rows),
        }

    def _cost_columns(self, order) -> dict[str, Any]:
        """``package`` and ``usage_rights`` when the scenario has packages; ``management_hours``,
        ``management_cost`` and ``total_cost`` (fee + management) when it sets ``costs.management``;
        nothing otherwise.  ``order`` sorts the portfolio's rows as the table shows them."""
        import numpy as np

        p, sc, out = self.portfolio, self.scenario, {}
        if sc.packages is not None:
            names = p.package[order] if p is not None and p.package is not None else np.zeros(0, dtype=object)
            rows = p.rows[order] if p is not None else np.zeros(0, dtype=np.int64)
            out["package"] = [str(n) for n in names]
            out["usage_rights"] = chosen_usage_rights(sc.packages, rows, names).tolist()
        if sc.spec.costs.management is not None:
            hours = p.hours[order] if p is not None and p.hours is not None else np.zeros(0)
            cost = p.management[order] if p is not None and p.management is not None else np.zeros(0)
            fee = p.roster.fee[p.rows[order]] if p is not None else np.zeros(0)
            out.update(management_hours=hours, management_cost=cost, total_cost=fee + cost)
        return out

    def to_frame(self) -> "pd.DataFrame":
        """The portfolio as a table, one row per chosen influencer (empty when none), ordered as
        :meth:`portfolio_columns`."""
        import pandas as pd

        return pd.DataFrame(self.portfolio_columns())

    def _facts(self) -> dict[str, Any]:
        ev = self.evaluation
        return {"scenario": self.scenario.name, "status": self.status.value,
                "influencers": len(self.portfolio) if self.portfolio is not None else None,
                "spend": None if ev is None else round(float(ev.spend), 2), "budget": self.scenario.budget,
                "currency": self.scenario.currency,
                "objective": None if self.objective is None else round(float(self.objective), 2),
                "gap": None if self.gap is None else round(float(self.gap), 6), "backend": self.backend}

    def __repr__(self) -> str:
        """Short: scenario name, status, size, spend, objective, gap, backend (never the whole scenario).

        >>> from lineup.optimize import solve
        >>> from lineup.optimize.formulation import tiny_scenario
        >>> solve(tiny_scenario())
        SolveResult(scenario='tiny', status='optimal', influencers=2, spend=960.0, budget=1000.0, currency='GBP', objective=4014.0, gap=0.0, backend='cbc')
        """
        from .._repr import short_repr

        return short_repr("SolveResult", self._facts())

    def _repr_html_(self) -> str:
        """The facts and the portfolio table (escaped), for notebooks."""
        from .._repr import html_card

        table = self.to_frame().drop(columns=["er_estimated", "fee_estimated"]).to_html(index=False, escape=True,
                                                                                        max_rows=30)
        return html_card("SolveResult", self._facts(), table if self.portfolio is not None else "")
