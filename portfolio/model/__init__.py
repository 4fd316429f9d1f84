"""The allocation model: the statutory ladder, rationing rules, multi-year plans.

The formulation is written out in ``docs/model.md``. Solvers are reached only
through :mod:`solvers`.
"""

from __future__ import annotations

from ..tolerances import hold_slack
from .allocation import Allocation
from .instance import make_selector, priority_weights
from .optimize import optimize
from .options import RULES, Options
from .reasons import HeldBy, LowerReason, UpperReason, label, option_words
from .stages import SEGMENTS

__all__ = [
    "RULES",
    "SEGMENTS",
    "Allocation",
    "HeldBy",
    "LowerReason",
    "Options",
    "UpperReason",
    "hold_slack",
    "label",
    "make_selector",
    "optimize",
    "option_words",
    "priority_weights",
]
