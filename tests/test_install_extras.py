"""Install extras (issue 9, item 10): the core runs every command; a missing extra is named, exit 2.

The subprocesses hide packages by setting ``sys.modules[name] = None`` before the CLI
starts, which makes every import of them fail as if they were not installed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import TINY_SCENARIO, write_case

REPO = Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")  # Python 3.11+

#: Packages of the extras: none of them may be needed by the core commands.
EXTRAS_MODULES = ["dask", "dask.distributed", "distributed", "jupyter", "nbclient", "nbformat", "ipykernel",
                  "IPython", "jupyterlab", "notebook", "pyarrow", "openpyxl"]

RUN_WITHOUT = """\
import sys
for name in {hidden!r}:
    sys.modules[name] = None
from lineup.cli import main
sys.argv = ["lineup", *sys.argv[1:]]
main()
"""


def lineup_without(hidden, *args, timeout: float = 300) -> subprocess.CompletedProcess:
    code = RUN_WITHOUT.format(hidden=list(hidden))
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def test_core_dependencies_leave_out_notebooks_and_dask():
    project = _pyproject()["project"]
    core = " ".join(project["dependencies"]).lower()
    for heavy in ("jupyter", "nbclient", "ipykernel", "dask"):
        assert heavy not in core
    extras = project["optional-dependencies"]
    assert {"notebooks", "dask", "excel", "parquet", "all", "test"} <= set(extras)
    assert any("dask[distributed]" in d for d in extras["dask"])
    assert {"jupyter", "nbclient", "ipykernel"} <= {d.split(">")[0].split("[")[0] for d in extras["notebooks"]}
    rest = [d for name in ("notebooks", "dask", "parquet", "excel") for d in extras[name]]
    assert sorted(extras["all"]) == sorted(rest)
    assert set(rest) <= set(extras["test"])  # CI runs pip install -e '.[test]': notebooks and Dask included


def _small(tmp_path):
    return write_case(tmp_path, TINY_SCENARIO + "simulation: {days: 5, replications: 2, population: {size: 800}}\n")


@pytest.mark.slow
def test_core_commands_run_without_any_extra(tmp_path):
    case = _small(tmp_path)
    for args in (["solve", case], ["simulate", case], ["compare", case], ["frontier", case, "--budgets", "3000,6000"],
                 ["report", case, "-o", tmp_path / "out", "--frontier-points", "2"]):
        proc = lineup_without(EXTRAS_MODULES, *args)
        assert proc.returncode == 0, (args, proc.stderr)
    assert (tmp_path / "out" / "report.html").is_file()


def test_solve_runs_without_any_extra(tmp_path):
    proc = lineup_without(EXTRAS_MODULES, "solve", write_case(tmp_path), "--what-if", "0")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("option", [["--dask-local", "2"], ["--scheduler", "tcp://127.0.0.1:1"]])
@pytest.mark.parametrize("command", ["simulate", "compare"])
def test_dask_options_without_dask_name_the_extra(tmp_path, command, option):
    proc = lineup_without(["dask", "dask.distributed", "distributed"], command, _small(tmp_path), *option)
    assert proc.returncode == 2, proc.stderr
    assert f"error: {option[0]} runs on Dask, which is not installed: pip install 'lineup[dask]'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_require_dask_raises_a_usage_error(monkeypatch):
    from lineup.errors import UsageError
    from lineup.execution import make_executor

    for name in ("dask", "dask.distributed", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(UsageError, match=r"pip install 'lineup\[dask\]'"):
        with make_executor(1, dask_local=2):
            pass
