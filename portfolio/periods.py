"""The "Thời gian thực hiện" cell of a task: its start year, end year and service lease.

The document writes a task's period as free text (``"2023 - 2024"``, ``"Năm 2024"``,
``"Thuê dịch vụ 05 năm (gói phần mềm, 2022-2026)"``); :func:`parse_period` reads
it, and refuses a cell whose years cannot be told for sure.
"""

from __future__ import annotations

import re

__all__ = ["parse_period"]

_LEASE = re.compile(r"thuê\s+dịch\s+vụ\s+0*(\d+)\s+năm", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(\d{4,})(?!\d)")
# "2O24" (letter O), "202l": a word of digits and letters that is probably a mistyped year
_LETTER_YEAR = re.compile(r"(?<!\w)(?=(?:\w*\d){2})(?=\w*[^\W\d_])\w{4,6}(?!\w)")


def parse_period(period: str) -> tuple[int, int, int | None]:
    """Read a "Thời gian thực hiện" cell: start year, end year, lease years.

    Parameters
    ----------
    period
        The cell as written: ``"2023 - 2024"``, ``"Năm 2024"``,
        ``"Thuê dịch vụ 05 năm (gói phần mềm, 2022-2026)"``.

    Returns
    -------
    tuple
        ``(start_year, end_year, lease_years)``; ``lease_years`` is ``None`` unless
        the cell says "Thuê dịch vụ NN năm".

    Raises
    ------
    ValueError
        If the cell holds no year, more than two years, a year that is not
        four digits, or a year with a letter among its digits (``2O24``).

    Examples
    --------
    >>> parse_period("Thuê dịch vụ 03 năm (2023- 2026)")
    (2023, 2026, 3)
    >>> parse_period("Năm 2024")
    (2024, 2024, None)
    """
    text = " ".join(period.split())
    lease_match = _LEASE.search(text)
    lease = int(lease_match.group(1)) if lease_match else None
    scan = text[lease_match.end() :] if lease_match else text
    odd = _LETTER_YEAR.search(scan)
    if odd:
        raise ValueError(
            f"expected a four-digit year, got {odd.group(0)!r} (a letter among the digits) in {period!r}"
        )
    years = _YEAR.findall(scan)
    if not years:
        raise ValueError(f"expected a year or a range like 2023-2024, got {period!r}")
    if len(years) > 2:
        raise ValueError(f"expected at most two years, got {period!r}")
    for year in years:
        if len(year) != 4:
            raise ValueError(f"expected a four-digit year, got {year!r} in {period!r}")
    start, end = int(years[0]), int(years[-1])
    return start, end, lease
