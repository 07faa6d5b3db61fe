"""Calibration: priors fitted from a planner's own post history (issue 13).

Beside the optimiser and the simulator: it reads arrays and tables (never files) and
knows nothing of either.
"""
