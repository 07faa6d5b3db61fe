"""Filters: rules that remove candidates before anything is solved.

Each filter owns which decisions it removes, the message for a selection that holds one
anyway, why one removed row was removed (for an include it removes), what the roster
holds (for a filter that empties it) and what it allows.  Applied in :data:`FILTERS`
order; a row removed by several counts for the first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..._text import counted
from ...domain.countries import country_mask
from ..wording import format_money, pct, some_ids
from .base import Selection

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["Filter", "Exclude", "MinAuthenticity", "Countries", "NichesOnly", "MaxBudgetShare", "BudgetFilter",
           "filters_of", "FILTER_ORDER"]


class Filter:
    """A filter: ``removed(model)`` is a bool mask over decisions (``False`` everywhere when unset)."""

    name = ""
    #: set by the planner in ``constraints`` (the budget is a rule, not a filter to explain)
    planner = True

    def removed(self, model: "Model") -> np.ndarray:
        raise NotImplementedError

    def violations(self, model: "Model", sel: Selection) -> list[str]:
        return []

    def why(self, model: "Model", d: int) -> str:
        return ""

    def held(self, model: "Model") -> str:
        return ""

    def allowed(self, model: "Model") -> str:
        return ""

    def selected(self, model: "Model", sel: Selection) -> np.ndarray:
        """The selected decisions this filter removes."""
        return np.flatnonzero(model.removed_by(self.name) & sel.mask)

    def listed(self, model: "Model", sel: Selection, what: str, shown) -> list[str]:
        """``"<name>: 2 selected influencers <what> (a 0.61, b 0.70)"`` for the selected decisions it removes."""
        bad = self.selected(model, sel)
        if not bad.size:
            return []
        return [f"{self.name}: {counted(bad.size, 'selected influencer')} {what} ({some_ids([shown(k) for k in bad])})"]


def _flag(model: "Model", rows_mask: np.ndarray) -> np.ndarray:
    """A per-roster-row mask as a per-decision mask."""
    return rows_mask[model.decisions.row]


def _none(model: "Model") -> np.ndarray:
    return np.zeros(model.decisions.n, dtype=bool)


class Exclude(Filter):
    name = "constraints.exclude"

    def removed(self, model):
        rows = model.rows_of(model.scenario.spec.constraints.exclude)
        return model.decisions.of_rows(rows)

    def violations(self, model, sel):
        d = model.decisions
        return [f"constraints.exclude[{d.labels[k]}]: {d.labels[k]} is excluded but selected"
                for k in self.selected(model, sel)]

    def why(self, model, d):
        return "it is also in constraints.exclude"


class MinAuthenticity(Filter):
    name = "constraints.min_authenticity"

    def removed(self, model):
        lo = model.scenario.spec.constraints.min_authenticity
        return _none(model) if lo is None else _flag(model, model.scenario.roster.authenticity < lo)

    def violations(self, model, sel):
        r, d, lo = model.scenario.roster, model.decisions, model.scenario.spec.constraints.min_authenticity
        if lo is None:
            return []
        return self.listed(model, sel, f"below {lo:g} authenticity",
                           lambda k: f"{d.labels[k]} {r.authenticity[d.row[k]]:.2f}")

    def why(self, model, d):
        r, lo = model.scenario.roster, model.scenario.spec.constraints.min_authenticity
        return f"authenticity {r.authenticity[model.decisions.row[d]]:.2f} is below {lo:g}"

    def held(self, model):
        a = model.scenario.roster.authenticity
        return f"the roster's authenticity: min {a.min():.2f}, median {np.median(a):.2f}, max {a.max():.2f}"

    def allowed(self, model):
        return f"authenticity at least {model.scenario.spec.constraints.min_authenticity:g}"


class Countries(Filter):
    name = "constraints.countries"

    def removed(self, model):
        c = model.scenario.spec.constraints.countries
        return _none(model) if c is None else _flag(model, ~country_mask(model.scenario.roster.country, c))

    def violations(self, model, sel):
        r, d, countries = model.scenario.roster, model.decisions, model.scenario.spec.constraints.countries
        if countries is None:
            return []
        allowed = ", ".join(countries)
        return self.listed(model, sel, f"outside {allowed}", lambda k: f"{d.labels[k]} {r.country[d.row[k]] or 'no country'}")

    def why(self, model, d):
        country = model.scenario.roster.country[model.decisions.row[d]]
        where = f"country {country!r}" if country else "no country"
        return f"{where}, allowed {', '.join(model.scenario.spec.constraints.countries)}"

    def held(self, model):
        from ...domain.countries import country_code

        values, counts = np.unique(np.asarray([c if isinstance(c, str) else "" for c in
                                               model.scenario.roster.country.tolist()], dtype=object),
                                   return_counts=True)

        def shown(v: str) -> str:
            if not v:
                return "(blank)"
            code = country_code(v)
            return f"{v!r} ({code})" if code else f"{v!r} (not a country)"

        return f"the roster's countries: {top_values(dict(zip(values.tolist(), counts.tolist())), shown)}"

    def allowed(self, model):
        from ...domain.countries import country_code

        shown = [f"{v} ({country_code(v)})" if country_code(v) else v for v in model.scenario.spec.constraints.countries]
        return f"countries allowed: {', '.join(shown)}"


class NichesOnly(Filter):
    name = "constraints.niches_only"

    def removed(self, model):
        r, niches = model.scenario.roster, model.scenario.spec.constraints.niches_only
        if niches is None:
            return _none(model)
        cols = [r.niche_names.index(s) for s in niches if s in r.niche_names]
        if not cols:
            return np.ones(model.decisions.n, dtype=bool)
        return _flag(model, np.asarray(r.niche_membership[:, cols].sum(axis=1)).ravel() == 0)

    def why(self, model, d):
        r = model.scenario.roster
        held = "; ".join(r.niche_lists(np.array([model.decisions.row[d]]))[0])
        allowed = ", ".join(model.scenario.spec.constraints.niches_only)
        return f"{f'niches {held!r}' if held else 'no niche'}, allowed {allowed}"

    def held(self, model):
        r = model.scenario.roster
        counts = np.asarray(r.niche_membership.sum(axis=0)).ravel().astype(int)
        none = int((np.diff(r.niche_matrix.indptr) == 0).sum())
        held = dict(zip(r.niche_names, counts.tolist()))
        text = top_values(held, repr) if held else "none"
        return f"the roster's niches: {text}" + (f" ({none:,} rows have no niche)" if none else "")

    def allowed(self, model):
        return f"niches allowed: {', '.join(model.scenario.spec.constraints.niches_only)}"


class MaxBudgetShare(Filter):
    name = "constraints.max_budget_share"

    def removed(self, model):
        share = model.scenario.spec.constraints.max_budget_share
        return _none(model) if share is None else model.decisions.cost > share * model.scenario.budget

    def violations(self, model, sel):
        d, sc = model.decisions, model.scenario
        bad = self.selected(model, sel)
        if not bad.size:
            return []
        share, cur = sc.spec.constraints.max_budget_share, sc.currency
        shown = some_ids([f"{d.labels[k]} {format_money(d.cost[k], cur)}" for k in bad])
        return [f"{self.name}: {counted(bad.size, 'selected fee')} above {pct(share)} of the budget "
                f"({format_money(share * sc.budget, cur)}): {shown}"]

    def why(self, model, d):
        sc = model.scenario
        share, cur = sc.spec.constraints.max_budget_share, sc.currency
        return (f"fee {format_money(model.decisions.cost[d], cur)} is above {pct(share)} of the budget, "
                f"{format_money(share * sc.budget, cur)}")

    def held(self, model):
        return f"the cheapest fee is {format_money(model.decisions.cost.min(), model.scenario.currency)}"


class BudgetFilter(Filter):
    """Decisions whose cost alone is above the budget (the budget *rule* reports a selection)."""

    name = "budget"
    planner = False

    def removed(self, model):
        return model.decisions.cost > model.scenario.budget

    def why(self, model, d):
        cur = model.scenario.currency
        return (f"fee {format_money(model.decisions.cost[d], cur)} is above the budget "
                f"{format_money(model.scenario.budget, cur)}")


_TOP_VALUES = 6


def top_values(counts: dict, shown) -> str:
    """``"'a' 3, 'b' 2 and 4 more"``: the most frequent values first."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{shown(k)} {v:,}" for k, v in items[:_TOP_VALUES])
    return text + (f" and {len(items) - _TOP_VALUES:,} more" if len(items) > _TOP_VALUES else "")


def filters_of() -> tuple[Filter, ...]:
    """Every filter, in the order they are applied."""
    return (Exclude(), MinAuthenticity(), Countries(), NichesOnly(), MaxBudgetShare(), BudgetFilter())


FILTER_ORDER = tuple(f.name for f in filters_of())
