"""What a portfolio's numbers rest on, for outputs other than ``solve`` (compare, frontier, simulate).

:func:`portfolio_estimates` gives, for any :class:`~lineup.domain.portfolio.Portfolio`,
the same estimate summary as ``lineup solve`` (:func:`lineup.io.solve_data.estimate_summary`)
and the chosen rows whose values the plausibility rules flagged
(:mod:`lineup.domain.plausibility`), so that every output says how much of its answer
rests on estimates and on implausible values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..domain.portfolio import Portfolio
from .solve_data import estimate_summary

__all__ = ["portfolio_estimates"]


def portfolio_estimates(portfolio: Portfolio) -> dict[str, Any]:
    """``{"estimated": <estimate summary>, "implausible": [{"id", "line", "rules"}, ...]}`` of ``portfolio``.

    Examples
    --------
    >>> from lineup.domain.roster import Roster
    >>> r = Roster.from_columns(ids=["a", "b", "c"], followers=[5_000, 8_000, 9_000],
    ...                         engagement_rate=[0.6, 0.04, 0.03], fee=[200, 300, 300],
    ...                         fee_estimated=[False, True, False])
    >>> r = r.with_implausible(np.array(["engagement_rate", "", ""], dtype=object))
    >>> out = portfolio_estimates(Portfolio(r, [0, 1]))
    >>> out["estimated"]["fee"], out["estimated"]["implausible"], out["implausible"]
    (1, 1, [{'id': 'a', 'line': 2, 'rules': 'engagement_rate'}])
    """
    r, rows = portfolio.roster, portfolio.rows
    columns = {"fee": r.fee[rows], "fee_estimated": r.fee_estimated[rows], "er_estimated": r.er_estimated[rows],
               "implausible": r.implausible[rows].tolist()}
    flagged = [int(k) for k in rows[np.asarray([bool(x) for x in columns["implausible"]], dtype=bool)]] \
        if len(rows) else []
    return {"estimated": estimate_summary(columns),
            "implausible": [{"id": str(r.ids[k]), "line": int(r.line[k]), "rules": str(r.implausible[k])}
                            for k in flagged]}
