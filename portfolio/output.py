"""Writing files safely: a temporary file in the same folder, renamed into place.

An interrupted run leaves the old file or nothing, never half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "refuse_overwrite"]


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it onto ``path``.

    Parameters
    ----------
    path
        The final file.

    Yields
    ------
    pathlib.Path
        Where to write. If the block raises, the temporary file is removed and
        ``path`` is untouched.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("the folder does not exist", file=str(path))
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` atomically."""
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)


def atomic_write_text(path: Path, text: str) -> None:
    r"""Write UTF-8 text with ``\\n`` line ends to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_with(path: Path, writer: Callable[[Path], None]) -> None:
    """Call ``writer(temporary_path)`` and rename the result onto ``path``."""
    with atomic_path(path) as temporary:
        writer(temporary)


def refuse_overwrite(output: Path, inputs: list[Path]) -> None:
    """Raise if ``output`` is one of the ``inputs`` (the CLI never writes over its input)."""
    out = Path(output).resolve()
    for source in inputs:
        if Path(source).resolve() == out:
            raise InputError("refusing to write the output over its own input file", file=str(output))
