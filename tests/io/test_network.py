"""Edge-list and communities loader, and the simulate workflow on network / generated scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lineup.errors import NetworkError, UsageError
from lineup.io.network import load_network, read_communities, read_edge_list

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "networks"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_plain_tab_and_space_separated(tmp_path):
    g = read_edge_list(_write(tmp_path, "e.txt", "1 2\n2\t3\n3   1 0.5 extra\n\n"))
    assert g.n == 3 and g.m == 6 and g.labels.tolist() == [1, 2, 3] and not g.directed


def test_comments_and_text_header(tmp_path):
    text = "% konect style\n# snap style\nsource target\nalice bob\nbob carol\n"
    g = read_edge_list(_write(tmp_path, "e.txt", text), header=True)
    assert g.labels.tolist() == ["alice", "bob", "carol"] and g.m == 4
    # with text ids a header cannot be told from an edge: without header=True it is one
    assert "source" in read_edge_list(tmp_path / "e.txt").labels.tolist()


def test_numeric_text_header_above_numbers(tmp_path):
    g = read_edge_list(_write(tmp_path, "e.txt", "from to\n5 6\n6 7\n"))
    assert g.labels.tolist() == [5, 6, 7]


def test_nethept_style_count_header_is_skipped(tmp_path):
    g = read_edge_list(_write(tmp_path, "e.txt", "4\t3\n0\t1\n1\t2\n2\t3\n"))
    assert g.n == 4 and g.m == 6 and g.labels.tolist() == [0, 1, 2, 3]
    # without the count matching, the first line is an edge
    g2 = read_edge_list(_write(tmp_path, "f.txt", "4 9\n0 1\n1 2\n"))
    assert 9 in g2.labels.tolist()


def test_explicit_header_flag(tmp_path):
    path = _write(tmp_path, "e.txt", "7 8\n0 1\n")
    assert read_edge_list(path, header=True).labels.tolist() == [0, 1]
    assert read_edge_list(path, header=False).labels.tolist() == [0, 1, 7, 8]


def test_directed_self_loops_and_duplicates(tmp_path):
    g = read_edge_list(_write(tmp_path, "e.txt", "0 1\n0 1\n1 1\n1 0\n"), directed=True)
    assert g.directed and g.m == 2


def test_bad_lines_are_all_reported_with_line_numbers(tmp_path):
    path = _write(tmp_path, "e.txt", "# header comment\n1 2\n3\n4 5\n  6  \n")
    with pytest.raises(NetworkError) as err:
        read_edge_list(path)
    problems = err.value.problems
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}, line 3") and "'3'" in problems[0]
    assert problems[1].startswith(f"{path}, line 5") and "'6'" in problems[1]
    assert err.value.exit_code == 2


def test_missing_or_empty_files(tmp_path):
    with pytest.raises(NetworkError, match="not found"):
        read_edge_list(tmp_path / "nope.txt")
    with pytest.raises(NetworkError, match="no edges"):
        read_edge_list(_write(tmp_path, "e.txt", "# nothing\n"))


def test_communities_extra_nodes_and_first_label_wins(tmp_path):
    edges = _write(tmp_path, "e.txt", "0 1\n1 2\n2 3\n")
    comm = _write(tmp_path, "c.txt", "node label\n0 10\n1 2\n1 10\n9 2\n")
    pop = load_network(edges, comm)
    assert pop.niche_names == ("2", "10")           # numeric labels sorted as numbers
    assert pop.size == 5 and pop.graph.labels.tolist() == [0, 1, 2, 3, 9]
    assert pop.niche.tolist() == [1, 0, -1, -1, 0]
    assert pop.graph.out_degree().tolist() == [1, 2, 2, 1, 0]


def test_bad_community_lines(tmp_path):
    labels = np.array([0, 1, 2])
    path = _write(tmp_path, "c.txt", "0 a\n1\nx b\n")
    with pytest.raises(NetworkError) as err:
        read_communities(path, labels)
    assert [p.where for p in err.value.problems] == [f"{path}, line 2", f"{path}, line 3"]


def test_no_communities_means_no_niches(tmp_path):
    pop = load_network(_write(tmp_path, "e.txt", "0 1\n"))
    assert pop.niche_names == () and pop.niche.tolist() == [-1, -1]


def _refused(path: Path) -> NetworkError:
    with pytest.raises(NetworkError) as err:
        read_edge_list(path)
    assert err.value.exit_code == 2
    return err.value


def _no_control_characters(text: str) -> bool:
    return all(ch.isprintable() or ch == "\n" for ch in text)


@pytest.mark.parametrize("content", [b"0 1\n1 9223372036854775808\n",          # fast path: pandas reads uint64
                                     b"% c\n0 1\n1 9223372036854775808\n",      # careful path: int64 overflow
                                     b"0 1\n2 -99999999999999999999999\n"])
def test_ids_beyond_int64_are_located_not_wrapped(tmp_path, content):
    path = tmp_path / "e.txt"
    path.write_bytes(content)
    err = _refused(path)
    last = len(content.splitlines())
    assert "64-bit" in err.problems[0] and err.problems[0].where == f"{path}, line {last}"


def test_largest_int64_id_still_reads(tmp_path):
    g = read_edge_list(_write(tmp_path, "e.txt", "0 9223372036854775807\n"))
    assert g.labels.tolist() == [0, 2**63 - 1]


def test_community_ids_beyond_int64_are_located(tmp_path):
    path = _write(tmp_path, "c.txt", "0 a\n99999999999999999999 b\n")
    with pytest.raises(NetworkError) as err:
        read_communities(path, np.array([0, 1]))
    assert err.value.problems[0].where == f"{path}, line 2" and "64-bit" in err.value.problems[0]


@pytest.mark.parametrize("content, expected", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\n1 2\n", "line 3: a NUL byte"),
    (b"\x1f\x8b\x08\x00\x1b[2J", "gzip-compressed"),
    (b"0 1\ncaf\xe9 \x1b[31mx\n", "line 2: byte 0xe9 is not UTF-8"),
    (b"\xff\xfe0\x00 \x001\x00", "UTF-16"),
])
def test_binary_compressed_and_non_utf8_files_are_refused_with_escaped_text(tmp_path, content, expected):
    path = tmp_path / "e.txt"
    path.write_bytes(content)
    err = _refused(path)
    assert expected in err.describe() and _no_control_characters(err.describe())


def test_control_characters_in_lines_are_escaped_in_messages(tmp_path):
    path = tmp_path / "e.txt"
    path.write_bytes(b"0 1\n\x1b]0;owned\x07\n2 \x1b[31m\n")
    err = _refused(path)
    text = err.describe()
    assert _no_control_characters(text) and "\\x1b]0;owned\\x07" in text and "\\x1b[31m" in text
    assert sorted({p.where for p in err.problems}) == [f"{path}, line 2", f"{path}, line 3"]


def test_line_numbers_count_physical_lines_only(tmp_path):
    # str.splitlines() would also break at \x0c, \x1c and \u2028 and shift every later line number
    path = tmp_path / "e.txt"
    path.write_bytes("0 1\x0c\n1 2\u2028\n3\n".encode())
    assert _refused(path).problems[0].where == f"{path}, line 3"


@pytest.mark.skipif(not (SHARED / "email_eu_core").exists(), reason="shared data not available")
def test_real_email_eu_core_with_departments():
    d = SHARED / "email_eu_core"
    pop = load_network(d / "edges.txt", d / "departments.txt", directed=True)
    assert pop.size == 1005 and len(pop.niche_names) == 42
    assert pop.graph.m == 25_571 - 642           # self-loops dropped
    assert np.all(pop.niche >= 0)


@pytest.mark.skipif(not (SHARED / "nethept").exists(), reason="shared data not available")
def test_real_nethept_header():
    g = read_edge_list(SHARED / "nethept" / "edges.txt")
    assert g.n == 15_229 and g.m == 2 * 31_376


# ----------------------------------------------------------------- workflow

SIM_SCENARIO = """\
name: Sim test
currency: GBP
budget: 6000
roster: roster.csv
niches:
  skincare: {weight: 3}
  vegan: {weight: 1}
simulation:
  days: 8
  replications: 3
  seed: 4
  {population}
"""


def _scenario(tmp_path, population: str):
    from lineup.io.scenario import load_scenario

    from ..conftest import write_case

    return load_scenario(write_case(tmp_path, SIM_SCENARIO.replace("{population}", population)))


def test_simulate_generated_population(tmp_path):
    from lineup.domain.portfolio import Portfolio
    from lineup.workflows.simulate import simulate

    sc = _scenario(tmp_path, "population: {size: 2000, mean_degree: 6}")
    res = simulate(sc, Portfolio.from_ids(sc.roster, ["alice", "bob", "frank"]))
    assert res.replications == 3 and res.seed == 4 and res.population_size == 2000
    assert res.niche_names == ("skincare", "vegan") and res.days == 8
    again = simulate(sc, Portfolio.from_ids(sc.roster, ["alice", "bob", "frank"]), seed=4, workers=2)
    assert np.array_equal(res.samples["reach"], again.samples["reach"])


def test_simulate_network_relative_to_the_scenario(tmp_path):
    from lineup.domain.portfolio import Portfolio
    from lineup.workflows.simulate import simulate

    net = tmp_path / "net"
    net.mkdir()
    rng = np.random.default_rng(0)
    edges = "\n".join(f"{a} {b}" for a, b in rng.integers(0, 300, size=(1500, 2)))
    (net / "edges.txt").write_text(edges + "\n")
    (net / "groups.txt").write_text("\n".join(f"{k} {k % 3}" for k in range(300)) + "\n")
    sc = _scenario(tmp_path, "network: {path: net/edges.txt, communities: net/groups.txt}")
    res = simulate(sc, Portfolio.from_ids(sc.roster, ["alice", "dave"]), replications=2)
    assert res.population_size == 300 and res.niche_names == ("0", "1", "2") and res.replications == 2


def test_simulate_bad_network_is_a_network_error(tmp_path):
    from lineup.domain.portfolio import Portfolio
    from lineup.workflows.simulate import simulate

    (tmp_path / "edges.txt").write_text("1 2\noops\n")
    sc = _scenario(tmp_path, "network: edges.txt")
    with pytest.raises(NetworkError, match="edges.txt"):
        simulate(sc, Portfolio.from_ids(sc.roster, ["alice"]))


def test_load_portfolio_csv_and_json(tmp_path):
    from lineup.workflows.simulate import load_portfolio

    sc = _scenario(tmp_path, "population: {size: 500}")
    (tmp_path / "p.csv").write_text("ID,fee\nalice,1\n@bob,2\n")
    assert load_portfolio(tmp_path / "p.csv", sc.roster).ids == ["alice", "bob"]
    (tmp_path / "p.json").write_text(json.dumps({"selected": [{"id": "carol"}, {"id": "frank"}]}))
    assert load_portfolio(tmp_path / "p.json", sc.roster).ids == ["carol", "frank"]
    (tmp_path / "q.json").write_text(json.dumps(["dave"]))
    assert load_portfolio(tmp_path / "q.json", sc.roster).ids == ["dave"]


def test_load_portfolio_names_unknown_ids_and_bad_files(tmp_path):
    from lineup.workflows.simulate import load_portfolio

    sc = _scenario(tmp_path, "population: {size: 500}")
    (tmp_path / "p.csv").write_text("id\nalice\nalise\nzed\n")
    with pytest.raises(UsageError) as err:
        load_portfolio(tmp_path / "p.csv", sc.roster)
    text = err.value.describe()
    assert "p.csv" in text and "'alise'" in text and "did you mean 'alice'" in text and "'zed'" in text
    (tmp_path / "n.csv").write_text("name\nalice\n")
    with pytest.raises(UsageError, match="'id' column"):
        load_portfolio(tmp_path / "n.csv", sc.roster)
    with pytest.raises(UsageError, match="not found"):
        load_portfolio(tmp_path / "missing.csv", sc.roster)
    (tmp_path / "b.json").write_text("{oops")
    with pytest.raises(UsageError, match="invalid JSON"):
        load_portfolio(tmp_path / "b.json", sc.roster)


def test_simulate_without_portfolio_solves_first(tmp_path):
    from lineup.optimize import solve
    from lineup.workflows.simulate import simulate

    sc = _scenario(tmp_path, "population: {size: 1000}")
    res = simulate(sc, replications=2)
    assert list(res.portfolio) == solve(sc).portfolio.ids
    assert res.totals["spend"].mean == pytest.approx(solve(sc).portfolio.spend)
