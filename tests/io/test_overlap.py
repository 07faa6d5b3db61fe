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


def test_lines_are_physical_after_blank_lines_and_quoted_breaks(tmp_path, roster):
    text = ('id_a,id_b,shared\n'
            '\n'                 # 2 blank
            'a,b,1\n'            # 3 fine
            '"c\n'               # 4 a record over two lines (a quoted line break)...
            'x",a,5\n'           # 5 ...its id is unknown: reported on line 4
            '\n'                 # 6 blank
            'b,c,zz\n')          # 7 garbage
    with pytest.raises(RosterError) as info:
        read_overlap(write(tmp_path, text), roster, display_name="o.csv")
    assert [p.where for p in info.value.problems] == ["o.csv, line 4, column 'id_a'", "o.csv, line 7, column 'shared'"]
    assert "'c\\nx'" in info.value.problems[0]  # the line break is shown escaped


def test_duplicate_pair_names_the_physical_line(tmp_path, roster):
    with pytest.raises(RosterError) as info:
        read_overlap(write(tmp_path, "\n\nid_a,id_b,shared\n\na,b,1\n\nb,a,2\n"), roster, display_name="o.csv")
    (problem,) = info.value.problems
    assert problem.where == "o.csv, line 7, column 'id_a'" and "listed on line 5" in problem.what


@pytest.mark.parametrize("text, message", [
    ("", "the overlap file is empty"),
    ("\n\n", "the overlap file is empty"),
    ('id_a,id_b,shared\na,b,1\nb,"c,2\n', r"o.csv, line 3: a quoted value opened on this line is never closed"),
    ("id_a,id_b,shared\na,b,1\nb,c,2,9\n", r"more values than the 3 columns"),
])
def test_unreadable_tables_are_located(tmp_path, roster, text, message):
    with pytest.raises(RosterError, match=message):
        read_overlap(write(tmp_path, text), roster, display_name="o.csv")


def test_short_records_are_missing_values(tmp_path, roster):
    with pytest.raises(RosterError) as info:
        read_overlap(write(tmp_path, "id_a,id_b,shared\na,b\n"), roster, display_name="o.csv")
    assert info.value.problems[0].where == "o.csv, line 2, column 'shared'"


def test_not_utf8_and_not_a_file(tmp_path, roster):
    (tmp_path / "o.csv").write_bytes(b"id_a,id_b,shared\na,b,1\nb,c,\xff\n")
    with pytest.raises(RosterError, match=r"o.csv, line 3, column 5: the overlap file is not UTF-8"):
        read_overlap(tmp_path / "o.csv", roster, display_name="o.csv")
    with pytest.raises(RosterError, match="is a directory, expected an overlap file"):
        read_overlap(tmp_path, roster)
