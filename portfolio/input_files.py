"""Opening an input file safely, and remembering every file a run has read.

A reader opens its file only after :func:`check_input` has found a regular
file: a FIFO would block forever and a device never ends. Scenario files are
refused above :data:`SCENARIO_LIMIT` before a byte is read. Every file that
passes is remembered (:func:`files_read`), so that the command line can refuse
an output that would replace any file the run read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import InputError

__all__ = ["SCENARIO_LIMIT", "check_input", "files_read", "forget_files_read", "read_input_bytes"]

#: The largest scenario file read, in bytes: a scenario locking every one of 100.000
#: tasks takes about 3 MB; anything far beyond is not a scenario.
SCENARIO_LIMIT = 16 * 1024 * 1024

_READ: set[Path] = set()


def check_input(path: Path, *, limit: int | None = None, error: type[InputError] = InputError) -> int:
    """Check that ``path`` is a regular file (of at most ``limit`` bytes) and remember it.

    Parameters
    ----------
    path
        The input file.
    limit
        The largest size accepted, in bytes; ``None`` for no limit.
    error
        The error class to raise (a scenario reader raises ``ScenarioError``).

    Returns
    -------
    int
        The file's size in bytes.

    Raises
    ------
    InputError
        If the file is missing, a folder, not a regular file (a FIFO, a device, a
        socket), unreadable, or larger than ``limit``.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error("file not found", file=str(path)) from None
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror}", file=str(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise error("is a directory, expected a file", file=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise error("is not a regular file (a FIFO, a device or a socket); give a file", file=str(path))
    if limit is not None and info.st_size > limit:
        raise error(
            f"is {_bytes(info.st_size)}, more than the {_bytes(limit)} a file of this kind may hold",
            file=str(path),
        )
    _READ.add(Path(path).resolve())
    return info.st_size


def _bytes(size: int) -> str:
    """``16 MB``, ``1.024 MB``: a size the Vietnamese way."""
    from .money import format_vnd

    return f"{format_vnd(size / 2**20, 0 if size >= 2**20 else 2)} MB"


def read_input_bytes(path: Path, *, limit: int | None = None, error: type[InputError] = InputError) -> bytes:
    """Read a whole input file after :func:`check_input` has accepted it."""
    check_input(path, limit=limit, error=error)
    try:
        with open(path, "rb") as handle:
            data = handle.read() if limit is None else handle.read(limit + 1)
    except OSError as exc:  # pragma: no cover - changed since the check
        raise error(f"cannot be read: {exc.strerror}", file=str(path)) from None
    if limit is not None and len(data) > limit:  # pragma: no cover - grew since the check
        raise error(f"holds more than the {limit} bytes a file of this kind may hold", file=str(path))
    return data


def files_read() -> frozenset[Path]:
    """Every input file accepted since the last :func:`forget_files_read`, resolved."""
    return frozenset(_READ)


def forget_files_read() -> None:
    """Start a new run: forget the files read so far."""
    _READ.clear()
