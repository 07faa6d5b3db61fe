"""Regenerate every roster shipped in scenarios/rosters/ from fixed seeds.

Run ``python scenarios/generate.py``; the output is byte-identical on every
run (see :mod:`lineup.io.synthetic` for the distributions).
"""

from pathlib import Path

import pandas as pd

from lineup.io.synthetic import generate_overlap, generate_roster, write_roster_csv

HERE = Path(__file__).resolve().parent / "rosters"
BEAUTY = ["skincare", "makeup", "vegan", "wellness", "haircare", "fitness", "fashion", "food", "travel", "parenting"]
GAMING = ["gaming", "tech", "music", "comedy", "fitness", "food", "travel", "fashion"]


def rosters() -> dict[str, pd.DataFrame]:
    """File name → table, for every shipped roster and overlap table."""
    skincare = generate_roster(1500, niches=BEAUTY, platforms={"instagram": 0.7, "tiktok": 0.3},
                               countries={"GB": 0.7, "IE": 0.1, "US": 0.1, "FR": 0.1}, seed=20250301, blank_rate=0.03)
    multi = generate_roster(2000, niches=GAMING, platforms={"instagram": 0.45, "tiktok": 0.35, "youtube": 0.2},
                            countries={"US": 0.6, "CA": 0.2, "GB": 0.2}, seed=20250302, blank_rate=0.03)
    coffee = generate_roster(300, niches=["coffee", "food", "lifestyle", "vegan", "travel"],
                             platforms={"instagram": 1.0}, countries={"GB": 1.0}, seed=20250303)
    return {
        "skincare.csv": skincare,
        "multi_platform.csv": multi,
        "coffee.csv": coffee,
        "coffee_overlap.csv": generate_overlap(coffee, 400, seed=20250304),
    }


def main(folder: Path = HERE) -> None:
    folder.mkdir(exist_ok=True)
    for name, table in rosters().items():
        write_roster_csv(table, folder / name)


if __name__ == "__main__":
    main()
