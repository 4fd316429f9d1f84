"""The output files of one command-line run: checked before any work, written as a unit.

No output may replace an input: the bundled appendix (whether or not the run
reads it), the appendix and scenario files named on the command line, and every
file the run actually read (:func:`portfolio.input_files.files_read`, which also
covers the files of a scenario folder). All outputs are written to temporary
files first and renamed together (:func:`portfolio.output.write_together`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import PortfolioError

__all__ = ["check_outputs", "protected_inputs", "write_outputs"]


def protected_inputs(named: Sequence[str | Path | None]) -> list[Path]:
    """The files no output may replace: those named, the bundled appendix, every file read so far."""
    from ..input_files import files_read
    from ..readers import bundled_appendix_path

    inputs = [Path(p) for p in named if p]
    try:
        inputs.append(bundled_appendix_path())
    except PortfolioError:  # pragma: no cover - an installation without its data
        pass
    return [*inputs, *sorted(files_read())]


def check_outputs(
    outputs: Sequence[Path],
    inputs: Sequence[str | Path | None],
    suffixes: tuple[str, ...] = (".csv", ".xlsx", ".png"),
) -> list[Path]:
    """Refuse unknown suffixes, a missing folder and writing over an input, before any work is done.

    Parameters
    ----------
    outputs
        The ``--out`` files.
    inputs
        The files the run is about to read (the appendix, scenario files); the
        bundled appendix is always protected.
    suffixes
        The suffixes the command writes.
    """
    from ..output import refuse_overwrite

    protected = protected_inputs(inputs)
    for out in outputs:
        refuse_overwrite(out, protected)
        if out.suffix.lower() not in suffixes:
            allowed = " or ".join(filter(None, [", ".join(suffixes[:-1]), suffixes[-1]]))
            raise PortfolioError(f"{out}: --out must end in {allowed}")
        if not out.resolve().parent.is_dir():
            raise PortfolioError(f"{out}: the folder does not exist")
    if len({out.resolve() for out in outputs}) < len(outputs):
        raise PortfolioError("the same --out file is given twice")
    return list(outputs)


def write_outputs(
    outputs: Sequence[Path],
    write: Callable[[Path, Path], object],
    inputs: Sequence[str | Path | None] = (),
    wrote: str = "wrote",
) -> None:
    """Write every output as a unit, then say so, one line each.

    ``write(output, temporary)`` writes one output to a temporary path with the
    output's suffix; once all have been written they are renamed into place. A
    failure leaves every old file as it was and names the output, not the
    temporary file. ``wrote`` is the word printed before each name (``đã ghi``
    with ``--lang vi``).
    """
    from ..output import write_together

    write_together(outputs, write, protected=protected_inputs(inputs))
    for out in outputs:
        print(f"{wrote} {out}")
