import json
import os
import stat

import pytest

from lineup.errors import UsageError
from lineup.io.writers import MANIFEST, to_json, verify_outputs, write_files


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
