"""The worksheet class :func:`portfolio.workbook.write_workbook` writes with (imported when it runs).

XlsxWriter rewrites every formula before storing it: each Excel 365 function it
knows (``FILTER``, ``XLOOKUP``, ``LAMBDA`` …) gets its ``_xlfn.`` prefix, one
regular-expression substitution per function name, about 30 of them per formula.
A working paper of 100.000 tasks has some 115.000 formulas, and only ``SUM``,
``+``, ``-`` and cell references among them: those substitutions cost more than
writing the formulas' cells, and change none of them.

:class:`SumWorksheet` stores such a formula as XlsxWriter would, without the
substitutions, and hands every other formula to XlsxWriter unchanged. A formula
takes the short way only when every function it calls is ``SUM`` or
``SUBTOTAL`` (functions of every Excel version), so none of the rewritten names can
occur; any doubt (another name, an array formula's
braces) takes XlsxWriter's own way. The bytes written are the same either way
(``tests/test_workbook_formulas.py`` compares them).
"""

from __future__ import annotations

import re
from typing import Any

from xlsxwriter.worksheet import Worksheet

__all__ = ["SumWorksheet", "plain_formula"]

# a function call: a name (letters, digits, "_" or "."; not starting with a digit) and "("
_CALL = re.compile(r"[A-Za-z_.][A-Za-z0-9_.]*\(")
# functions of every Excel version, which XlsxWriter never rewrites
_PLAIN_CALLS = frozenset({"SUM(", "SUBTOTAL("})


def plain_formula(formula: str) -> bool:
    """Whether XlsxWriter's rewriting leaves ``formula`` as it is, but for its ``=``.

    Examples
    --------
    >>> plain_formula("=SUM(D8:D46)-E7"), plain_formula("=F8-E8"), plain_formula("='C'!D726")
    (True, True, True)
    >>> plain_formula("=SUBTOTAL(9,C4:C7)"), plain_formula("=SUM(A1,'Tổng hợp (2024)'!C4)")
    (True, True)
    >>> plain_formula("=SWITCH(A1,1,2)"), plain_formula("{=SUM(A1:A2)}"), plain_formula("=XSUM(A1)")
    (False, False, False)
    """
    return (
        formula.startswith("=")
        and not formula.endswith("}")
        and all(call in _PLAIN_CALLS for call in _CALL.findall(formula))
    )


class SumWorksheet(Worksheet):
    """An XlsxWriter worksheet that stores plain formulas without rewriting their function names."""

    def _prepare_formula(self, formula: str, *args: Any, **kwargs: Any) -> str:
        if not args and not kwargs and plain_formula(formula):
            return formula[1:]
        prepared: str = super()._prepare_formula(formula, *args, **kwargs)
        return prepared
