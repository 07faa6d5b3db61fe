"""Regenerate every roster shipped in scenarios/rosters/ from fixed seeds.

Run ``python scenarios/generate.py``; the output is byte-identical on every
run (see :mod:`lineup.io.synthetic` for the distributions).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from lineup.io.synthetic import generate_overlap, generate_roster, write_roster_csv

HERE = Path(__file__).resolve().parent / "rosters"
BEAUTY = ["skincare", "makeup", "vegan", "wellness", "haircare", "fitness", "fashion", "food", "travel", "parenting"]
SNACKS = ["snacks", "food", "fitness", "parenting", "vegan", "travel"]
GAMING = ["gaming", "tech", "music", "comedy", "fitness", "food", "travel", "fashion"]


def rosters() -> dict[str, pd.DataFrame]:
    """File name → table, for every shipped roster and overlap table."""
    skincare = generate_roster(1500, niches=BEAUTY, platforms={"instagram": 0.7, "tiktok": 0.3},
                               countries={"GB": 0.7, "IE": 0.1, "US": 0.1, "FR": 0.1}, seed=20250301, blank_rate=0.03)
    multi = generate_roster(2000, niches=GAMING, platforms={"instagram": 0.45, "tiktok": 0.35, "youtube": 0.2},
                            countries={"US": 0.6, "CA": 0.2, "GB": 0.2}, seed=20250302, blank_rate=0.03)
    coffee = generate_roster(300, niches=["coffee", "food", "lifestyle", "vegan", "travel"],
                             platforms={"instagram": 1.0}, countries={"GB": 1.0}, seed=20250303)
    cards = generate_roster(400, niches=SNACKS, platforms={"instagram": 0.6, "tiktok": 0.4},
                            countries={"GB": 0.8, "IE": 0.2}, seed=20250305)
    cards = with_brand_columns(cards, seed=20250306)
    return {
        "rate_cards.csv": cards,
        "rate_cards_packages.csv": rate_card(cards, seed=20250307),
        "skincare.csv": skincare,
        "multi_platform.csv": multi,
        "coffee.csv": coffee,
        "coffee_overlap.csv": generate_overlap(coffee, 400, seed=20250304),
    }


def with_brand_columns(frame: pd.DataFrame, *, seed: int) -> pd.DataFrame:
    """The roster with three columns brands write their own rules on: ``co2_kg`` (estimated kg of CO2 per
    campaign: travel and posts), ``verified`` (yes/no) and ``audience_female`` (fraction 0-1)."""
    rng = np.random.default_rng(seed)
    n = len(frame)
    travel = frame["niches"].fillna("").str.contains("travel").to_numpy()
    co2 = frame["posts"].to_numpy() * rng.uniform(2, 12, n) + travel * rng.uniform(40, 160, n)
    verified = np.where(rng.random(n) < 0.1 + 0.5 * (frame["followers"].to_numpy() > 100_000), "yes", "no")
    return frame.assign(co2_kg=co2.round(1), verified=verified, audience_female=rng.beta(5, 4, n).round(3))


#: Packages a creator may sell: name, fee and posts as multiples of the roster's per-post fee, and the
#: multiple of the roster engagement rate (NaN: the roster's rate).
PACKAGES = (("1 post", 1.0, 1, np.nan), ("3 posts", 2.6, 3, np.nan), ("reel", 1.4, 1, 1.8))


def rate_card(frame: pd.DataFrame, *, seed: int) -> pd.DataFrame:
    """A rate card selling 1-3 of :data:`PACKAGES` for about 45 % of the roster's creators; a quarter of
    those packages include usage rights, for 25 % more."""
    rng = np.random.default_rng(seed)
    pick = np.flatnonzero(rng.random(len(frame)) < 0.45)
    out = []
    for k in pick:
        per_post = frame["fee"].iat[k] / frame["posts"].iat[k]
        chosen = sorted(rng.choice(len(PACKAGES), size=rng.integers(1, 4), replace=False))
        for j in chosen:
            name, fee, posts, er = PACKAGES[j]
            rights = rng.random() < 0.25
            out.append({"id": frame["id"].iat[k], "package": name,
                        "fee": round(per_post * fee * (1.25 if rights else 1.0)), "posts": posts,
                        "engagement_rate": "" if np.isnan(er) else round(frame["engagement_rate"].iat[k] * er, 4),
                        "usage_rights": "yes" if rights else "no"})
    return pd.DataFrame(out)


def main(folder: Path = HERE) -> None:
    folder.mkdir(exist_ok=True)
    for name, table in rosters().items():
        write_roster_csv(table, folder / name)


if __name__ == "__main__":
    main()
