"""Reading files: clear errors for anything that is not readable text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mail_lint.errors import SourceError
from mail_lint.model import Location
from mail_lint.textio import UnreadableError, read_source


def test_utf8_bom_and_utf16_are_decoded(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"\xef\xbb\xbfA=1\n")
    (tmp_path / "b").write_bytes("B=2\n".encode("utf-16"))
    assert read_source(tmp_path / "a") == "A=1\n"
    assert read_source(tmp_path / "b") == "B=2\n"


def test_invalid_utf8_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"A=1\nB=caf\xe9\n")
    with pytest.raises(SourceError) as info:
        read_source(tmp_path / ".env")
    assert info.value.location == Location(tmp_path / ".env", 2, 6)
    assert info.value.message == "invalid UTF-8 (byte 0xe9)"


def test_binary_data_is_reported(tmp_path: Path) -> None:
    (tmp_path / "x").write_bytes(b"\x00\x01\x02")
    with pytest.raises(SourceError, match="binary data"):
        read_source(tmp_path / "x")


def test_directory_fifo_and_missing_file_are_unreadable(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").mkdir()
    os.mkfifo(tmp_path / "fifo")
    for name, reason in [
        ("docker-compose.yml", "is a directory, not a file"),
        ("fifo", "is not a regular file"),
        ("missing", "no such file"),
    ]:
        with pytest.raises(UnreadableError) as info:
            read_source(tmp_path / name)
        assert info.value.reason == reason
