"""The layers only look down (import-linter contracts in pyproject.toml)."""

import shutil
import subprocess

import pytest

from .conftest import REPO


def test_import_contracts_hold():
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter not installed")
    proc = subprocess.run([exe], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_import_lineup_is_light():
    code = "import sys, lineup.cli; print(sorted(m for m in ('pandas','pulp','scipy','simpy') if m in sys.modules))"
    out = subprocess.run([__import__("sys").executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
