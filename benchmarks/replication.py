"""Seconds per Monte Carlo replication, population generation included, in a warm process.

One worker, ``population`` varying per replication (every replication generates its
own people, as ``lineup simulate`` does by default), a 25-influencer campaign, 30 days,
word-of-mouth p = 0.01.  One replication runs first, untimed (imports, numba's cache),
then ``R`` timed ones; prints wall and CPU seconds per replication and the mean talkers.
It uses only APIs older than issue 14, so the same script times an older checkout:

    python benchmarks/replication.py 1000000 4
    PYTHONPATH=/path/to/old/src python benchmarks/replication.py 1000000 4    # side by side
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

from lineup.domain.campaign import SimulationSpec
from lineup.domain.portfolio import Portfolio
from lineup.domain.priors import engagement_prior
from lineup.domain.roster import Roster
from lineup.domain.tiers import Tiers
from lineup.simulation.campaign import Influencers
from lineup.simulation.montecarlo import monte_carlo


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    niches = ["beauty", "fitness", "food", "gaming", "travel"]
    followers = np.array([800, 2e3, 4e3, 6e3, 8e3, 5e3, 3e3, 9e3] + [2e4 * (k + 1) for k in range(10)]
                         + [2e5, 3e5, 4e5, 5e5, 6e5, 8e5] + [3e6])
    n = len(followers)
    roster = Roster.from_columns(ids=[f"inf{k}" for k in range(n)], followers=followers,
                                 engagement_rate=engagement_prior(followers), fee=followers / 100,
                                 posts=np.full(n, 3), niches=[[niches[k % 5]] for k in range(n)])
    spec = SimulationSpec(word_of_mouth={"p": 0.01}, population={"size": size})
    inf = Influencers.from_portfolio(Portfolio(roster, np.arange(n)), Tiers(), spec.talk_prob)
    monte_carlo(inf, spec, niches=niches, replications=1, seed=0)          # warm-up, not timed
    t, c = time.perf_counter(), time.process_time()
    res = monte_carlo(inf, spec, niches=niches, replications=reps, seed=1)
    print(json.dumps({"size": size, "replications": reps, "per_rep_s": round((time.perf_counter() - t) / reps, 4),
                      "cpu_per_rep_s": round((time.process_time() - c) / reps, 4),
                      "talkers": round(float(res.totals["talkers"].mean), 1)}))


if __name__ == "__main__":
    main()
