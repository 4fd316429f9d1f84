"""The ``portfolio`` command: show, reconcile, optimize, compare, frontier, explain, convert, template.

Every error is one line on stderr naming the file, row and field, with exit
code 2 (1 for an infeasible scenario); ``--debug`` shows the traceback. The
what-if flags of ``optimize``, ``explain`` and ``frontier`` are the options of
:func:`portfolio.optimize` (see :mod:`portfolio.cli.whatif`).
"""

from __future__ import annotations

import signal
import sys

__all__ = ["main"]

TYPE_CHECKING = False  # ``typing`` is not loaded yet (see ``portfolio.__main__``)
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

# Nothing heavy is imported before main() runs: a Ctrl-C while the commands are imported
# (numpy, pandas) lands inside main() and is one line like any other; one while this
# module is imported, in the command's entry point (``portfolio.__main__.run``).


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 on success, 1 for an infeasible scenario, 2 for bad input, 130 on Ctrl-C
        (at any moment: while importing, parsing the arguments, reading or writing).

    Notes
    -----
    While the commands are imported a Ctrl-C is only noted: raised inside the import
    of a compiled module it would become an ``ImportError``, or be swallowed by a
    library trying an optional import. It is acted on once the imports are done.
    Afterwards it stops the run at once; an error raised because of it (whatever its
    type) still gives the one line and 130.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    stopped: list[int] = []

    def note(signum: int, frame: object) -> None:
        stopped.append(signum)

    def stop(signum: int, frame: object) -> None:
        stopped.append(signum)
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGINT, note)
    except ValueError:  # not the main thread: signals are the caller's
        previous = None
    try:
        # imported here, where a Ctrl-C is noted; the pydantic models (tasks, scenarios,
        # options, inputs) build their validators when their classes are made, and a Ctrl-C
        # raised inside that compiled build panics in older pydantic-core (2.5's)
        from .. import errors, input_files, scenarios, tasks  # noqa: F401
        from ..model import inputs, options  # noqa: F401
        from . import commands, parser  # noqa: F401

        if stopped:
            raise KeyboardInterrupt
        if previous is not None:
            signal.signal(signal.SIGINT, stop)
        return _run(arguments)
    except BaseException as exc:
        if "--debug" in arguments or not (stopped or isinstance(exc, KeyboardInterrupt)):
            raise
        if previous is not None:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C cannot cut the line short
        print("portfolio: interrupted", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _run(argv: list[str]) -> int:
    import warnings

    from ..errors import InfeasibleError, PortfolioError, PortfolioWarning
    from ..input_files import forget_files_read
    from .commands import HANDLERS
    from .parser import build_parser

    args = build_parser().parse_args(argv)
    forget_files_read()

    def warn(
        message: warnings.WarningMessage | object,
        category: type[Warning],
        *rest: object,
        **kw: object,
    ) -> None:
        if issubclass(category, PortfolioWarning):
            print(f"warning: {message}", file=sys.stderr)
        else:  # pragma: no cover - third-party warnings keep their usual form
            print(f"{category.__name__}: {message}", file=sys.stderr)

    warnings.showwarning = warn
    try:
        return HANDLERS[args.command](args)
    except InfeasibleError as exc:
        if args.debug:
            raise
        print(f"portfolio: infeasible: {exc}", file=sys.stderr)
        return 1
    except PortfolioError as exc:
        if args.debug:
            raise
        print(f"portfolio: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`)
        sys.stderr.close()
        return 0
    except OSError as exc:
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"portfolio: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
