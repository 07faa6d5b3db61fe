"""Stand-in for the post-history value of issue 13 (replaced by main's reader on merge).

Only :class:`Posts` and :meth:`Posts.from_frame` are defined here: the canonical
columns of the shared posts-table contract.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["Posts", "COLUMNS"]

COLUMNS = ("post_id", "influencer_id", "platform", "followers", "likes", "comments", "shares", "views",
           "engagements", "posted_at", "sponsored", "fee")


@dataclass(frozen=True)
class Posts:
    """One row per post, the canonical columns (see the posts-table contract)."""

    frame: pd.DataFrame
    source: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    has_sponsored_flag: bool = False

    @classmethod
    def from_frame(cls, df: pd.DataFrame, *, source=(), warnings=(), has_sponsored_flag: bool | None = None) -> "Posts":
        missing = [c for c in COLUMNS if c not in df.columns]
        if missing:
            raise ValueError(f"posts frame lacks the columns {missing}")
        flag = bool(df["sponsored"].any()) if has_sponsored_flag is None else has_sponsored_flag
        return cls(df.loc[:, list(COLUMNS)].reset_index(drop=True), tuple(map(str, source)), tuple(warnings), flag)
