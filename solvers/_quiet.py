"""Silence what C code writes to the standard descriptors, for a while (private).

HiGHS prints from C++, to file descriptors 1 and 2, not through Python's ``sys.stdout``
and ``sys.stderr``; redirecting those streams does not reach it. :func:`quiet_descriptors`
sends the descriptors themselves to the null device and brings them back.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["quiet_descriptors"]

#: one redirection of the standard descriptors at a time: two interleaved ones would
#: restore each other's null device
_FD_LOCK = threading.Lock()


@functools.cache
def _c_fflush() -> Any:
    """The C library's ``fflush``, or None where it cannot be reached this way (Windows)."""
    try:
        return ctypes.CDLL(None).fflush
    except (OSError, AttributeError, TypeError):
        return None


def _flush_c_streams() -> None:
    """Flush the C library's buffered streams, so what they hold goes where fd 1/2 point now."""
    fflush = _c_fflush()
    if fflush is not None:
        fflush(None)


def _flush_python_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):  # None, or closed
            stream.flush()


@contextlib.contextmanager
def quiet_descriptors() -> Iterator[None]:
    """Send file descriptors 1 and 2 (C-level stdout and stderr) to the null device meanwhile.

    Python's own streams are flushed first, so nothing written before is lost, and the C
    library's streams are flushed before the descriptors come back, so text printed
    inside does not reach the terminal later. A descriptor that is not open is left as it is.
    """
    with _FD_LOCK:
        _flush_python_streams()
        saved: list[tuple[int, int]] = []
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            for fd in (1, 2):
                try:
                    saved.append((fd, os.dup(fd)))
                except OSError:  # closed: nothing can be printed there
                    continue
                os.dup2(null, fd)
            yield
        finally:
            _flush_c_streams()
            for fd, copy in saved:
                os.dup2(copy, fd)
                os.close(copy)
            os.close(null)
