"""Plausibility rules for roster values a file gives (estimates are plausible by construction).

A value can be a valid number and still be implausible: a typo, a rate computed on one or
two posts, an audience of bots.  Each rule is one entry of :data:`RULES` (name, column
words, test) over the roster's columns:

``engagement_rate``
    outside ``[ER_LOW, er_high(platform, tier)]``: 0.05 % to 30 % (nano), 25 % (micro),
    20 % (mid), 15 % (macro, mega); rates on views (:data:`VIEW_ER_HIGH`, 40 % for every
    tier) on TikTok, whose rates are often computed on views, and on YouTube and Twitch
    (:data:`VIEW_PLATFORMS`), whose engagement is defined on views and whose blank rates
    lineup derives from average views (:data:`ER_HIGH`).
``authenticity``
    below :data:`MIN_AUTHENTICITY` (0.3: most of the audience is not real).
``followers``
    below :data:`MIN_FOLLOWERS` (10).
``fee``
    the fee per post above :data:`FEE_FACTOR` (20) × the rate card's high price or below
    its low price / 20, for the row's platform and tier (:mod:`lineup.domain.priors`);
    a fee of 0 (a gifted collaboration) is not flagged.

:func:`apply_plausibility` decides what happens to flagged rows (``roster.implausible``):
``flag`` keeps them with the rule names in :attr:`~lineup.domain.roster.Roster.implausible`,
``skip`` drops them, ``error`` raises :class:`~lineup.errors.RosterError`; each way the rows
are listed with their lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .._text import printable
from ..errors import Problem, RosterError
from .priors import card_ranges
from .roster import Roster
from .tiers import TIER_NAMES, Tiers

__all__ = ["ER_LOW", "ER_HIGH", "VIEW_ER_HIGH", "VIEW_PLATFORMS", "MIN_AUTHENTICITY", "MIN_FOLLOWERS", "FEE_FACTOR", "RULES",
           "implausible_rows", "apply_plausibility"]

#: Lowest plausible engagement rate (a fraction).
ER_LOW = 0.0005
#: Platforms whose engagement is defined on views (a rate is average views / followers).
VIEW_PLATFORMS = frozenset({"youtube", "twitch"})
#: Highest plausible rate computed on views, every tier (the public top-250 TikTok list reaches 36 %;
#: views per subscriber of large YouTube channels run 20–35 %).
VIEW_ER_HIGH = 0.40
#: Highest plausible engagement rate by platform (``default`` for others) and tier.
ER_HIGH: dict[str, dict[str, float]] = {
    "default": {"nano": 0.30, "micro": 0.25, "mid": 0.20, "macro": 0.15, "mega": 0.15},
    **{p: dict.fromkeys(TIER_NAMES, VIEW_ER_HIGH) for p in sorted(VIEW_PLATFORMS | {"tiktok"})},
}
MIN_AUTHENTICITY = 0.3
MIN_FOLLOWERS = 10
#: A given fee per post more than this many times the card's high price (or less than its low / this) is flagged.
FEE_FACTOR = 20.0
#: How many rows a warning lists before "and N more".
LISTED = 10

Context = dict


def er_high(platform: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Highest plausible engagement rate of each row (platform, tier code).

    >>> er_high(np.array(["instagram", "tiktok", "youtube"], dtype=object), np.array([1, 4, 4])).tolist()
    [0.25, 0.4, 0.4]
    """
    out = np.empty(len(platform))
    for name in np.unique(platform).tolist() if len(platform) else []:
        table = np.array([ER_HIGH.get(name, ER_HIGH["default"])[t] for t in TIER_NAMES])
        rows = platform == name
        out[rows] = table[codes[rows]]
    return out


def _er_rule(r: Roster, ctx: Context) -> tuple[np.ndarray, Callable[[int], str]]:
    high = er_high(r.platform, ctx["codes"])
    bad = ~r.er_estimated & ((r.engagement_rate < ER_LOW) | (r.engagement_rate > high))
    return bad, lambda k: (f"engagement rate {r.engagement_rate[k]:.2%} is outside the plausible "
                           f"{ER_LOW:.2%}–{high[k]:.0%} for a {ctx['names'][k]} creator on {_p(r.platform[k])}")


def _authenticity_rule(r: Roster, ctx: Context) -> tuple[np.ndarray, Callable[[int], str]]:
    return r.authenticity < MIN_AUTHENTICITY, lambda k: (
        f"authenticity {r.authenticity[k]:g} is below {MIN_AUTHENTICITY:g} (most of the audience is not real)")


def _followers_rule(r: Roster, ctx: Context) -> tuple[np.ndarray, Callable[[int], str]]:
    return r.followers < MIN_FOLLOWERS, lambda k: f"{r.followers[k]:,.0f} followers is below {MIN_FOLLOWERS}"


def _fee_rule(r: Roster, ctx: Context) -> tuple[np.ndarray, Callable[[int], str]]:
    low, high = card_ranges(r.platform, ctx["codes"], ctx["card"])
    per_post = r.fee / r.posts
    bad = ~r.fee_estimated & (r.fee > 0) & ((per_post > FEE_FACTOR * high) | (per_post < low / FEE_FACTOR))
    def reason(k: int) -> str:
        side = "above 20×" if per_post[k] > high[k] else "below 1/20 of"
        return (f"fee {per_post[k]:,.2f} per post is {side} the {_p(r.platform[k])} {ctx['names'][k]} rate card "
                f"({low[k]:,.0f}–{high[k]:,.0f})")

    return bad, reason


def _p(text: object) -> str:
    return printable(text, limit=40)


#: (rule name, words for messages, test): a test returns the flagged rows and a row's reason.
RULES: tuple[tuple[str, str, Callable], ...] = (
    ("engagement_rate", "engagement rates", _er_rule),
    ("authenticity", "authenticity scores", _authenticity_rule),
    ("followers", "follower counts", _followers_rule),
    ("fee", "fees", _fee_rule),
)


def implausible_rows(roster: Roster, *, tiers: Tiers | None = None,
                     card: Mapping | None = None) -> list[tuple[str, str, np.ndarray, Callable[[int], str]]]:
    """``(rule, words, flagged rows, reason of a row)`` for every rule that flags a row.

    Examples
    --------
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[5_000, 5], engagement_rate=[0.6, 0.04], fee=[200, 30])
    >>> [(rule, rows.tolist()) for rule, _, rows, _ in implausible_rows(r)]
    [('engagement_rate', [0]), ('followers', [1])]
    """
    tiers = tiers or Tiers()
    codes = tiers.codes_of(roster.followers)
    ctx = {"codes": codes, "names": np.asarray(TIER_NAMES, dtype=object)[codes], "card": card}
    out = []
    for rule, words, test in RULES:
        with np.errstate(invalid="ignore", divide="ignore"):
            bad, reason = test(roster, ctx)
        if bad.any():
            out.append((rule, words, np.flatnonzero(bad), reason))
    return out


def apply_plausibility(roster: Roster, mode: str = "flag", *, tiers: Tiers | None = None,
                       card: Mapping | None = None, unit: str = "line") -> tuple[Roster, list[str]]:
    """Flag, drop or refuse rows with implausible values; return the roster and one warning per rule.

    Examples
    --------
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[5_000, 8_000], engagement_rate=[0.6, 0.04],
    ...                         fee=[200, 300], source="r.csv")
    >>> flagged, warnings = apply_plausibility(r)
    >>> flagged.implausible.tolist()
    ['engagement_rate', '']
    >>> print(warnings[0])  # doctest: +NORMALIZE_WHITESPACE
    r.csv: 1 implausible engagement rates, flagged (roster.implausible: flag): line 2 (a): engagement rate
    60.00% is outside the plausible 0.05%–25% for a micro creator on instagram
    >>> apply_plausibility(r, "skip")[0].ids.tolist()
    ['b']
    """
    found = implausible_rows(roster, tiers=tiers, card=card)
    if not found:
        return roster, []
    if mode == "error":
        problems = sorted(((roster.line[k], Problem(f"{printable(roster.source)}, {unit} {roster.line[k]}", reason(k)))
                           for _, _, rows, reason in found for k in rows.tolist()), key=lambda lp: lp[0])
        plural = "s" if len(problems) != 1 else ""
        raise RosterError(f"{printable(roster.source)}: {len(problems)} implausible value{plural} "
                          f"(roster.implausible: error; use flag or skip to go on, or correct the values)",
                          [p for _, p in problems])
    verb = {"flag": "flagged", "skip": "skipped"}[mode]
    warnings = [_warning(roster, words, rows, reason, verb, mode, unit) for _, words, rows, reason in found]
    if mode == "skip":
        keep = np.ones(roster.n, dtype=bool)
        for _, _, rows, _ in found:
            keep[rows] = False
        if not keep.any():
            raise RosterError(f"{printable(roster.source)}: no rows left after skipping {roster.n} rows with "
                              f"implausible values (roster.implausible: skip)", warnings)
        return roster.subset(keep), warnings
    return roster.with_implausible(_labels(roster.n, found)), warnings


def _labels(n: int, found) -> np.ndarray:
    """Per row, the names of the rules that flag it, joined with ``", "`` (``""`` when none)."""
    labels = np.full(n, "", dtype=object)
    for rule, _, rows, _ in found:
        labels[rows] = np.where(labels[rows] == "", rule, labels[rows] + ", " + rule)
    return labels


def _warning(roster: Roster, words: str, rows: np.ndarray, reason, verb: str, mode: str, unit: str) -> str:
    shown = "; ".join(f"{unit} {roster.line[k]} ({_p(roster.ids[k])}): {reason(k)}" for k in rows[:LISTED].tolist())
    more = f"; and {len(rows) - LISTED} more" if len(rows) > LISTED else ""
    return (f"{printable(roster.source)}: {len(rows)} implausible {words}, {verb} (roster.implausible: {mode}): "
            f"{shown}{more}")
