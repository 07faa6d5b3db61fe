"""Calibration: priors fitted from a planner's own post history (issue 13).

Beside the optimiser and the simulator: it reads arrays and tables (never files) and
knows nothing of either.

* :func:`calibrate` → :class:`Calibration`: per platform (and sponsored/organic) the
  engagement-rate curve with its interval, the dispersion around it, the creators' rates
  shrunk toward it, fee curves and rate cards (:mod:`.curve`, :mod:`.fees`, :mod:`.fit`);
* :func:`backtest` → :class:`Backtest`: fit before a date, score forecasts after it.

The model and every estimator: docs/model.md §4.
"""

from .backtest import Backtest, backtest
from .fit import Calibration, GroupFit, calibrate

__all__ = ["Calibration", "GroupFit", "Backtest", "calibrate", "backtest"]
