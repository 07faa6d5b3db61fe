"""read_user_text: every way a named file can be unusable is a located InputError."""

import errno
import os

import pytest

from lineup.errors import ScenarioError, UsageError
from lineup.io import files
from lineup.io.files import read_user_text


def read(path, **kw):
    return read_user_text(path, ScenarioError, "scenario file", **kw)


def test_reads_utf8_and_drops_the_bom(tmp_path):
    (tmp_path / "s.yaml").write_bytes(b"\xef\xbb\xbfname: caf\xc3\xa9\n")
    assert read(tmp_path / "s.yaml") == "name: café\n"


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="nope.yaml: scenario file not found"):
        read(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="not found"):  # a file used as a folder
        (tmp_path / "f").write_text("x")
        read(tmp_path / "f" / "s.yaml")


def test_directory_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="is a directory, expected a scenario file"):
        read(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_fifo_is_refused_without_opening_it(tmp_path, monkeypatch):
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    opened = []
    monkeypatch.setattr(files.os, "open", lambda *a, **k: opened.append(a) or pytest.fail("opened a FIFO"))
    with pytest.raises(ScenarioError, match=r"is a named pipe \(FIFO\), expected a scenario file"):
        read(fifo)
    assert not opened


def test_device_is_refused():
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    with pytest.raises(ScenarioError, match="is a character device"):
        read("/dev/null")


def test_symlink_loop(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(ScenarioError, match="symlink loop"):
        read(tmp_path / "a")


def test_permission_denied(tmp_path, monkeypatch):
    # root reads every file whatever its mode, so deny the open itself
    (tmp_path / "s.yaml").write_text("name: x\n")

    def deny(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files.os, "open", deny)
    with pytest.raises(ScenarioError, match="s.yaml: cannot read the scenario file: permission denied"):
        read(tmp_path / "s.yaml")


def test_other_os_errors_are_input_errors(tmp_path, monkeypatch):
    (tmp_path / "s.yaml").write_text("name: x\n")

    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(files.os, "open", broken)
    with pytest.raises(UsageError, match=r"cannot read the portfolio \(Input/output error\)"):
        read_user_text(tmp_path / "s.yaml", UsageError, "portfolio")


def test_nul_in_the_name():
    with pytest.raises(ScenarioError, match=r"a\\x00b: not a usable file name"):
        read("a\0b")


def test_not_utf8_is_located(tmp_path):
    (tmp_path / "s.yaml").write_bytes(b"name: x\nbudget: 5\ncurrency: \xa3\n")
    with pytest.raises(ScenarioError) as info:
        read(tmp_path / "s.yaml")
    assert "s.yaml, line 3, column 11: the scenario file is not UTF-8 text (byte b'\\xa3')" in str(info.value)


def test_control_characters_in_the_name_are_escaped(tmp_path):
    with pytest.raises(ScenarioError) as info:
        read(tmp_path / "evil\x1b[31m.yaml")
    message = str(info.value)
    assert "\x1b" not in message and "evil\\x1b[31m.yaml: scenario file not found" in message
