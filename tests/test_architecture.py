"""The layers only look down (import-linter contracts in pyproject.toml); nothing inside imports the root.

import-linter and grimp are test dependencies (``.[test]``): these tests fail, never skip, when
they cannot run.  The last test plants bad imports in a copy of the package and checks that
the checks catch them.
"""

import shutil
import subprocess
import sys
import textwrap

from .conftest import REPO

CHECK = textwrap.dedent("""
    import sys
    import grimp
    from importlinter.cli import lint_imports
    code = lint_imports(no_cache=True, no_logo=True)
    root = sorted(grimp.build_graph("lineup").find_modules_that_directly_import("lineup"))
    print("ROOT", root)
    sys.exit(code or (3 if root else 0))
""")


def _check(cwd, pythonpath) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(pythonpath), "HOME": str(cwd)}
    return subprocess.run([sys.executable, "-c", CHECK], cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=120)


def test_import_contracts_hold_and_nothing_imports_the_root_package():
    proc = _check(REPO, REPO / "src")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ROOT []" in proc.stdout


def test_the_checks_catch_a_bad_import(tmp_path):
    for case, line, code in (("layers", "from lineup.workflows import compare  # noqa\n", 1),
                             ("root", "from lineup import __version__  # noqa\n", 3)):
        root = tmp_path / case
        shutil.copytree(REPO / "src" / "lineup", root / "src" / "lineup",
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
        target = root / "src" / "lineup" / "io" / "writers.py"
        target.write_text(line + target.read_text())
        proc = _check(root, root / "src")
        assert proc.returncode == code, (case, proc.stdout, proc.stderr)


def test_import_lineup_is_light():
    code = "import sys, lineup.cli; print(sorted(m for m in ('pandas','pulp','scipy','simpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
