"""Workflows: functions that combine the optimiser, the simulator and I/O.

Import the module you need (``lineup.workflows.simulate``, ``.compare``,
``.frontier``, ``.report``, ``.whatif``) or use the lazily loaded names of
:mod:`lineup`; this package imports nothing itself so the CLI starts fast.
"""
