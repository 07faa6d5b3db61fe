"""load_portfolio: every unusable portfolio file is a located UsageError, never a raw exception."""

import json
import os

import pytest

from lineup.domain.roster import Roster
from lineup.errors import UsageError
from lineup.workflows.simulate import load_portfolio


@pytest.fixture
def roster():
    return Roster.from_columns(ids=["alice", "bob", "1234"], followers=[1e3, 2e3, 3e3],
                               engagement_rate=[0.1] * 3, fee=[10, 20, 30])


def write(tmp_path, name, content):
    path = tmp_path / name
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    return path


def test_json_shapes_and_whole_number_ids(tmp_path, roster):
    assert load_portfolio(write(tmp_path, "p.json", '{"ids": ["@bob", 1234]}'), roster).ids == ["bob", "1234"]
    assert load_portfolio(write(tmp_path, "p.json", '[{"id": "alice", "fee": 10}]'), roster).ids == ["alice"]


def test_deeply_nested_json_is_a_usage_error(tmp_path, roster):
    path = write(tmp_path, "p.json", "[" * 100_000 + "]" * 100_000)  # was a RecursionError
    with pytest.raises(UsageError, match="p.json: the JSON is nested too deeply"):
        load_portfolio(path, roster)


@pytest.mark.parametrize("entries, shown", [
    ([["alice"]], "got a list"),
    ([{"name": "alice"}], "got an object without an 'id'"),
    ([{"id": ["alice"]}], "got 'id': a list"),
    ([True], "got True"),
    ([1.5], "got 1.5"),
    ([None], "got None"),
    ([""], "got ''"),
])
def test_entries_that_are_not_ids_are_located(tmp_path, roster, entries, shown):
    path = write(tmp_path, "p.json", json.dumps({"selected": ["alice", *entries]}))
    with pytest.raises(UsageError) as info:
        load_portfolio(path, roster)
    (problem,) = info.value.problems
    assert problem.startswith(f"{path}, entry selected[1]: expected an id") and problem.endswith(shown)


def test_unknown_ids_are_shown_escaped(tmp_path, roster):
    with pytest.raises(UsageError) as info:
        load_portfolio(write(tmp_path, "p.json", json.dumps([{"id": "\x1b[2J"}])), roster)
    assert "\x1b" not in info.value.describe() and "id '\\x1b[2J' is not in the roster" in info.value.describe()


@pytest.mark.parametrize("text, message", [
    ('{"selected": "alice"}', "'selected' is not"),
    ('{"team": ["alice"]}', "expected a list of ids"),
    ("42", "expected a list of ids"),
    ('[\n  "alice",\n  oops\n]', "p.json, line 3, column 3: invalid JSON"),
])
def test_wrong_json_shapes(tmp_path, roster, text, message):
    with pytest.raises(UsageError, match=message):
        load_portfolio(write(tmp_path, "p.json", text), roster)


@pytest.mark.parametrize("name", ["p.json", "p.csv"])
def test_non_utf8_is_located(tmp_path, roster, name):
    content = b'["alice",\n "b\xe9b"]' if name.endswith("json") else b"id\nalice\nb\xe9b\n"
    with pytest.raises(UsageError, match=rf"{name}, line \d, column \d+: the portfolio file is not UTF-8"):
        load_portfolio(write(tmp_path, name, content), roster)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_fifo_directory_and_loop_are_refused(tmp_path, roster):
    os.mkfifo(tmp_path / "fifo.csv")
    with pytest.raises(UsageError, match=r"fifo.csv: is a named pipe \(FIFO\), expected a portfolio file"):
        load_portfolio(tmp_path / "fifo.csv", roster)
    with pytest.raises(UsageError, match="is a directory"):
        load_portfolio(tmp_path, roster)
    (tmp_path / "loop.json").symlink_to(tmp_path / "loop.json")
    with pytest.raises(UsageError, match="symlink loop"):
        load_portfolio(tmp_path / "loop.json", roster)


def test_csv_problems(tmp_path, roster):
    with pytest.raises(UsageError, match="cannot read the portfolio CSV"):
        load_portfolio(write(tmp_path, "p.csv", ""), roster)
    with pytest.raises(UsageError, match="lists no influencers"):
        load_portfolio(write(tmp_path, "p.csv", "id\n\n"), roster)
