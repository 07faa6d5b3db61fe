"""Workflows: functions that combine the optimiser, the simulator and I/O."""

from .simulate import load_portfolio, simulate

__all__ = ["simulate", "load_portfolio"]
