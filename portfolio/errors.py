"""The library's errors and warnings: one base class, each message one clear line.

Every error about input names where it comes from: the file, the row as the
document numbers it (``B38``, or a line/row number where no task id is known)
and the field, then what was expected. The CLI prints ``str(error)`` as one line
on stderr and exits non-zero.
"""

from __future__ import annotations

__all__ = [
    "InfeasibleError",
    "InputError",
    "PortfolioError",
    "PortfolioWarning",
    "ScenarioError",
    "SolveError",
]


# a location that already says what it is ("line 12", "sheet 'A' row 5", "table 2 row 7")
_PLACES = ("line ", "row ", "sheet ", "table ", "paragraph ")
# whatever str.splitlines() breaks on, shown escaped in a file name so a message stays one line
_ESCAPE_BREAKS = {
    ord(c): c.encode("unicode_escape").decode("ascii") for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
}


class PortfolioError(Exception):
    """Base class of every error the library raises on purpose."""


class PortfolioWarning(UserWarning):
    """A usable but suspicious input: a reconcile mismatch, an overdue task."""


class InputError(PortfolioError, ValueError):
    """Bad input data, located by file, row and field.

    Parameters
    ----------
    message
        What was wrong and what was expected.
    file
        The file the data came from (or ``"<data>"`` for in-memory data).
    row
        The row as the document numbers it (``"B38"``), or ``"line 12"`` /
        ``"row 7"`` where no task id is known yet.
    field
        The column or field name (the tidy name, e.g. ``approved``).

    Examples
    --------
    >>> str(InputError("expected an amount, got 'abc'", file="a.csv", row="B3", field="approved"))
    "a.csv: row B3: field 'approved': expected an amount, got 'abc'"
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        parts = []
        if self.file:
            parts.append(str(self.file).translate(_ESCAPE_BREAKS))
        if self.row:
            row = " ".join(str(self.row).split())
            parts.append(row if row.startswith(_PLACES) else f"row {row}")
        if self.field:
            parts.append(f"field {' '.join(str(self.field).split())!r}")
        parts.append(" ".join(self.message.split()))
        return ": ".join(parts)


class ScenarioError(InputError):
    """A scenario or option that names unknown tasks, bad amounts or bad constraints."""


class InfeasibleError(PortfolioError):
    """The hard rules cannot all be met: an envelope, an agency floor or cap, an analyst row, a lock.

    Parameters
    ----------
    message
        The sentence naming the rule, what is needed, what is available and the shortfall.
    envelope
        The envelope's name, e.g. ``"recurrent 2024"``, when an envelope is short;
        ``None`` when the rule cannot be met at any envelope.
    needed
        What the commitments (or other hard rules) need, in million VND: for a
        ``>=`` row, the amount it asks; for a cap or ``<=`` row, the least its
        tasks' floors allow.
    available
        The envelope, or the most a row's tasks can take, or the cap, in million VND.
    rule
        The rule (or rules) that cannot be met as the message names them, e.g.
        ``"analyst row 'C >= 300000'"`` or ``"recurrent envelope 2024"``.
    """

    def __init__(
        self,
        message: str,
        *,
        envelope: str | None = None,
        needed: float | None = None,
        available: float | None = None,
        rule: str | None = None,
    ) -> None:
        self.envelope = envelope
        self.rule = rule
        self.needed = needed
        self.available = available
        super().__init__(message)

    @property
    def shortfall(self) -> float | None:
        """How much money is missing, in million VND."""
        if self.needed is None or self.available is None:
            return None
        return self.needed - self.available


class SolveError(PortfolioError):
    """The solver stopped without an optimal answer (time limit, numerical trouble)."""
