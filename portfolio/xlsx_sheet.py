"""The worksheet class :func:`portfolio.workbook.write_workbook` writes with (imported when it runs).

It takes three short ways through XlsxWriter's work, each only where the result is
certain to be the same, byte for byte (``tests/test_workbook_formulas.py`` and
``tests/test_workbook_cells.py`` compare the two ways on the lowest and the newest
XlsxWriter); anything else takes XlsxWriter's own way.

**Formulas.** XlsxWriter rewrites every formula before storing it: each Excel 365 function it
knows (``FILTER``, ``XLOOKUP``, ``LAMBDA`` …) gets its ``_xlfn.`` prefix, one
regular-expression substitution per function name, about 30 of them per formula.
A working paper of 100.000 tasks has some 115.000 formulas, and only ``SUM``,
``+``, ``-`` and cell references among them: those substitutions cost more than
writing the formulas' cells, and change none of them.

:class:`LeanWorksheet` stores such a formula as XlsxWriter would, without the
substitutions, and hands every other formula to XlsxWriter unchanged. A formula
takes the short way only when every function it calls is ``SUM`` or
``SUBTOTAL`` (functions of every Excel version), so none of the rewritten names can
occur; any doubt (another name, an array formula's
braces) takes XlsxWriter's own way. The bytes written are the same either way
(``tests/test_workbook_formulas.py`` compares them).

**Cells.** In constant-memory mode XlsxWriter writes each cell's XML as its row
is left, through a general routine: the cell's type looked up by name, its
attributes gathered in a list and escaped one by one, the text searched by five
regular expressions (control characters, their escapes, leading and trailing
space, XML's special characters). A working paper of 100.000 tasks has 1,3
million cells, nearly all an amount, a formula with its amount, a blank or text
that needs none of it. :meth:`LeanWorksheet._write_cell` writes such a cell's
XML in one step: a number, a blank, text in which one search finds nothing to
escape, a formula of such text with an amount. Every other cell (one with no
format of its own, text with a control character, ``&``, ``<``, ``_x``, or
space at either end, a formula with a text result, a date, a rich string …)
takes XlsxWriter's routine.

**Calls.** Each of XlsxWriter's ``write_string``, ``write_number``,
``write_formula`` and ``write_blank`` first checks whether it was given an ``"A1"``
reference instead of row and column numbers (a decorator), then hands over to an
undecorated method with the same arguments; that check is about a third of what
writing a plain cell costs. :meth:`LeanWorksheet.cell_writers` gives the
undecorated methods, to callers that pass numbers only (or the public ones, if a
release has no such method).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

__all__ = ["LeanWorksheet", "plain_formula"]

# a function call: a name (letters, digits, "_" or "."; not starting with a digit) and "("
_CALL = re.compile(r"[A-Za-z_.][A-Za-z0-9_.]*\(")
# functions of every Excel version, which XlsxWriter never rewrites
_PLAIN_CALLS = frozenset({"SUM(", "SUBTOTAL("})
# anything in a cell's text that XlsxWriter would escape or mark: XML's special characters,
# control characters (and the "_xHHHH_" escape of one), Unicode non-characters, space at an end
_CARE = re.compile(r"[\x00-\x1f&<>\ufffe\uffff]|_x|^\s|\s$")
_NAMES = [xl_col_to_name(column) for column in range(256)]  # column letters, A to IV


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


class LeanWorksheet(Worksheet):
    """An XlsxWriter worksheet that takes the short ways of the module notes: plain formulas, plain cells."""

    def cell_writers(self) -> tuple[Callable[..., Any], ...]:
        """``write_string``, ``write_number``, ``write_formula``, ``write_blank``, for numbers only.

        The same arguments and results as the public methods, given a row and a
        column number (never an ``"A1"`` reference); see the module notes.
        """
        names = ("write_string", "write_number", "write_formula", "write_blank")
        return tuple(getattr(self, "_" + name, getattr(self, name)) for name in names)

    def _prepare_formula(self, formula: str, *args: Any, **kwargs: Any) -> str:
        if not args and not kwargs and plain_formula(formula):
            return formula[1:]
        prepared: str = super()._prepare_formula(formula, *args, **kwargs)
        return prepared

    def _write_cell(self, row: int, col: int, cell: Any, *args: Any, **kwargs: Any) -> None:
        # the XML XlsxWriter's own _write_cell writes for these cells, in one step
        kind = type(cell).__name__
        style = getattr(cell, "format", None)
        if style is not None and col < len(_NAMES) and self.constant_memory and not args and not kwargs:
            head = f'<c r="{_NAMES[col]}{row + 1}" s="{style._get_xf_index()}"'
            if kind == "Number":
                self.fh.write(f"{head}><v>{cell.number:.16G}</v></c>")
                return
            if kind == "Blank":
                self.fh.write(f"{head}/>")
                return
            if kind == "String" and not _CARE.search(text := cell.string):
                self.fh.write(f'{head} t="inlineStr"><is><t>{text}</t></is></c>')
                return
            value = getattr(cell, "value", None)
            if kind == "Formula" and type(value) in (float, int) and not _CARE.search(cell.formula):
                self.fh.write(f"{head}><f>{cell.formula}</f><v>{value}</v></c>")
                return
        super()._write_cell(row, col, cell, *args, **kwargs)
