"""The allocation model: the statutory ladder, rationing rules, multi-year plans.

The formulation is written out in ``docs/model.md``. Solvers are reached only
through :mod:`solvers`.
"""

from __future__ import annotations

from .allocation import Allocation
from .optimize import optimize
from .options import RULES, Options

__all__ = ["RULES", "Allocation", "Options", "optimize"]
