"""The ``portfolio`` command: show, reconcile, optimize, compare, frontier, explain, convert, template.

Every error is one line on stderr naming the file, row and field, with exit
code 2 (1 for an infeasible scenario); ``--debug`` shows the traceback. The
what-if flags of ``optimize``, ``explain`` and ``frontier`` are the options of
:func:`portfolio.optimize` (see :mod:`portfolio.cli.whatif`).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence

from ..errors import InfeasibleError, PortfolioError, PortfolioWarning
from .commands import HANDLERS
from .parser import build_parser

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 on success, 1 for an infeasible scenario, 2 for bad input, 130 on Ctrl-C.
    """
    from ..input_files import forget_files_read

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
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("portfolio: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
