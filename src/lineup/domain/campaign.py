"""Scenario options for the word-of-mouth simulation (``simulation:`` section)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SimulationSpec"]


class SimulationSpec(BaseModel):
    """Options of ``lineup simulate`` (filled in by the simulator issue)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    replications: int = Field(default=100, ge=1, description="Monte Carlo replications.")
    seed: int = Field(default=0, ge=0, description="Seed of the replications' SeedSequence.")
