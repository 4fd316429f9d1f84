"""The one workbook writer: every ``.xlsx`` the project writes goes through :func:`write_workbook`.

A workbook is described as :class:`Sheet` objects (rows of cells, each row with
a style) and written with XlsxWriter in constant-memory mode, row by row, so that
100.000 tasks take seconds and a bounded amount of memory. openpyxl stays for
reading.

Guarantees, whatever the cells hold:

- **Text stays text.** A ``str`` cell is written by XlsxWriter's ``write_string``,
  never as a formula, a number or a link (and the workbook's ``strings_to_formulas``,
  ``strings_to_numbers`` and ``strings_to_urls`` are off besides): a scenario or
  agency named ``=HYPERLINK(...)`` is shown as typed. Text that
  begins with ``=``, ``+``, ``-`` or ``@`` also gets Excel's quote prefix, so
  editing the cell keeps it text. Only a :class:`Formula` becomes a formula.
- **Formulas carry their values.** A :class:`Formula` is stored with its computed
  value, so Excel, LibreOffice and a reader that sees only saved values
  (openpyxl's ``data_only=True``) all see the figure.
- **Reproducible bytes.** Document properties and the package's timestamps are
  fixed: equal sheets give byte-identical files.
- **Print-ready.** Landscape A4, one page wide, the header rows frozen and
  repeated on every page, page numbers in the footer; column widths from the
  content, long text wrapped instead of overprinting.

Number formats are ``#,##0.00`` codes tagged with the Vietnamese locale
(``[$-42A]``): LibreOffice shows ``76.559,18`` whatever its own locale, Excel shows
the separators of the reader's Windows settings (``76.559,18`` under Vietnamese). Zero
shows as ``-`` as in the document. Each amount shows the digits it has (at most
``MAX_PLACES``), so a whole amount shows ``18.000`` and a cent amount ``76.559,18``.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .output import atomic_path
from .sheets import ILLEGAL, Cell, Formula, Percent, Sheet, sheet_title
from .tolerances import SHOWN

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

__all__ = ["MAX_PLACES", "write_workbook"]

MAX_PLACES = 2
_FIXED_TIME = datetime(2024, 1, 1)
_CREATOR = "portfolio"
_FORMULA_START = ("=", "+", "-", "@")
_TABLE: frozenset[str] = frozenset({"header", "body", "subtotal", "total"})
_MAX_TEXT = 32767  # Excel's limit for one cell
_WIDE = 48  # a text column wider than this wraps instead
# the Vietnamese locale (LCID 0x042A): LibreOffice then shows 76.559,18 whatever its own locale;
# Excel shows the separators of the reader's Windows settings
_VIETNAMESE = "[$-42A]"
_SAMPLE = 2000  # widths come from the first rows and the last 50 (the totals) of a longer sheet
_LINE_HEIGHT = 15.0  # points per line of 11-point text
_GLYPH = 1.0  # width of an average character of text in "0" widths (with diacritics, bold)
_STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 13},
    "heading": {"bold": True, "font_size": 11},
    "note": {"italic": True},
    "plain": {},
    "header": {
        "bold": True,
        "align": "center",
        "valign": "vcenter",
        "text_wrap": True,
        "bg_color": "#DDEBF7",
    },
    "body": {"valign": "top"},
    "subtotal": {"bold": True, "valign": "top"},
    "total": {"bold": True, "valign": "top", "bg_color": "#F2F2F2"},
}


def _places(value: float) -> int:
    """Digits after the decimal mark the amount needs, at most :data:`MAX_PLACES` (2).

    Examples
    --------
    >>> _places(18000.0), _places(329.7), _places(76559.18), _places(548.3333)
    (0, 1, 2, 2)
    """
    if value.is_integer() or not math.isfinite(value):  # whole millions: most amounts
        return 0
    cents = round(value * 100)
    if abs(value * 100 - cents) > SHOWN * max(1.0, abs(cents)):
        return MAX_PLACES  # more digits than shown
    return 0 if cents % 100 == 0 else 1 if cents % 10 == 0 else 2


def _text_width(value: Cell) -> int:
    if isinstance(value, Formula):
        value = value.value
    if isinstance(value, Percent):
        return 8
    if isinstance(value, float | int) and not isinstance(value, bool):
        whole = len(str(int(abs(value)))) if math.isfinite(value) else 4
        places = _places(float(value))
        return whole + (whole - 1) // 3 + (places + 1 if places else 0) + (value < 0)
    text = str(value or "")
    return len(text) if "\n" not in text else max(len(line) for line in text.splitlines())


def _clean(text: str) -> str:
    """The text without the control characters a worksheet cannot hold, at most 32.767 characters."""
    if not text.isprintable():
        text = ILLEGAL.sub("", text)
    return text[:_MAX_TEXT]


class _Formats:
    """XlsxWriter formats, made once per (style, number places, wrap, quote prefix)."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.made: dict[tuple[object, ...], Format] = {}
        self.amounts: dict[tuple[str, int], Format] = {}

    def money(self, style: str, amount: float) -> Format:
        """The format of an amount in a row of ``style``: as many decimals as it has."""
        key = (style, _places(amount))
        made = self.amounts.get(key)
        if made is None:
            made = self.amounts[key] = self.get(style, _MONEY_CODES[key[1]])
        return made

    def get(self, style: str, number: str | None = None, wrap: bool = False, quote: bool = False) -> Format:
        key = (style, number, wrap, quote)
        if key not in self.made:
            props = dict(_STYLES[style])
            if style in _TABLE:
                props |= {"border": 1, "border_color": "#808080"}
            if number is not None:
                props["num_format"] = number
                props.setdefault("align", "right")
            if wrap:
                props["text_wrap"] = True
            if quote:
                props["quote_prefix"] = True
            self.made[key] = self.book.add_format(props)
        return self.made[key]


def _money_code(places: int) -> str:
    code = "#,##0" + ("." + "0" * places if places else "")
    return f'{_VIETNAMESE}{code};-{code};"-"'


_MONEY_CODES = [_money_code(places) for places in range(MAX_PLACES + 1)]


def _put(
    sheet: Worksheet, formats: _Formats, row: int, column: int, value: Cell, style: str, wrap: bool
) -> None:
    """Write a cell that is not a plain float or text (those the row loop writes itself)."""
    if isinstance(value, bool):
        _write_text(sheet, formats, row, column, str(value), style, wrap)
    elif isinstance(value, float | int):  # int, numpy numbers
        amount = float(value)
        if math.isfinite(amount):
            sheet.write_number(row, column, amount, formats.money(style, amount))
        else:
            sheet.write_string(row, column, str(amount), formats.get(style))
    elif isinstance(value, str):
        _write_text(sheet, formats, row, column, value, style, wrap)
    elif value is None:
        if style in _TABLE:
            sheet.write_blank(row, column, None, formats.get(style))
    elif isinstance(value, Formula):
        result = value.value
        if isinstance(result, float | int):  # a sum of cents: drop the binary noise (-7,3e-12)
            result = round(float(result), 9) + 0.0
            sheet.write_formula(row, column, value.text, formats.money(style, result), result)
        else:
            sheet.write_formula(row, column, value.text, formats.get(style), result)
    elif isinstance(value, Percent):
        if math.isfinite(value.value):
            sheet.write_number(row, column, float(value.value), formats.get(style, f"{_VIETNAMESE}0.00%"))
    else:
        _write_text(sheet, formats, row, column, str(value), style, wrap)


def _write_text(
    sheet: Worksheet, formats: _Formats, row: int, column: int, value: str, style: str, wrap: bool
) -> None:
    """Text as a string cell, always (never a formula, a number or a link); ``""`` as a blank."""
    text = _clean(value)
    if not text:
        if style in _TABLE:
            sheet.write_blank(row, column, None, formats.get(style))
        return
    quote = text[0] in _FORMULA_START and text != "-"
    sheet.write_string(row, column, text, formats.get(style, None, wrap, quote))


def _widths(spec: Sheet) -> tuple[dict[int, float], set[int]]:
    """Column widths from the content (or :attr:`Sheet.widths`), and the columns that wrap.

    A sheet of more than :data:`_SAMPLE` rows is measured on its first rows and its
    last 50 (where the totals, the widest figures, stand).
    """
    longest: dict[int, int] = {}
    numeric: set[int] = set()
    rows = spec.rows if len(spec.rows) <= _SAMPLE else [*spec.rows[:_SAMPLE], *spec.rows[-50:]]
    for style, cells in rows:
        if style in ("title", "heading", "note", "header"):
            continue  # titles and notes run over empty neighbours; headers wrap
        for column, value in enumerate(cells):
            longest[column] = max(longest.get(column, 0), _text_width(value))
            if not isinstance(value, str | None):
                numeric.add(column)
    for style, cells in rows:
        if style == "header":  # a header's longest word should fit
            for column, value in enumerate(cells):
                word = max((len(w) for w in str(value or "").split()), default=0)
                longest[column] = max(longest.get(column, 0), word)
    widths = {column: float(min(_WIDE + 2, max(6, size + 2))) for column, size in longest.items()}
    for column in numeric:
        widths[column] = max(widths.get(column, 0.0), 11.0)  # room for a header over three lines
    widths |= spec.widths
    return widths, {column for column, width in widths.items() if longest.get(column, 0) + 2 > width}


def _lines(cells: Sequence[Cell], widths: dict[int, float], columns: Iterable[int]) -> int:
    """Lines the tallest wrapped text of a row needs (an estimate: Excel does not fit them itself).

    ``columns``: those whose text wraps (every column of a header row).
    """
    lines = 1
    for column in columns:
        value = cells[column] if column < len(cells) else None
        if isinstance(value, str):
            per_line = max(1.0, widths.get(column, 8.43) - 1.5)
            lines = max(lines, math.ceil(len(value) * _GLYPH / per_line))
    return lines


def _write_sheet(book: Workbook, formats: _Formats, spec: Sheet, title: str) -> None:
    from .xlsx_sheet import LeanWorksheet  # imports xlsxwriter: only when a workbook is written

    sheet = book.add_worksheet(title, worksheet_class=LeanWorksheet)
    widths, wrapped = _widths(spec)
    for column, width in sorted(widths.items()):
        sheet.set_column(column, column, width)
    if spec.header is not None:
        first, last = spec.header
        sheet.freeze_panes(last + 1, 0)
        sheet.repeat_rows(first, last)
    for first_row, first_column, last_row, last_column, rule in spec.validations:
        sheet.data_validation(first_row, first_column, last_row, last_column, rule)
    if spec.hidden:
        sheet.hide()
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.set_footer("&C&P / &N")
    notes: dict[int, list[tuple[int, str]]] = {}
    for (row, column), text in sorted(spec.comments.items()):
        notes.setdefault(row, []).append((column, text))
    # per wrapped column, the characters of one line (as _lines counts them), found once
    per_line = [(column, max(1.0, widths.get(column, 8.43) - 1.5)) for column in sorted(wrapped)]
    # XlsxWriter's writers without their check for "A1" references: this loop gives numbers
    write_string, write_number, write_formula, write_blank = sheet.cell_writers()
    # per style, made once: the money formats by places, the text format of each column
    money: dict[str, list[Format]] = {}
    texts: dict[str, tuple[Format, list[Format]]] = {}
    most = max((len(cells) for _, cells in spec.rows), default=0)
    for number, (style, cells) in enumerate(spec.rows):
        table = style in _TABLE
        if table:
            if style == "header":
                lines = _lines(cells, widths, range(len(cells)))
            else:  # _lines over the wrapped columns, inline: one call per row of 100.000
                lines, size = 1, len(cells)
                for column, characters in per_line:
                    if column < size and isinstance(wrapped_text := cells[column], str):
                        lines = max(lines, math.ceil(len(wrapped_text) * _GLYPH / characters))
            if lines > 1:  # set before the row is written: constant memory writes rows in order
                sheet.set_row(number, _LINE_HEIGHT * lines)
        if style not in money:
            money[style] = [formats.get(style, code) for code in _MONEY_CODES]
            plain, wrap = formats.get(style), formats.get(style, None, True)
            texts[style] = (plain, [wrap if table and c in wrapped else plain for c in range(most)])
        by_places, (plain, by_column) = money[style], texts[style]
        for column, value in enumerate(cells):
            kind = type(value)
            # the bulk of a large workbook (amounts, text, formulas with amounts, blanks): no dispatch
            if kind is float:
                if value.is_integer():  # type: ignore[union-attr]
                    write_number(number, column, value, by_places[0])
                    continue
                if math.isfinite(value):  # type: ignore[arg-type]
                    write_number(number, column, value, by_places[_places(value)])  # type: ignore[arg-type]
                    continue
            elif kind is str:
                if value and value.isprintable() and value[0] not in _FORMULA_START:  # type: ignore[index, union-attr]
                    if len(value) <= _MAX_TEXT:  # type: ignore[arg-type]
                        write_string(number, column, value, by_column[column])
                        continue
                elif not value:
                    if table:
                        write_blank(number, column, None, plain)
                    continue
            elif value is None:
                if table:
                    write_blank(number, column, None, plain)
                continue
            elif kind is Formula and type(result := value.value) is float:  # type: ignore[union-attr]
                result = round(result, 9) + 0.0  # a sum of cents: drop the binary noise (-7,3e-12)
                write_formula(number, column, value.text, by_places[_places(result)], result)  # type: ignore[union-attr]
                continue
            _put(sheet, formats, number, column, value, style, table and column in wrapped)
        for column, note in notes.get(number, ()):  # constant memory: a row cannot be revisited
            sheet.write_comment(number, column, ILLEGAL.sub("", note), {"x_scale": 2.5, "y_scale": 1.5})


def write_workbook(sheets: Iterable[Sheet], path: str | Path, *, title: str = "") -> None:
    """Write sheets to an ``.xlsx`` workbook, atomically and reproducibly.

    Parameters
    ----------
    sheets
        In workbook order (an iterator is written sheet by sheet, each let go
        once written); their titles are made legal and unique
        (:func:`sheet_title`), so refer to a sheet in a formula only by a title
        that is already legal.
    path
        The file; replaced only once the workbook is complete.
    title
        The document's title property.

    Raises
    ------
    ValueError
        If there is no sheet.
    """
    import xlsxwriter

    queue = iter(sheets)
    first = next(queue, None)
    if first is None:
        raise ValueError("no sheet to write")
    with atomic_path(Path(path)) as temporary:
        # text is written by write_string only; these keep it text even through XlsxWriter's write()
        options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
        book = xlsxwriter.Workbook(str(temporary), {"constant_memory": True, **options})
        book.set_properties({"title": title, "author": _CREATOR, "created": _FIXED_TIME})
        formats = _Formats(book)
        taken: list[str] = []
        try:
            for spec in itertools.chain([first], queue):
                taken.append(sheet_title(spec.title, taken))
                _write_sheet(book, formats, spec, taken[-1])
                del spec  # let a written sheet go before the next is made
        except BaseException:
            with contextlib.suppress(Exception):  # the temporary file goes anyway
                book.close()
            raise
        book.close()
