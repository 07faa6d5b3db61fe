"""read_overlap: normalised pairs, units, every problem located."""

import pytest

from lineup.domain.roster import Roster
from lineup.errors import RosterError
from lineup.io.overlap import read_overlap


@pytest.fixture
def roster():
    return Roster.from_columns(ids=["a", "b", "c", "d"], followers=[1000, 2000, 500, 800],
                               engagement_rate=[0.05] * 4, fee=[10] * 4)


def write(tmp_path, text):
    path = tmp_path / "o.csv"
    path.write_text(text)
    return path


def test_pairs_are_normalised_and_sorted(tmp_path, roster):
    o = read_overlap(write(tmp_path, "ID_A,id b,Shared\nc,b,100\n@b,a,0.8K\n"), roster)
    assert o.i.tolist() == [0, 1] and o.j.tolist() == [1, 2] and o.shared.tolist() == [800.0, 100.0]


def test_fraction_unit_converts_by_the_smaller_audience(tmp_path, roster):
    o = read_overlap(write(tmp_path, "id_a,id_b,shared\na,b,0.5\nb,c,10%\n"), roster, unit="fraction")
    assert o.shared.tolist() == [500.0, 50.0]
    with pytest.raises(RosterError) as info:
        read_overlap(write(tmp_path, "id_a,id_b,shared\na,b,150%\n"), roster, unit="fraction")
    assert "more than the smaller audience (1,000)" in info.value.problems[0]


def test_empty_table(tmp_path, roster):
    assert len(read_overlap(write(tmp_path, "id_a,id_b,shared\n"), roster)) == 0


def test_every_problem_is_located(tmp_path, roster):
    text = ("id_a,id_b,shared\n"
            "a,zz,1\n"      # 2 unknown id
            "a,a,1\n"       # 3 self pair
            "a,b,-4\n"      # 4 negative
            "a,c,600\n"     # 5 more than the smaller audience (500)
            "a,d,abc\n"     # 6 garbage
            "c,b,5\n"       # 7 fine
            "b,c,6\n")      # 8 duplicate of line 7
    with pytest.raises(RosterError) as info:
        read_overlap(write(tmp_path, text), roster, display_name="o.csv")
    err = info.value
    lines = [p.where.split(", ")[1] for p in err.problems]
    assert lines == ["line 2", "line 3", "line 4", "line 5", "line 6", "line 8"]
    text_all = "\n".join(err.problems)
    for detail in ("'zz' is not in the roster", "itself", "'-4'", "smaller audience (500)", "'abc'", "line 7"):
        assert detail in text_all


def test_missing_columns_and_file(tmp_path, roster):
    with pytest.raises(RosterError, match="shared"):
        read_overlap(write(tmp_path, "id_a,id_b,shard\na,b,1\n"), roster)
    with pytest.raises(RosterError, match="not found"):
        read_overlap(tmp_path / "nope.csv", roster)


def test_an_ambiguous_shared_count_is_explained(tmp_path, roster):
    with pytest.raises(RosterError) as info:
        read_overlap(write(tmp_path, "id_a,id_b,shared\na,b,1.200\nb,c,300\n"), roster, display_name="o.csv")
    (problem,) = info.value.problems
    assert problem.where == "o.csv, line 2, column 'shared'" and "ambiguous number '1.200'" in problem.what
