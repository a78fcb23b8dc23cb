"""Read a source file as text, the same way for every loader: a clear error for anything that
is not a readable text file (a directory, a FIFO, binary data, invalid UTF-8)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from mail_lint.errors import SourceError
from mail_lint.model import Location

#: Files larger than this are refused rather than parsed: no settings file comes close (the
#: largest in the corpus is 14 KB). 64 MB of dotenv lines took about a minute and 1.5 GB,
#: 8 MB of dense ``${X:-y}`` references 7 s; 1 MB (the walk's limit, ``discover``) stays
#: around 1 s at worst (tests/test_hostile.py).
MAX_BYTES = 1 << 20
#: Files with more lines than this are refused too: the cost of a dotenv file is per line
#: (about 30 µs each, read twice as Compose does), so a byte limit alone does not bound it.
MAX_LINES = 50_000


class UnreadableError(Exception):
    """A file that cannot be read at all (reported as ``ML002``)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def read_source(path: Path) -> str:
    """The text of ``path``: UTF-8 (a BOM is dropped) or UTF-16 with a BOM.

    :raises UnreadableError: missing, not a regular file, unreadable, too large (more than
        :data:`MAX_BYTES` bytes or :data:`MAX_LINES` lines).
    :raises SourceError: not text (a NUL byte, invalid UTF-8), at the offending line.
    """
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise UnreadableError(path, "is a directory, not a file") from None
    except FileNotFoundError:
        raise UnreadableError(path, "no such file") from None
    except OSError as exc:
        raise UnreadableError(path, exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableError(path, "is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableError(path, "is not a regular file")
        if info.st_size > MAX_BYTES:
            raise UnreadableError(path, f"is {info.st_size} bytes, larger than {MAX_BYTES}")
        data = _read_all(fd, info.st_size)
    except OSError as exc:
        raise UnreadableError(path, exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:  # it grew after fstat
        raise UnreadableError(path, f"is more than {MAX_BYTES} bytes")
    lines = data.count(b"\n")
    if lines > MAX_LINES:
        raise UnreadableError(path, f"has {lines} lines, more than {MAX_LINES}")
    return decode(data, path)


def read_bytes(path: str | Path) -> bytes:
    """Up to ``MAX_BYTES + 1`` bytes of a regular file (more than ``MAX_BYTES``: too large),
    read as :func:`read_source` reads them, without its checks or decoding.

    :raises OSError: the file cannot be opened or read, or is not a regular file.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return _read_all(fd, min(info.st_size, MAX_BYTES))
    finally:
        os.close(fd)


def _read_all(fd: int, size: int) -> bytes:
    """Up to ``MAX_BYTES + 1`` bytes of an open regular file of ``size`` bytes (per ``fstat``).

    One ``read`` of ``size + 1`` bytes usually gets it all: a buffered file object's
    ``read(MAX_BYTES + 1)`` allocates a megabyte per call, which cost 20 µs per file. A file
    that grew since ``fstat`` (or that reports size 0, as ``/proc`` files do) is read on.
    """
    data = os.read(fd, size + 1)
    while len(data) > size and len(data) <= MAX_BYTES:
        more = os.read(fd, MAX_BYTES + 1 - len(data))
        if not more:
            break
        data += more
    return data


def decode(data: bytes, path: Path) -> str:
    """Decode file bytes as text, or raise :class:`SourceError` at the first bad byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SourceError(f"invalid UTF-16: {exc.reason}", Location(path, 1, 1)) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul != -1:
        raise SourceError("binary data (a NUL byte), not a text file", _at(data, nul, path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x})", _at(data, exc.start, path)
        ) from None


def _at(data: bytes, offset: int, path: Path) -> Location:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return Location(path, line, column)
