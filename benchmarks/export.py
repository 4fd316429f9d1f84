"""The working paper at scale: ``allocation_to_excel`` on one year of ``n`` synthetic tasks.

Run in a fresh process, so that its peak memory (``VmHWM``) is the export's and the
tasks', not the runner's: make the tasks, ``optimize()`` them (the anchor of the
time), then write the workbook (wall and CPU time), and read the peak.

Then the anchor: the cells of the written workbook (text, numbers, formulas with
their values, styled blanks) are written again by XlsxWriter alone, through its
public API, in constant-memory mode, one format, nothing else (no row heights, no
comments, no layout). The CPU time of that replay is what these cells cost through
XlsxWriter's general routines on this machine at that moment; the export takes
short ways under them (``portfolio/xlsx_sheet.py``), so it can take less.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_SCRIPT = """
import json, sys, tempfile, time
sys.path.insert(0, {root!r})
from pathlib import Path
from benchmarks.generate import synthetic
import portfolio as pf
from portfolio.export import allocation_to_excel


def status(field):  # kB, this process only
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))


tasks = synthetic({n}, seed=0)
t0 = time.perf_counter()
allocation = pf.optimize(tasks)
optimize = time.perf_counter() - t0
before = status("VmRSS")
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "allocation.xlsx"
    t0, c0 = time.perf_counter(), time.process_time()
    allocation_to_excel(allocation, path, sensitivity=False)  # marginal() has its own rows
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    size = path.stat().st_size
    peak = status("VmHWM")
    cells, floor = replay(path, Path(folder) / "replay.xlsx")
print(json.dumps({{"seconds": seconds, "cpu": cpu, "optimize": optimize, "before": before,
                  "peak": peak, "bytes": size, "cells": cells, "floor": floor}}))
"""

_REPLAY = r"""
import html, re, time, zipfile
import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol

_CELL = re.compile(r'<c r="([A-Z]+\d+)"(?: s="\d+")?( t="\w+")?(?:/>|>(.*?)</c>)', re.S)
_STRING = re.compile(r"<t[^>]*>(.*?)</t>", re.S)
_FORMULA = re.compile(r"<f>(.*?)</f>(?:<v>(.*?)</v>)?", re.S)
_VALUE = re.compile(r"<v>(.*?)</v>")


def _cells(path):
    # (sheet, row, column, kind, value, result) of every cell of every worksheet, in order
    with zipfile.ZipFile(path) as package:
        names = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        names.sort(key=lambda n: int(re.sub(r"\D", "", n)))
        for sheet, name in enumerate(names):
            xml = package.read(name).decode("utf-8")
            for match in _CELL.finditer(xml):
                row, column = xl_cell_to_rowcol(match.group(1))
                kind, inner = match.group(2), match.group(3) or ""
                if kind == ' t="inlineStr"':
                    text = html.unescape(_STRING.search(inner).group(1))
                    yield sheet, row, column, "s", text, None
                elif "<f>" in inner:
                    formula = _FORMULA.search(inner)
                    result = formula.group(2) or "0"
                    number = kind != ' t="str"' and kind != ' t="e"'
                    text = "=" + html.unescape(formula.group(1))
                    yield sheet, row, column, "f", text, float(result) if number else result
                elif inner:
                    yield sheet, row, column, "n", float(_VALUE.search(inner).group(1)), None
                else:
                    yield sheet, row, column, "b", None, None


def replay(path, target):
    cells = list(_cells(path))
    c0 = time.process_time()
    book = xlsxwriter.Workbook(str(target), {{"constant_memory": True}})
    style = book.add_format({{"border": 1}})
    sheets = {{}}
    for sheet, row, column, kind, value, result in cells:
        if sheet not in sheets:
            sheets[sheet] = book.add_worksheet()
        out = sheets[sheet]
        if kind == "s":
            out.write_string(row, column, value, style)
        elif kind == "n":
            out.write_number(row, column, value, style)
        elif kind == "f":
            out.write_formula(row, column, value, style, result)
        else:
            out.write_blank(row, column, None, style)
    book.close()
    return len(cells), time.process_time() - c0
"""


def measure_export(root: Path, n: int) -> dict[str, float]:
    """Seconds (wall, CPU), the ``optimize()`` before it, resident memory before, peak, file size.

    Also ``cells`` (every cell written) and ``floor``: the CPU seconds of XlsxWriter alone
    writing those cells again (see the module notes).
    """
    script = _REPLAY.format() + _SCRIPT.format(root=str(root), n=n)
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=root)
    data: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return data
