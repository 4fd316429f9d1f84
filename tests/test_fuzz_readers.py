"""Fuzz the readers: whatever the input, read_appendix raises nothing but PortfolioError.

Lines are built from the pieces the plan's text is made of (tabs, Vietnamese
letters, digits, dots and commas, ``<b>`` tags, ``&amp;``, group headings, header
rows, Roman numerals), so the examples reach deep into the layout parser and the
tidy CSV reader instead of stopping at the first line. Damaged ``.xlsx``/``.docx``
files (bytes flipped, the package cut short) must give a one-line error too.
"""

from __future__ import annotations

import functools
import importlib.util
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portfolio.errors import PortfolioError
from portfolio.readers import read_appendix
from portfolio.tasks import COLUMNS, TaskList

HEADINGS = [
    "**Phụ lục 2**",
    "**Phụ lục 3**",
    "**A. CÁC NHIỆM VỤ TRIỂN KHAI THƯỜNG XUYÊN HÀNG NĂM (2 nhiệm vụ)**",
    "**B. CÁC NHIỆM VỤ CHUYỂN TIẾP TỪ NĂM 2023 SANG NĂM 2024 (1 nhiệm vụ)**",
    "**C. NHIỆM VỤ ĐỀ XUẤT MỚI (01 nhiệm vụ)**",
    "**D. CÁC NHIỆM VỤ CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN ĐẦU TƯ CÔNG (04 nhiệm vụ)**",
    "**E. TỔNG HỢP CÁC NHÓM NHIỆM VỤ**",
    "**F. CÁC NHIỆM VỤ KHÁC (3 nhiệm vụ)**",
    "*Đơn vị tính: Triệu đồng*",
]
HEADERS = [
    "TT\tTên nhiệm vụ\tThời gian thực hiện\tDự toán được duyệt\tDự kiến phân bổ kinh phí năm 2024",
    "TT\tTên nhiệm vụ\tThời gian thực hiện\tDự toán được duyệt\tKinh phí đã sử dụng năm 2023"
    "\tChuyển nguồn từ 2023 sang 2024\tDự kiến phân bổ kinh phí năm 2024 (đợt 1)",
    "Stt\tTên nhiệm vụ\tĐơn vị chủ trì\tThời gian thực hiện\tDự toán\tĐã phân bổ, thực hiện"
    "\tDự kiến phân bổ kinh phí năm 2024",
    "Stt\tTên nhóm nhiệm vụ\tDự toán được duyệt\tNhu cầu kinh phí\tDự kiến phân bổ kinh phí năm 2024",
    "TT\tTên nhiệm vụ\tThời gian thực hiện\tKinh phí",
    "\t\t\tDự toán được duyệt\tDự kiến phân bổ kinh phí năm 2024",
]
CELLS = [
    "",
    "1",
    "2",
    "0",
    "1a",
    "I",
    "II",
    "IV",
    "A",
    "<b>I</b>",
    "<b>Sở Y tế</b>",
    "Văn phòng ĐDBQH&amp;HĐND TP",
    "<b>TỔNG</b>",
    "Nhiệm vụ chuyển tiếp",
    "Nhiệm vụ đề xuất mới",
    "Năm 2024",
    "2023 - 2024",
    "2O24",
    "20244",
    "2025-2023",
    "Thuê dịch vụ 03 năm (2024-2026)",
    "Thuê dịch vụ 09 năm (2024-2026)",
    "1.645",
    "1645,0",
    "1,645.5",
    "329,7",
    "-",
    "-5",
    "nan",
    "inf",
    "1e400",
    "9" * 40,
    "2,0%",
    "&amp;",
    "<b>",
    "\u00a0",
]
WORDS = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠĐƯỜNG0123456789 .,-()%<>/&;*#", max_size=12)
CELL = st.one_of(st.sampled_from(CELLS), WORDS)
ROW = st.lists(CELL, min_size=1, max_size=8).map("\t".join)
LINE = st.one_of(st.sampled_from(HEADINGS), st.sampled_from(HEADERS), ROW, WORDS)

# rows shaped like the document's, so that examples get past the header into the tasks
MONEY = st.one_of(
    st.sampled_from(
        ["1.645", "593", "329,7", "-", "", "18.000", "1645,0", "1,645.5", "nan", "-5", "<b>28.080</b>"]
    ),
    st.integers(0, 10**7).map(str),
)
NUMBER = st.one_of(st.integers(0, 15).map(str), st.sampled_from(["1a", "I", "II", "", "1.0", "01"]))
PERIOD = st.sampled_from(
    [
        "Năm 2024",
        "2023 - 2024",
        "2023-2024",
        "2024",
        "Thuê dịch vụ 03 năm (2024-2026)",
        "Thuê dịch vụ 00 năm (2024-2026)",
        "2O24",
        "20244",
        "2025-2023",
        "",
        "2021-2022-2023",
    ]
)
NAME = st.sampled_from(
    ["Phần mềm", "<b>Sở Y tế</b>", "Văn phòng ĐDBQH&amp;HĐND TP", "TỔNG", "", "Nhiệm vụ chuyển tiếp"]
)
TASK_ROW = st.tuples(NUMBER, NAME, PERIOD, st.lists(MONEY, min_size=2, max_size=4)).map(
    lambda r: "\t".join([r[0], r[1], r[2], *r[3]])
)
D_ROW = st.tuples(NUMBER, NAME, NAME, PERIOD, st.lists(MONEY, min_size=3, max_size=3)).map(
    lambda r: "\t".join([r[0], r[1], r[2], r[3], *r[4]])
)
AGENCY_ROW = st.tuples(st.sampled_from(["<b>I</b>", "II", "", "IV"]), NAME, st.lists(MONEY, max_size=4)).map(
    lambda r: "\t".join([r[0], r[1], "", *r[2]])
)
BLOCK = st.tuples(
    st.sampled_from(HEADINGS[2:8]),
    st.sampled_from(HEADERS),
    st.lists(st.one_of(TASK_ROW, D_ROW, AGENCY_ROW, LINE), max_size=8),
).map(lambda b: [b[0], b[1], *b[2]])
TEXT = st.tuples(
    st.sampled_from(["", "**Phụ lục 2**"]),
    st.lists(st.one_of(BLOCK, LINE.map(lambda line: [line])), max_size=6),
).map(lambda t: "\n".join([t[0], *(line for block in t[1] for line in block)]))

CSV_CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "A1",
            "B2",
            "E1",
            "A",
            "B",
            "D",
            "2024",
            "2023",
            "20244",
            "2O24",
            "3",
            "3.5",
            "0",
            "9",
            "1645",
            "329.7",
            "-1",
            "nan",
            "inf",
            "1e999",
            "true",
            "false",
            "maybe",
            "recurrent",
            "investment",
            '"a,b"',
            '"',
            "Sở Y tế",
            "Năm 2024",
        ]
    ),
    WORDS,
)
CSV_ROW = st.one_of(
    st.lists(CSV_CELL, min_size=1, max_size=16),
    st.lists(CSV_CELL, min_size=14, max_size=14),
    st.tuples(
        st.sampled_from(["A1", "B2", "C1", "D3", "E1", "B1", ""]),
        st.sampled_from(["A", "B", "C", "D", "F"]),
        st.sampled_from(["Sở Y tế", ""]),
        st.sampled_from(["Phần mềm", ""]),
        st.sampled_from(["2024", ""]),
        st.sampled_from(["2023", "2024", "2025", "20244", "2O24"]),
        st.sampled_from(["2024", "2026", "1900"]),
        st.sampled_from(["", "3", "0", "9", "3.5"]),
        st.lists(
            st.sampled_from(["1645", "329.7", "0", "", "-1", "nan", "1e999", "abc"]), min_size=4, max_size=4
        ),
        st.sampled_from(["recurrent", "investment", ""]),
        st.sampled_from(["true", "false", "maybe", ""]),
    ).map(lambda r: [*r[:8], *r[8], r[9], r[10]]),
).map(",".join)
CSV_TEXT = st.tuples(
    st.sampled_from(
        [",".join(COLUMNS)] * 4 + [",".join(COLUMNS) + ",note", ",".join(COLUMNS[:-1]), "id,group"]
    ),
    st.lists(CSV_ROW, max_size=8),
).map(lambda parts: "\n".join([parts[0], *parts[1]]))

pytestmark = pytest.mark.filterwarnings("ignore::portfolio.errors.PortfolioWarning")

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _read(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            tasks = read_appendix(path)
        except PortfolioError as exc:
            assert len(str(exc).splitlines()) == 1
            assert path.name in str(exc)
        else:
            assert isinstance(tasks, TaskList) and len(tasks) > 0


@FUZZ
@given(TEXT)
@example(
    "**A. CÁC NHIỆM VỤ (2 nhiệm vụ)**\nTT\tTên nhiệm vụ\tThời gian thực hiện\tDự toán được duyệt"
    "\tDự kiến phân bổ kinh phí năm 2024\n<b>I</b>\t<b>Sở Y tế</b>\t\t1.645\t593\n"
    "1\tPhần mềm\tNăm 2024\t1.645\t593"
)
def test_text_layout_raises_only_portfolio_errors(text: str) -> None:
    _read(text, ".txt")


@FUZZ
@given(TEXT)
def test_text_lines_as_csv_raise_only_portfolio_errors(text: str) -> None:
    _read(text, ".csv")


@FUZZ
@given(CSV_TEXT)
@example(",".join(COLUMNS) + '\n",,\u2028,,"\nA1')  # a quoted line break in the id cell
def test_tidy_csv_raises_only_portfolio_errors(text: str) -> None:
    _read(text, ".csv")


@functools.cache
def _office_file(suffix: str) -> bytes:
    spec = importlib.util.spec_from_file_location(
        "make_corpus", Path(__file__).parent / "corpus" / "make_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    data: bytes = maker.builders()[f"valid{suffix}"]()
    return data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([".xlsx", ".docx"]),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
    st.one_of(st.none(), st.floats(0, 1)),
)
def test_damaged_office_files_raise_only_portfolio_errors(
    suffix: str, flips: list[tuple[float, int]], cut: float | None
) -> None:
    data = bytearray(_office_file(suffix))
    for where, byte in flips:
        data[int(where * len(data))] = byte
    if cut is not None:
        data = data[: int(cut * len(data))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"damaged{suffix}"
        path.write_bytes(bytes(data))
        try:
            read_appendix(path)
        except PortfolioError as exc:
            assert len(str(exc).splitlines()) == 1
            assert path.name in str(exc)
