"""Errors name arguments in the library's words; the CLI shows flags; the marks never reach a reader."""

from __future__ import annotations

import pickle

import pytest

from lineup.errors import Problem, ScenarioError, UsageError, argument


def test_marked_arguments_read_as_names_and_as_flags_and_never_show_the_marks():
    err = UsageError(f"{argument('dask_local')} must be from 1 to 256", [f"{argument('workers')} too", "plain"])
    for text in (str(err), repr(err), *err.args, err.describe(), *err.problems):
        assert "\x1e" not in text and "\x1f" not in text
    assert str(err) == "dask_local must be from 1 to 256" and err.problems == ("workers too", "plain")
    err.in_terms(lambda name: "--" + name.replace("_", "-"))
    assert err.message == "--dask-local must be from 1 to 256" and err.problems == ("--workers too", "plain")


def test_errors_pickle_whole_so_a_worker_s_error_still_names_flags():
    err = ScenarioError(f"s.yaml: use fewer {argument('workers')}",
                        [Problem("s.yaml, line 2", f"pass {argument('output')}")])
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ScenarioError and str(back) == str(err) and back.problems == err.problems
    assert isinstance(back.problems[0], Problem) and back.problems[0].where == "s.yaml, line 2"
    assert back.in_terms(lambda n: f"--{n}").problems == ("s.yaml, line 2: pass --output",)
    assert str(back) == "s.yaml: use fewer --workers"


def test_argument_names_are_identifiers_and_flag_spellings_are_read_as_them():
    assert argument("--coverage-weights") == argument("coverage_weights")
    with pytest.raises(ValueError):
        argument("not a name")
