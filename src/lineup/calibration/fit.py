"""Fit priors from a post history: :func:`calibrate` → :class:`Calibration`.

Per platform, the pooled group ``all`` is always fitted; when the posts carry a
sponsored flag and both the sponsored and the organic posts have at least
:data:`MIN_GROUP_POSTS` posts by :data:`MIN_GROUP_CREATORS` creators, each is also
fitted on its own (otherwise a note says why they stay pooled).  See
:mod:`lineup.calibration.curve` for the model and :mod:`lineup.calibration.fees`
for fees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._text import counted
from .curve import CREATORS_PER_DF, Curve, Dispersion, dispersion, fit_curve, log_rates, shrink
from .fees import FeeFit, fit_fees

__all__ = ["Calibration", "GroupFit", "calibrate", "CHECK_FOLLOWERS", "MIN_GROUP_POSTS", "MIN_GROUP_CREATORS",
           "MIN_POSTS", "MIN_CREATORS", "GRID_STEP"]

#: Follower counts at which summaries show the curve.
CHECK_FOLLOWERS = (1e3, 1e4, 1e5, 1e6, 1e7)
#: A sponsored or organic group is fitted on its own from this many posts ...
MIN_GROUP_POSTS = 200
#: ... by this many creators.
MIN_GROUP_CREATORS = 20
#: A platform needs at least this many posts by this many creators to be fitted at all.
MIN_POSTS, MIN_CREATORS = 30, 8
#: Spacing of the curve points written to priors files, in log10(followers).
GRID_STEP = 0.1
#: Level of the curve's and the per-creator intervals.
LEVEL = 0.95
#: What the curve's interval is, and is not (docs/model.md §4: measured coverage below nominal).
INTERVAL_WORDING = ("pointwise 95 % interval of the typical (median) rate, conditional on the chosen spline size "
                    "(the spline's degrees of freedom are picked by cross-validation and treated as known)")


@dataclass(frozen=True)
class GroupFit:
    """The curve, dispersion and shrunk creator rates of one platform × group (``all``/``sponsored``/``organic``)."""

    platform: str
    group: str
    curve: Curve
    dispersion: Dispersion
    posts: int
    creators: int
    zero_posts: int
    rates: pd.DataFrame = field(repr=False)

    def typical(self, followers, level: float = LEVEL) -> pd.DataFrame:
        """The typical (median) rate ``exp(ĝ)`` at ``followers`` with its ``level`` interval, and the mean rate.

        ``mean = median × exp((τ² + σ²)/2)``: the expected rate of a post by an unknown
        creator with that many followers.  ``outside`` marks follower counts outside
        the fitted range (the edge value is given).
        """
        followers = np.asarray(followers, dtype=float)
        g, se = self.curve.predict(followers)
        q = self.curve.quantile(level)
        return pd.DataFrame({"followers": followers, "median": np.exp(g), "low": np.exp(g - q * se),
                             "high": np.exp(g + q * se), "mean": np.exp(g + self.dispersion.total / 2),
                             "outside": self.curve.outside(followers)})

    def grid(self) -> pd.DataFrame:
        """:meth:`typical` on a grid of log10(followers) every :data:`GRID_STEP` over the fitted range."""
        lo, hi = self.curve.x_range
        x = np.unique(np.concatenate([np.arange(np.ceil(lo / GRID_STEP) * GRID_STEP, hi, GRID_STEP), [lo, hi]]))
        return self.typical(10 ** x)

    def forecast(self, influencer_ids, followers) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Predictive ``(mean log rate, variance, has history)`` of a new post by each creator at ``followers``.

        Known creators: ``ĝ(x) + w r̄`` with variance ``v + σ² + se²``; creators without
        a post here: ``ĝ(x)`` with variance ``τ² + σ² + se²``.
        """
        g, se = self.curve.predict(followers)
        known = self.rates.set_index("id")
        ids = pd.Index(np.asarray(influencer_ids, dtype=object))
        hit = ids.isin(known.index)
        shift = np.where(hit, known["shift"].reindex(ids).to_numpy(float), 0.0)
        var = np.where(hit, known["effect_var"].reindex(ids).to_numpy(float), self.dispersion.between)
        return g + np.nan_to_num(shift), np.nan_to_num(var) + self.dispersion.within + se ** 2, np.asarray(hit)

    def to_dict(self) -> dict:
        points = self.grid()
        return {
            "platform": self.platform, "group": self.group, "posts": self.posts, "creators": self.creators,
            "posts_with_zero_engagements": self.zero_posts,
            "followers_range": [float(10 ** self.curve.x_range[0]), float(10 ** self.curve.x_range[1])],
            "spline_df": self.curve.df,
            "dispersion": {"between_creators": self.dispersion.between, "within_creator": self.dispersion.within},
            "curve": [{k: (bool(v) if k == "outside" else float(v)) for k, v in row.items() if k != "outside"}
                      for row in points.to_dict("records")],
            "at": [{k: (bool(v) if k == "outside" else float(v)) for k, v in row.items()}
                   for row in self.typical(CHECK_FOLLOWERS).to_dict("records")],
        }


@dataclass(frozen=True)
class Calibration:
    """Everything fitted from a post history: per platform × group curves, fees, notes."""

    groups: tuple[GroupFit, ...]
    fees: tuple[FeeFit, ...]
    notes: tuple[str, ...]
    posts: int
    date_range: tuple[str, str] | None

    def __repr__(self) -> str:
        names = ", ".join(f"{g.platform}/{g.group}" for g in self.groups)
        return f"Calibration({self.posts:,} posts; {names}; {len(self.fees)} fee fit(s))"

    def _repr_html_(self) -> str:
        """The facts and each group's typical rate at 1k … 10M followers (escaped), for notebooks."""
        from lineup._repr import html_card

        rows = {f"{g.platform}/{g.group}": {f"{int(r['followers']):,}": f"{r['median']:.2%} [{r['low']:.2%}–{r['high']:.2%}]"
                                            for r in g.typical(CHECK_FOLLOWERS).to_dict("records")}
                for g in self.groups}
        table = pd.DataFrame(rows).T.to_html(escape=True) if rows else ""
        return html_card("Calibration", {"posts": f"{self.posts:,}", "groups": len(self.groups),
                                         "fee fits": len(self.fees), "notes": len(self.notes)}, table)

    def group(self, platform: str, group: str = "all") -> GroupFit:
        """The fit of ``platform`` × ``group`` (KeyError if not fitted)."""
        for g in self.groups:
            if g.platform == platform and g.group == group:
                return g
        raise KeyError(f"{platform}/{group}")

    def influencer_rates(self) -> pd.DataFrame:
        """The shrunk per-creator rates of every platform's pooled group (the roster-joinable table)."""
        frames = [g.rates.loc[:, list(RATE_COLUMNS)] for g in self.groups if g.group == "all"]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(RATE_COLUMNS))

    def to_dict(self) -> dict:
        return {"posts": self.posts, "date_range": list(self.date_range) if self.date_range else None,
                "groups": [g.to_dict() for g in self.groups], "fees": [f.to_dict() for f in self.fees],
                "notes": list(self.notes), "definitions": {"low, high": INTERVAL_WORDING}}


#: Columns of the per-influencer rates table.
RATE_COLUMNS = ("id", "platform", "engagement_rate", "low", "high", "posts", "raw_rate", "shrinkage_weight",
                "followers")


def calibrate(frame: pd.DataFrame, *, platform: str | None = None) -> Calibration:
    """Fit every platform (or only ``platform``) of a canonical posts frame (see :mod:`lineup.io.posts`).

    Posts without engagements (NaN) are left out with a note.  Raises ``ValueError``
    naming the platform when no platform has enough posts to fit.

    Examples
    --------
    >>> from lineup.io.synthetic import generate_posts
    >>> posts, truth = generate_posts(60, seed=3)
    >>> cal = calibrate(posts.frame)
    >>> cal.group("instagram").posts == len(posts.frame), round(cal.group("instagram").dispersion.between, 1)
    (True, 0.2)
    """
    notes: list[str] = []
    df = frame
    if platform is not None:
        df = df[df["platform"] == platform]
        if df.empty:
            have = ", ".join(sorted(frame["platform"].unique())) or "none"
            raise ValueError(f"no posts on platform {platform!r} (the posts are on: {have})")
    blank = df["engagements"].isna()
    if blank.any():
        notes.append(f"{int(blank.sum()):,} posts have no engagement counts: left out of the fit")
        df = df[~blank]
    groups, fees = [], []
    for name, part in df.groupby("platform", sort=True):
        fitted = _platform_groups(str(name), part, notes)
        groups += fitted
        fee = fit_fees(str(name), part)
        if fee is None:
            notes.append(f"{name}: no fees in the posts: the built-in rate card stays")
        else:
            fees.append(fee)
            notes += [f"{name}: {n}" for n in fee.notes]
    if not groups:
        raise ValueError(f"too few posts to fit a curve: need {MIN_POSTS} posts by {MIN_CREATORS} creators "
                         f"on a platform")
    dates = df["posted_at"].dropna()
    span = (str(dates.min().date()), str(dates.max().date())) if len(dates) else None
    return Calibration(tuple(groups), tuple(fees), tuple(notes), int(len(df)), span)


def _platform_groups(platform: str, part: pd.DataFrame, notes: list[str]) -> list[GroupFit]:
    if part["influencer_id"].nunique() < MIN_CREATORS or len(part) < MIN_POSTS:
        notes.append(f"{platform}: {counted(len(part), 'post')} by {counted(part['influencer_id'].nunique(), 'creator')}: too few "
                     f"to fit (need {MIN_POSTS} posts by {MIN_CREATORS} creators); left out")
        return []
    out = [fit_group(platform, "all", part)]
    if out[0].curve.df == 0:
        notes.append(f"{platform}: every post has the same follower count: the curve is a constant (the median "
                     f"rate of the posts), not a function of followers")
    elif out[0].curve.df == 1:
        notes.append(f"{platform}: {out[0].creators:,} creators: the curve is a straight line in log10(followers) "
                     f"(a spline needs {3 * CREATORS_PER_DF} creators: one degree of freedom per "
                     f"{CREATORS_PER_DF})")
    if part.groupby("influencer_id").size().max() == 1:
        notes.append(f"{platform}: every creator has one post: the between-creator and post-to-post variances "
                     f"cannot be separated (all of it is counted between creators); creator rates are the curve's "
                     f"(one post cannot be told from post-to-post noise) and forecasts carry the whole residual "
                     f"variance")
    flag = part["sponsored"].astype(bool)
    if not flag.any():
        return out
    sizes = {g: (int(rows.sum()), part.loc[rows, "influencer_id"].nunique()) for g, rows in
             (("sponsored", flag), ("organic", ~flag))}
    thin = [f"{g} {counted(n, 'post')} by {counted(c, 'creator')}" for g, (n, c) in sizes.items()
            if n < MIN_GROUP_POSTS or c < MIN_GROUP_CREATORS]
    if thin:
        notes.append(f"{platform}: sponsored and organic posts pooled ({'; '.join(thin)}; each group needs "
                     f"{MIN_GROUP_POSTS} posts by {MIN_GROUP_CREATORS} creators)")
        return out
    return out + [fit_group(platform, "sponsored", part[flag]), fit_group(platform, "organic", part[~flag])]


def fit_group(platform: str, group: str, part: pd.DataFrame) -> GroupFit:
    """Curve, dispersion and shrunk creator rates of one set of posts (see :mod:`lineup.calibration.curve`)."""
    followers = part["followers"].to_numpy(float)
    ids = part["influencer_id"].to_numpy(object)
    y = log_rates(part["engagements"].to_numpy(float), followers)
    curve = fit_curve(followers, y, ids)
    g, _ = curve.predict(followers)
    disp = dispersion(y - g, ids)
    rates = _creator_rates(platform, part, y - g, curve, disp)
    return GroupFit(platform, group, curve, disp, int(len(part)), int(len(rates)),
                    int((part["engagements"].to_numpy(float) <= 0).sum()), rates)


def _creator_rates(platform: str, part: pd.DataFrame, resid: np.ndarray, curve: Curve, disp: Dispersion) -> pd.DataFrame:
    """Per creator: shrunk expected rate per post at its latest followers, 95 % interval, raw mean rate."""
    order = part.assign(_r=resid, _rate=part["engagements"].to_numpy(float) / part["followers"].to_numpy(float))
    order = order.sort_values(["posted_at", "post_id"], kind="mergesort")
    by = order.groupby("influencer_id", sort=True)
    n, rbar = by.size().to_numpy(float), by["_r"].mean().to_numpy()
    latest = by["followers"].last().to_numpy(float)
    w, v = shrink(rbar, n, disp)
    g, se = curve.predict(latest)
    centre, var = g + w * rbar, v + se ** 2
    q = curve.quantile(LEVEL)
    half = disp.within / 2
    return pd.DataFrame({
        "id": by.size().index.to_numpy(object), "platform": platform,
        "engagement_rate": np.exp(centre + var / 2 + half),
        "low": np.exp(centre - q * np.sqrt(var) + half), "high": np.exp(centre + q * np.sqrt(var) + half),
        "posts": n.astype(int), "raw_rate": by["_rate"].mean().to_numpy(), "shrinkage_weight": w,
        "followers": latest, "shift": w * rbar, "effect_var": v,
    })
