"""HiGHS instances: made silent and seeded, and one kept per thread for the next LP (private).

Determinism: a fixed ``random_seed`` for every instance; the thread count is the process's
(see :func:`new_highs`).

Silence: nothing HiGHS writes reaches stdout or stderr. ``output_flag`` is switched off
before a model is passed, and highspy 1.16 prints its "Running HiGHS ... Copyright"
banner while ``Highs()`` is being constructed, before any option can be set (its
constructor installs the callbacks, and that logs the banner while ``output_flag`` still
has its default). So the construction runs with file descriptors 1 and 2 sent to the null
device; they are restored as soon as it returns, even if it raises.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from solvers._quiet import quiet_descriptors

if TYPE_CHECKING:
    import highspy

__all__ = ["SpareHighs", "new_highs"]

_RANDOM_SEED = 0


def new_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing, seeded.

    The thread count is left as the process has it: HiGHS keeps one scheduler per
    process, and asking for another count once it runs makes every later ``run``
    fail (a program that used HiGHS with its defaults first would break us). The
    LPs are solved by the serial dual simplex either way, and the model never
    depends on which optimal vertex it returns.
    """
    import highspy

    with quiet_descriptors():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", _RANDOM_SEED)
    return h


class SpareHighs(threading.local):
    """Per thread, the HiGHS instance its last optimal LP was solved in (kept for the next)."""

    def __init__(self) -> None:
        self.highs: Any = None
        self.pid = 0

    def take(self) -> Any:
        """The kept instance with its model cleared, or a new one (another process, none kept)."""
        h, self.highs = self.highs, None
        if h is None or self.pid != os.getpid():  # a forked child makes its own
            return new_highs()
        h.clearModel()
        return h

    def give_back(self, h: Any) -> None:
        """Keep ``h`` for this thread's next LP."""
        self.highs, self.pid = h, os.getpid()
