"""Back-test: fit on the posts before a date, forecast each post after it, score the forecasts.

Three forecasts of a post's engagements, each ``followers at posting time × rate``:

* ``calibrated``: the creator's rate shrunk toward the fitted curve (creators with no
  post before the split: the curve alone), predictive log-normal with variance
  ``v_i + σ² + se²`` (``τ² + σ² + se²`` for new creators); the point forecast is its
  median, the 80 % interval its 10th–90th percentiles;
* ``built-in``: :func:`lineup.domain.priors.engagement_prior` as the median, with an
  interval from the *fitted* dispersion (``τ² + σ²``), since the built-in priors carry none;
* ``last post``: the creator's last engagement rate before the split (no interval; creators
  with no earlier post are not forecast by it).

Scores: MdAPE = median over posts of ``|forecast − actual| / actual`` (posts with 0
engagements are left out of it and counted; it favours forecasts that run low); MdALE =
median of ``|log(forecast / actual)|`` (scale-free and symmetric); coverage = share of
posts whose actual engagements lie inside the 80 % interval.  The point forecasts are
medians; scenarios fill blank rates with the mean (expected engagements per post).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..domain.priors import engagement_prior
from .._text import counted
from .fit import Calibration, calibrate

__all__ = ["Backtest", "backtest", "LEVEL", "METHODS"]

#: Level of the predictive intervals.
LEVEL = 0.80
METHODS = ("calibrated", "built-in", "last post")


@dataclass(frozen=True)
class Backtest:
    """Forecasts of every scored post and their scores, by method and by creator history."""

    split: pd.Timestamp
    calibration: Calibration
    forecasts: pd.DataFrame = field(repr=False)
    skipped: dict
    level: float = LEVEL

    def __repr__(self) -> str:
        s = self.scores()
        cal = s[(s["method"] == "calibrated") & (s["creators"] == "all")].iloc[0]
        return (f"Backtest(split {self.split.date()}, {int(cal['posts']):,} posts, calibrated coverage "
                f"{cal['coverage']:.1%}, MdAPE {cal['mdape']:.1%})")

    def _repr_html_(self) -> str:
        """The split and the scores table (escaped), for notebooks."""
        from lineup._repr import html_card

        return html_card("Backtest", {"split": self.split.date(), "level": f"{self.level:.0%}",
                                      "posts scored": f"{len(self.forecasts):,}"},
                         self.scores().to_html(escape=True, index=False))

    def scores(self) -> pd.DataFrame:
        """MdAPE, MdALE and coverage per method × creators (``all``, ``with history``, ``new``)."""
        rows = []
        f = self.forecasts
        for method in METHODS:
            for who, mask in (("all", np.ones(len(f), bool)), ("with history", f["history"] > 0),
                              ("new", f["history"] == 0)):
                part = f[mask & f[f"{_col(method)}"].notna()]
                rows.append({"method": method, "creators": who, **_score(part, _col(method))})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        s = self.scores()
        return {"split": self.split.isoformat(), "level": self.level,
                "scores": [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
                           for r in s.to_dict("records")],
                "skipped": self.skipped, "calibration": self.calibration.to_dict(),
                "definitions": {
                    "mdape": "median over posts of |forecast - actual| / actual (posts with 0 engagements left out); "
                             "it favours forecasts that run low (a forecast of 0 scores 100 %, one twice too high "
                             "200 %)",
                    "mdale": "median over posts of |log(forecast / actual)| (posts with 0 engagements left out): "
                             "scale-free and symmetric (twice too high and half too low score the same, log 2)",
                    "point forecast": "every method's point forecast is a median (engagements per post); scenarios "
                                      "fill blank rates with the mean (expected engagements per post), which is "
                                      "higher by exp(variance / 2)",
                    "coverage": f"share of posts whose engagements lie inside the {self.level:.0%} predictive interval",
                    "built-in": "lineup.domain.priors.engagement_prior as the median; its interval uses the fitted "
                                "dispersion (tau^2 + sigma^2), the built-in priors have none",
                    "last post": "the creator's last engagement rate before the split x followers at posting time; "
                                 "no interval"}}


def _col(method: str) -> str:
    return {"calibrated": "calibrated", "built-in": "builtin", "last post": "last"}[method]


def _score(part: pd.DataFrame, col: str) -> dict:
    actual = part["actual"].to_numpy(float)
    point = part[col].to_numpy(float)
    pos = actual > 0
    ape = np.abs(point[pos] - actual[pos]) / actual[pos]
    ale = np.abs(np.log(point[pos] / actual[pos]))
    out = {"posts": int(len(part)), "creators_scored": int(part["influencer_id"].nunique()),
           "mdape": float(np.median(ape)) if len(ape) else float("nan"),
           "mdale": float(np.median(ale)) if len(ale) else float("nan"), "zero_actual": int((~pos).sum())}
    if f"{col}_low" in part:
        inside = (part[f"{col}_low"] <= actual) & (actual <= part[f"{col}_high"])
        out["coverage"] = float(inside.mean()) if len(part) else float("nan")
    else:
        out["coverage"] = float("nan")
    return out


def backtest(frame: pd.DataFrame, split, *, platform: str | None = None, level: float = LEVEL) -> Backtest:
    """Fit on posts before ``split`` (a date or timestamp, UTC), forecast and score those on or after it.

    Raises ``ValueError`` when either side of the split has no posts, or no later post is on a
    platform fitted before the split.

    Examples
    --------
    >>> from lineup.io.synthetic import generate_posts
    >>> posts, _ = generate_posts(80, seed=2)
    >>> bt = backtest(posts.frame, "2024-10-01")
    >>> s = bt.scores().set_index(["method", "creators"])
    >>> bool(0.7 < s.loc[("calibrated", "all"), "coverage"] < 0.9)
    True
    """
    split = _timestamp(split)
    if platform is not None:
        if not (frame["platform"] == platform).any():
            have = ", ".join(sorted(frame["platform"].unique())) or "none"
            raise ValueError(f"no posts on platform {platform!r} (the posts are on: {have})")
        frame = frame[frame["platform"] == platform]
    frame = frame[frame["engagements"].notna()]
    before, after = frame[frame["posted_at"] < split], frame[frame["posted_at"] >= split]
    if before.empty or after.empty:
        side = "before" if before.empty else "on or after"
        raise ValueError(f"no posts {side} the split {split.date()} (posts run from "
                         f"{frame['posted_at'].min().date() if len(frame) else '-'} to "
                         f"{frame['posted_at'].max().date() if len(frame) else '-'})")
    cal = calibrate(before, platform=platform)
    fitted = {g.platform for g in cal.groups}
    skipped = {"platforms_not_fitted": sorted(set(after["platform"]) - fitted),
               "posts_on_unfitted_platforms": int((~after["platform"].isin(fitted)).sum())}
    after = after[after["platform"].isin(fitted)]
    if after.empty:
        raise ValueError(f"no posts after the split on a fitted platform ({_why_unfitted(skipped, before)})")
    parts = [_forecast(cal, str(p), part, before, level) for p, part in after.groupby("platform", sort=True)]
    return Backtest(split, cal, pd.concat(parts, ignore_index=True), skipped, level)


def _why_unfitted(skipped: dict, before: pd.DataFrame) -> str:
    """``tiktok not fitted: no posts before the split; …`` for each platform of the later posts."""
    counts = before.groupby("platform")["influencer_id"].agg(["size", "nunique"])
    why = []
    for p in skipped["platforms_not_fitted"]:
        if p not in counts.index:
            why.append(f"{p} not fitted: no posts before the split")
        else:
            n, c = counts.loc[p]
            why.append(f"{p} not fitted: {counted(int(n), 'post')} by {counted(int(c), 'creator')} before the split")
    return "; ".join(why)


def _timestamp(split) -> pd.Timestamp:
    t = pd.Timestamp(split)
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def _forecast(cal: Calibration, platform: str, after: pd.DataFrame, before: pd.DataFrame, level: float) -> pd.DataFrame:
    fit = cal.group(platform, "all")
    followers = after["followers"].to_numpy(float)
    ids = after["influencer_id"].to_numpy(object)
    mu, var, _ = fit.forecast(ids, followers)
    z = stats.norm.ppf(0.5 + level / 2)
    history = before[before["platform"] == platform].groupby("influencer_id").size()
    last = (before[before["platform"] == platform].sort_values(["posted_at", "post_id"], kind="mergesort")
            .groupby("influencer_id").last())
    last_rate = (last["engagements"] / last["followers"]).reindex(ids).to_numpy(float)
    prior = np.log(engagement_prior(followers))
    sd, sd_prior = np.sqrt(var), np.sqrt(fit.dispersion.total)
    return pd.DataFrame({
        "post_id": after["post_id"].to_numpy(object), "influencer_id": ids, "platform": platform,
        "posted_at": after["posted_at"].to_numpy(), "followers": followers,
        "history": history.reindex(ids).fillna(0).to_numpy(int), "actual": after["engagements"].to_numpy(float),
        "calibrated": followers * np.exp(mu), "calibrated_low": followers * np.exp(mu - z * sd),
        "calibrated_high": followers * np.exp(mu + z * sd),
        "builtin": followers * np.exp(prior), "builtin_low": followers * np.exp(prior - z * sd_prior),
        "builtin_high": followers * np.exp(prior + z * sd_prior),
        "last": followers * last_rate,
    })
