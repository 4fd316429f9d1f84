"""``python -m portfolio``: the same as the ``portfolio`` command.

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

from .cli import main

status = main()
if status == 130:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)
sys.exit(status)
