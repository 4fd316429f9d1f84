"""Writing files safely: a temporary file in the same folder, renamed into place.

An interrupted run leaves the old file or nothing, never half a file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

BOM = "\ufeff"

__all__ = [
    "BOM",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "csv_for_excel",
    "refuse_overwrite",
]


def _new_file_mode() -> int:
    """The mode ``open(path, "w")`` would give a new file: ``0o666`` less the umask."""
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return 0o666 & ~mask


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

    Notes
    -----
    The temporary file is created private (``0o600``); before the rename it gets
    the mode a plain ``open(path, "w")`` would leave: the mode of the file it
    replaces, or ``0o666`` less the umask for a new file. Its data is flushed
    to disk before the rename, so a crash leaves the old file or the new one.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("the folder does not exist", file=str(path))
    if path.is_dir():
        raise InputError("is a directory, expected a file name", file=str(path))
    try:
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else _new_file_mode()
    except OSError:
        mode = _new_file_mode()
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        descriptor = os.open(temporary, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.chmod(temporary, mode)
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


def csv_for_excel(frame: pd.DataFrame) -> str:
    r"""A table as CSV text that Excel opens as it is: a byte-order mark, then the columns.

    Written as UTF-8 the mark tells Excel on Windows the encoding, so Vietnamese
    names keep their diacritics; ``pandas.read_csv`` and :mod:`csv` with
    ``encoding="utf-8-sig"`` skip it. Floats are written at full precision (the
    shortest text that reads back to the same float), line ends are ``\n``, the
    index is not written (reset it first to keep it).

    Examples
    --------
    >>> import pandas as pd
    >>> csv_for_excel(pd.DataFrame({"name": ["Sở Y tế"], "allocated": [548.3333333333334]}))
    '\ufeffname,allocated\nSở Y tế,548.3333333333334\n'
    """
    return BOM + frame.to_csv(index=False, lineterminator="\n")


def atomic_write_with(path: Path, writer: Callable[[Path], None]) -> None:
    """Call ``writer(temporary_path)`` and rename the result onto ``path``."""
    with atomic_path(path) as temporary:
        writer(temporary)


def refuse_overwrite(output: Path, inputs: list[Path]) -> None:
    """Raise if ``output`` is one of the ``inputs`` (the CLI never writes over its input).

    The same file under another name (a relative path, a symbolic or hard link)
    is recognised too.
    """
    out = Path(output)
    for source in inputs:
        source = Path(source)
        same = source.resolve() == out.resolve()
        if not same and out.exists() and source.exists():
            try:
                same = os.path.samefile(source, out)
            except OSError:  # pragma: no cover - a file that vanished meanwhile
                same = False
        if same:
            raise InputError("refusing to write the output over its own input file", file=str(output))
