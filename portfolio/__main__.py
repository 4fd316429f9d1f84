"""The ``portfolio`` command's entry point (:func:`run`), also run by ``python -m portfolio``.

A Ctrl-C is one line and exit status 130 from the first line of the package's own
code: :func:`run` imports the command line inside a ``try``, so an interrupt while
:mod:`portfolio.cli` is imported (before :func:`portfolio.cli.main`, which handles
every later one, is entered) is caught here. The package itself imports nothing and
this module only ``os`` and ``sys`` (loaded at start-up), so the moments before
:func:`run` are a few statements.

An interrupted run (exit status 130) leaves through ``os._exit`` once its line is
written: run by ``python -m``, CPython ends a run in which a KeyboardInterrupt
once escaped code that a library ran through the C API (its
``_Py_UnhandledKeyboardInterrupt`` flag) by killing itself with SIGINT, status
-2 instead of 130, even though :func:`portfolio.cli.main` caught the interrupt
(seen when the Ctrl-C lands among the imports, about 0,2 s into a run). By then
the run has put back its outputs and written its line.
"""

import os
import sys

TYPE_CHECKING = False  # nothing but os and sys (loaded at start-up) before run() catches a Ctrl-C
if TYPE_CHECKING:  # pragma: no cover
    from typing import NoReturn

__all__ = ["run"]


def run() -> "NoReturn":
    """Run the command line on ``sys.argv`` and exit with its status (130 on Ctrl-C)."""
    try:
        from .cli import main
    except KeyboardInterrupt:
        if "--debug" in sys.argv[1:]:
            raise
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C cannot cut the line short
        print("portfolio: interrupted", file=sys.stderr)  # the line main() gives
        status = 130
    else:
        status = main()
    if status == 130:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(status)


if __name__ == "__main__":
    run()
