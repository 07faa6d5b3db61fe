"""The word-of-mouth simulator: CSR graphs, diffusion kernels, populations, audiences,
the SimPy campaign timeline and Monte Carlo replications.

Independent of :mod:`lineup.optimize`; :func:`lineup.simulate` (a workflow) combines them.
"""

from .audiences import Audiences, draw_audiences
from .cascade import Cascade
from .compiled import Engine, choose_engine
from .campaign import Influencers, simulate_campaign
from .graph import CSRGraph, arc_ranges, barabasi_albert, from_edges, from_networkx
from .kernels import ic_cascades, ic_step, lt_cascades, threshold_cascade
from .montecarlo import monte_carlo
from .population import Population, generate_population
from .result import METRIC_DESCRIPTIONS, Band, SimulationResult
from .spread import Model, SpreadResult, spread

__all__ = [
    "CSRGraph", "from_edges", "from_networkx", "barabasi_albert", "arc_ranges",
    "ic_step", "ic_cascades", "lt_cascades", "threshold_cascade", "spread", "SpreadResult", "Model",
    "Cascade", "Engine", "choose_engine",
    "Population", "generate_population", "Audiences", "draw_audiences",
    "Influencers", "simulate_campaign", "monte_carlo", "SimulationResult", "Band", "METRIC_DESCRIPTIONS",
]
