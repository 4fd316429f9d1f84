"""The worksheet class :func:`portfolio.workbook.write_workbook` writes with (imported when it runs).

A working paper of 100.000 tasks has 1,3 million cells. XlsxWriter's way with each
is general, and most of its work changes nothing in these cells; this class takes
three short ways through it, each only where the bytes written are certain to be
the same. Anything else takes XlsxWriter's own way.

**Formulas.** XlsxWriter rewrites every formula before storing it: each Excel 365
function it knows (``FILTER``, ``XLOOKUP``, ``LAMBDA`` …) gets its ``_xlfn.``
prefix, one regular-expression substitution per function name, about 30 per
formula. The paper's 115.000 formulas call only ``SUM``. A formula whose every
function is ``SUM`` or ``SUBTOTAL`` (:func:`plain_formula`) is stored without the
substitutions; any other name, text in quotes, an array formula's braces, ``@``,
a structured reference or an error literal takes XlsxWriter's way.

**Calls.** Each of ``write_string``, ``write_number``, ``write_formula`` and
``write_blank`` first checks whether it was given an ``"A1"`` reference (a
decorator), then hands its arguments to an undecorated method; that check is
about a third of what a plain cell costs. :meth:`LeanWorksheet.cell_writers`
gives the undecorated methods to a caller that passes row and column numbers.

**Cells.** In constant-memory mode XlsxWriter writes a row's cells when the row
is left, each through a general routine: its type looked up by name, its
attributes gathered in a list and escaped one by one, its text searched by five
regular expressions. A number, a blank, text in which one search finds nothing
to escape (no control character, ``&``, ``<``, ``>``, ``_x``, space at either
end) and such a formula with an amount (a Python ``float`` or ``int``; a text,
``Decimal``, ``Fraction`` or numpy number is not plain) are plain, and
:meth:`LeanWorksheet._write_cell` writes their XML in one step. A cell with no
format of its own, a formula with a text result, a date, a rich string … takes
XlsxWriter's routine.

Guarded both ways. If a release renames a method used here, the override is no
longer called (or the public writer is used) and the workbook is the same, only
slower. If a release changes what they write, the byte comparisons of
``tests/test_workbook_cells.py`` and ``tests/test_workbook_formulas.py`` (hard
text, random cells, the appendix and a plan, each way), run on the lowest and the
newest XlsxWriter, fail.
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
_NUMBERS = (float, int)  # the numbers written as Python writes them (not bool, Decimal, numpy …)
# what a plain formula may hold besides names, calls and references: no text, array braces,
# implicit intersection, structured references or error literals, whose handling may change
_NOT_PLAIN = frozenset('"{}@[]#')


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
    >>> plain_formula('=SUM(A1)&"x"'), plain_formula("=SUM(@A1:A3)"), plain_formula("=SUM(T[#All])")
    (False, False, False)
    """
    return (
        formula.startswith("=")
        and _NOT_PLAIN.isdisjoint(formula)
        and all(call in _PLAIN_CALLS for call in _CALL.findall(formula))
    )


class LeanWorksheet(Worksheet):
    """An XlsxWriter worksheet that takes the short ways of the module notes."""

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
        if style and col < len(_NAMES) and self.constant_memory and not args and not kwargs:
            head = f'<c r="{_NAMES[col]}{row + 1}" s="{style._get_xf_index()}"'
            if kind == "Number" and type(cell.number) in _NUMBERS:  # not a Decimal, a Fraction …
                self.fh.write(f"{head}><v>{cell.number:.16G}</v></c>")
                return
            if kind == "Blank":
                self.fh.write(f"{head}/>")
                return
            if kind == "String" and type(text := cell.string) is str and not _CARE.search(text):
                self.fh.write(f'{head} t="inlineStr"><is><t>{text}</t></is></c>')
                return
            value = getattr(cell, "value", None)
            if kind == "Formula" and type(value) in _NUMBERS and not _CARE.search(cell.formula):
                self.fh.write(f"{head}><f>{cell.formula}</f><v>{value}</v></c>")
                return
        super()._write_cell(row, col, cell, *args, **kwargs)
