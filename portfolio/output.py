"""Writing files safely: a temporary file in the same folder, renamed into place.

An interrupted run leaves the old file or nothing, never half a file.
:func:`write_together` writes all the outputs of one run as a unit: every one to
a temporary file first, then all renamed, each existing output keeping a second
name until all are in place, so a failure on the last rename puts the first
back as it was too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, PortfolioError

if TYPE_CHECKING:
    import pandas as pd

BOM = "\ufeff"

__all__ = [
    "BOM",
    "OutputError",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "csv_for_excel",
    "refuse_overwrite",
    "write_together",
]


class OutputError(PortfolioError):
    """An output that cannot be written (a full disk, a read-only folder), named as the user gave it."""


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


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full (No space left on device)"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"the folder is not writable ({exc.strerror})"
    return exc.strerror or str(exc)


def write_together(
    outputs: Sequence[Path], write: Callable[[Path, Path], object], *, protected: Iterable[Path] = ()
) -> None:
    """Write several outputs as a unit: all to temporary files, then all renamed into place.

    Parameters
    ----------
    outputs
        The files to write, as the user named them.
    write
        ``write(output, temporary)`` writes one output's content to ``temporary``
        (a fresh file beside the output, with the same suffix).
    protected
        Files that no output may replace (the run's inputs).

    Raises
    ------
    OutputError
        Naming the output (never the temporary file): a full disk, a read-only
        folder, an existing non-regular file. Every old file is then as it was.
    InputError
        If an output would replace a protected file.
    """
    protected = [Path(p) for p in protected]
    temporaries: dict[Path, Path] = {}
    try:
        for output in outputs:
            output = Path(output)
            refuse_overwrite(output, protected)
            if os.path.lexists(output) and not output.is_file():
                raise OutputError(f"{output}: exists and is not a regular file; give a file name")
            folder = output.parent if str(output.parent) else Path(".")
            if not folder.is_dir():
                raise OutputError(f"{output}: the folder does not exist")
            try:
                handle, name = tempfile.mkstemp(prefix=f".{output.stem}.", suffix=output.suffix, dir=folder)
                os.close(handle)
                temporaries[output] = Path(name)
                write(output, Path(name))
                descriptor = os.open(name, os.O_RDONLY)
                try:
                    os.fsync(descriptor)
                finally:
                    os.close(descriptor)
            except OSError as exc:
                raise OutputError(
                    f"{output}: cannot be written: {_why(exc)}; no output was changed"
                ) from None
        _commit(temporaries)
    finally:
        for temporary in temporaries.values():
            if temporary.exists():
                temporary.unlink()


def _backup(output: Path) -> Path:
    """A second name for the file ``output`` (a hard link, else a copy) beside it."""
    folder = output.parent if str(output.parent) else Path(".")
    handle, name = tempfile.mkstemp(prefix=f".{output.stem}.", suffix=f"{output.suffix}.old", dir=folder)
    os.close(handle)
    backup = Path(name)
    try:
        os.unlink(backup)
        os.link(output, backup, follow_symlinks=False)
    except OSError:  # a file system without hard links: a copy does as well
        shutil.copy2(output, backup)
    return backup


def _commit(temporaries: dict[Path, Path]) -> None:
    """Rename every temporary file onto its output, all or none.

    Each existing output first gets a second name (its backup), so the old file
    stays in place until its rename and can be put back: if any rename fails (or
    the run is interrupted) every output already replaced gets its old file back
    and every new one is removed, then the error names the output that failed.
    """
    backups: dict[Path, Path | None] = {}
    replaced: list[Path] = []
    current: Path | None = None
    try:
        for output, temporary in temporaries.items():
            current = output
            mode = stat.S_IMODE(output.stat().st_mode) if output.exists() else _new_file_mode()
            os.chmod(temporary, mode)
            backups[output] = _backup(output) if output.exists() else None
            os.replace(temporary, output)
            replaced.append(output)
    except BaseException as exc:
        kept = _restore(replaced, backups)
        if not isinstance(exc, OSError):
            raise
        if kept:
            raise OutputError(
                f"{current}: cannot be written: {_why(exc)}; and the old "
                + "; ".join(f"{output} could not be put back (it is in {backup})" for output, backup in kept)
            ) from None
        raise OutputError(f"{current}: cannot be written: {_why(exc)}; no output was changed") from None
    for backup in backups.values():
        if backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(backup)


def _restore(replaced: list[Path], backups: dict[Path, Path | None]) -> list[tuple[Path, Path]]:
    """Put every replaced output back as it was; return those whose old file could not be."""
    kept: list[tuple[Path, Path]] = []
    for output in reversed(replaced):
        backup = backups.get(output)
        try:
            if backup is None:
                os.unlink(output)  # it did not exist before the run
            else:
                os.replace(backup, output)
        except OSError:
            if backup is not None:
                kept.append((output, backup))
    for output, backup in backups.items():
        if backup is not None and output not in replaced:
            with contextlib.suppress(OSError):
                os.unlink(backup)
    return kept
