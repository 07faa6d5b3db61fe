"""Every notebook in notebooks/ runs top to bottom (with small parameters) and is stored without outputs.

Papermill-style: the cell tagged ``parameters`` is followed, in memory only, by an
injected cell that sets small values, and the notebook runs with nbclient in
``notebooks/`` (so ``../scenarios/...`` resolves) on a non-interactive matplotlib
backend.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

#: Small parameters per notebook: the four together run in well under two minutes.
SMALL = {
    "01_strategist_quickstart.ipynb": {"BUDGET_POINTS": 3, "REPLICATIONS": 3, "POPULATION": 2_000},
    "02_micro_vs_macro.ipynb": {"REPLICATIONS": 3, "POPULATION": 2_000},
    "03_researcher_sweep.ipynb": {"STRATEGIES": ["micro", "macro"], "P_VALUES": [0.01, 0.04], "REPLICATIONS": 4,
                                  "POPULATION": 2_000, "WORKERS": 1, "GRAPH_NODES": 3_000, "SPREAD_RUNS": 50},
    "04_researcher_calibrate_and_stress.ipynb": {"CREATORS": 60, "POINTS": 6, "REPLICATIONS": 2, "POPULATION": 5_000,
                                                 "WORKERS": 1},
}


def _load(name: str):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def _parameters_index(nb) -> int:
    tagged = [k for k, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell must be tagged 'parameters'"
    return tagged[0]


def _inject(nb, values: dict) -> None:
    source = "\n".join(f"{k} = {v!r}" for k, v in values.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    cell.id = "injected-parameters"
    nb.cells.insert(_parameters_index(nb) + 1, cell)


def test_every_notebook_has_small_parameters():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(SMALL)


@pytest.mark.parametrize("name", sorted(SMALL))
def test_notebook_is_stored_clean(name):
    nb = _load(name)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    params = nb.cells[_parameters_index(nb)].source
    for key in SMALL[name]:
        assert f"{key} = " in params, f"{name}: parameter {key} is not in the parameters cell"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: stored with outputs"


@pytest.mark.parametrize("name", sorted(SMALL))
def test_notebook_runs(name, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = _load(name)
    _inject(nb, SMALL[name])
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert all(c.execution_count is not None for c in nb.cells if c.cell_type == "code")


def test_researcher_sweep_runs_on_a_dask_cluster(dask_address, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    name = "03_researcher_sweep.ipynb"
    nb = _load(name)
    _inject(nb, {**SMALL[name], "SCHEDULER": dask_address, "P_VALUES": [0.02]})
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
