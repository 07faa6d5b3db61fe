"""Spend honesty shared by compare and frontier: which rule stopped the spending."""

from __future__ import annotations

__all__ = ["UNSPENT_NOTE_SHARE", "stopped_by"]

#: Share of its budget a strategy (or frontier point) may leave unspent before a note names the rule
#: that stopped it.
UNSPENT_NOTE_SHARE = 0.10


def stopped_by(binding) -> str:
    """The binding rules that stop further spending, in the planner's words (``""`` if none).

    Rules that block affordable candidates come first (e.g. an influencer cap); else the
    budget itself (the cheapest candidate does not fit the money left); else any tight
    rule.  A strategy's own exclusions (a maximum of 0) come only when nothing else does.

    Examples
    --------
    >>> from types import SimpleNamespace as B
    >>> rules = [B(name="constraints.influencers.min", limit=2, detail="2 selected, the minimum"),
    ...          B(name="budget", limit=1000, detail="spend £620 of £1,000; the cheapest costs £650")]
    >>> stopped_by(rules)
    'budget binding (spend £620 of £1,000; the cheapest costs £650)'
    """
    every = list(binding)
    blocking = [b for b in every if "blocks" in b.detail]
    own = [b for b in blocking if b.name.startswith("constraints.") and b.limit == 0]
    chosen = ([b for b in blocking if b not in own] or [b for b in every if b.name == "budget"] or own
              or [b for b in every if b.name != "budget"] or every)
    return "; ".join(f"{b.name} binding ({b.detail})" for b in chosen)
