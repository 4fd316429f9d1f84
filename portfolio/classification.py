"""Place every task under a pillar and a heading of Phụ lục I, by stated rules.

The rules read the task's name, then its lead agency, and the first that
matches decides (:data:`RULES`, then :data:`AGENCY_RULES`). Each is a list of
phrases taken from the seeds: Nghị quyết 03-NQ/TU (NQ) sections III–IV, and
Kế hoạch 325/KH-UBND (KH) section III with its Phụ lục I (PL I). Phrases match
whole words, whatever the case and the place of the tone marks (``số hoá`` and
``số hóa``). The order matters and is the one written below, most specific
first:

1. information security, then the national databases (land, population,
   enterprises) that NQ IV.1.4 names as foundations;
2. human resources, experience spaces (PL I XII), the sectors of Xã hội số
   (health, education, press and broadcasting, digital maps and addresses:
   NQ IV.4), awareness, the
   institutions, the digital-technology business and the sectors of Kinh tế số
   (tourism, port-logistics, transport, agriculture, environment, energy,
   enterprises: NQ IV.3, KH III.9);
3. the work of government (public services, documents, meetings, reports,
   archives: NQ IV.2, KH III.8);
4. infrastructure, platforms and data in general (NQ IV.1.3–1.4);
5. digitisation and "chính quyền số" left over (KH III.8.4);
6. the agency, when the name says nothing (Sở Y tế → Xã hội số).

A task no rule places is ``chưa phân loại`` and one
:class:`~portfolio.errors.PortfolioWarning` lists every such task. The
bundled appendix was checked by hand against the seeds; ``docs/pillars.md``
lists where the hand check overrides the rules and why.

>>> classify_task("Cải tạo, nâng cấp hệ thống truyền thanh cơ sở", "Sở Thông tin và Truyền thông")
Classification(pillar='Xã hội số', category='XI Xã hội số', reason='truyền thanh → XI Xã hội số')
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from .errors import InputError, PortfolioWarning
from .pillars import CATEGORY_PILLAR, UNCLASSIFIED, category_name, fold, pillar_name
from .tasks import Task, TaskList

__all__ = [
    "AGENCY_RULES",
    "HAND_CHECKED",
    "NO_RULE",
    "RULES",
    "Classification",
    "Rule",
    "classify",
    "classify_task",
    "given_classification",
    "read_pillars",
]

NO_RULE = "no rule matches the name or the agency"


class Classification(NamedTuple):
    """A task's pillar, its heading of Phụ lục I and why."""

    pillar: str
    category: str
    reason: str


@dataclass(frozen=True)
class Rule:
    """Phrases that place a task under a heading of Phụ lục I.

    Attributes
    ----------
    category
        The heading (its pillar is :data:`portfolio.pillars.CATEGORY_PILLAR`).
    phrases
        Words of the task's name (or of its agency, for :data:`AGENCY_RULES`).
    source
        Where the seeds put such tasks under this heading.
    """

    category: str
    phrases: tuple[str, ...]
    source: str


RULES: tuple[Rule, ...] = (
    Rule(
        "VII An toàn thông tin mạng",
        ("an toàn thông tin", "an ninh mạng", "mã độc", "thông tin trên mạng", "không gian mạng"),
        "NQ IV.1.5; KH III.7.4 (tin giả, thông tin vi phạm trên không gian mạng)",
    ),
    Rule(
        "VI Dữ liệu số",
        ("cơ sở dữ liệu quốc gia", "csdl quốc gia", "nền địa lý quốc gia", "đất đai", "địa chính", "dân cư"),
        "NQ IV.1.4 (CSDL quốc gia về dân cư, doanh nghiệp, đất đai); KH III.4 (ưu tiên CSDL đất đai)",
    ),
    Rule(
        "III Nhân lực số",
        ("đào tạo nhân lực", "nhân lực số", "kỹ năng số", "bồi dưỡng", "tập huấn"),
        "NQ IV.1.7; PL I III",
    ),
    Rule(
        "XII Không gian trải nghiệm",
        ("không gian trải nghiệm", "trải nghiệm sản phẩm"),
        "PL I XII",
    ),
    Rule(
        "XI Xã hội số",
        (
            "y tế",
            "khám chữa bệnh",
            "bệnh án",
            "bệnh viện",
            "sức khỏe",
            "an toàn thực phẩm",
            "giáo dục",
            "học bạ",
            "tuyển sinh",
            "trường học",
            "đại học",
            "nhà trường",
            "tòa soạn",
            "báo chí",
            "truyền thanh",
            "phát thanh",
            "thông tin nguồn",
            "bản đồ số",
            "địa chỉ số",
            "mã qr",
            "danh tính số",
            "bảo tàng",
            "văn hóa số",
            "làng số",
        ),  # fmt: skip
        "NQ IV.4 (Y tế, Giáo dục, Báo chí; truyền thanh cơ sở; bản đồ số, địa chỉ số); KH III.10",
    ),
    Rule(
        "IV Nhận thức số",
        ("truyền thông", "tuyên truyền", "bản tin", "nhận thức", "ngày chuyển đổi số"),
        "NQ IV.1.1; PL I IV (kênh truyền thông, mô hình chuyển đổi số thành công)",
    ),
    Rule(
        "I Thể chế số",
        ("thể chế", "ban hành chính sách", "cơ chế chính sách", "văn bản quy phạm"),
        "NQ IV.1.2; KH III.2; PL I I",
    ),
    Rule(
        "VIII Doanh nghiệp công nghệ số",
        ("doanh nghiệp công nghệ số", "công nghiệp công nghệ thông tin", "công nghiệp ict"),
        "KH III.9.1; PL I VIII",
    ),
    Rule(
        "X Kinh tế số",
        (
            "du lịch",
            "logistics",
            "cảng",
            "giao thông",
            "vận tải",
            "nông nghiệp",
            "nông sản",
            "đa dạng sinh học",
            "thông tin môi trường",
            "dữ liệu môi trường",
            "quan trắc",
            "tài nguyên và môi trường",
            "lưới điện",
            "năng lượng",
            "doanh nghiệp",
            "khởi nghiệp",
            "thương mại điện tử",
            "giao dịch công nghệ",
            "tiêu chuẩn đo lường",
            "khu kinh tế",
            "khu công nghiệp",
            "kinh tế số",
        ),  # fmt: skip
        "NQ IV.3 (Du lịch; Giao thông vận tải, logistics; Nông nghiệp; Tài nguyên và môi trường); KH III.9",
    ),
    Rule(
        "IX Chính phủ số",
        (
            "dịch vụ công",
            "một cửa",
            "thủ tục hành chính",
            "tổng đài",
            "kỳ họp",
            "họp không giấy",
            "hội nghị truyền hình",
            "văn bản",
            "chỉ đạo điều hành",
            "thư điện tử",
            "cổng thông tin điện tử",
            "nghị quyết",
            "thanh tra",
            "hộ tịch",
            "lưu trữ",
            "báo cáo",
            "giám sát điều hành",
            "ioc",
            "cơ quan nhà nước",
            "công vụ",
        ),  # fmt: skip
        "NQ IV.2 (một cửa, cổng dịch vụ công, văn bản, báo cáo, họp không giấy, IOC, thanh, kiểm tra); "
        "KH III.8",
    ),
    Rule(
        "II Hạ tầng số",
        (
            "hạ tầng",
            "điện toán đám mây",
            "trung tâm dữ liệu",
            "trung tâm tích hợp dữ liệu",
            "truyền số liệu",
            "ipv6",
            "5g",
            "cáp quang",
            "viễn thông",
        ),  # fmt: skip
        "NQ IV.1.3; KH III.3 (Trung tâm tích hợp dữ liệu trên nền tảng điện toán đám mây)",
    ),
    Rule(
        "V Nền tảng số cơ bản",
        ("nền tảng", "trợ lý ảo", "trí tuệ nhân tạo", "phân tích dữ liệu", "lgsp"),
        "NQ IV.1.3–1.4 (trí tuệ nhân tạo, phân tích dữ liệu lớn); KH III.5; PL I V",
    ),
    Rule(
        "VI Dữ liệu số",
        ("cơ sở dữ liệu", "csdl", "dữ liệu"),
        "NQ IV.1.4; KH III.4 (cơ sở dữ liệu chuyên ngành); PL I VI",
    ),
    Rule(
        "IX Chính phủ số",
        ("số hóa", "chính quyền số", "chính quyền điện tử", "chính phủ số"),
        "KH III.8.4 (số hóa hồ sơ của các cơ quan); NQ IV.2",
    ),
)

AGENCY_RULES: tuple[Rule, ...] = (
    Rule(
        "V Nền tảng số cơ bản",
        ("thông tin và truyền thông",),
        "KH VI.2 (the department runs the city's shared platforms)",
    ),
    Rule(
        "IX Chính phủ số",
        (
            "văn phòng",
            "nội vụ",
            "tư pháp",
            "thanh tra",
            "ngoại vụ",
            "tuyên giáo",
            "thành ủy",
            "hội đồng nhân dân",
            "hđnd",
        ),  # fmt: skip
        "NQ IV.2 (cơ quan Đảng, chính quyền)",
    ),
    Rule(
        "XI Xã hội số",
        ("y tế", "giáo dục", "văn hóa", "lao động thương binh", "thành đoàn", "đại học", "phát thanh"),
        "NQ IV.4",
    ),
    Rule(
        "X Kinh tế số",
        (
            "du lịch",
            "công thương",
            "nông nghiệp",
            "giao thông",
            "khu kinh tế",
            "khoa học và công nghệ",
            "kế hoạch và đầu tư",
            "thống kê",
            "tài nguyên và môi trường",
        ),  # fmt: skip
        "NQ IV.3; KH III.9",
    ),
)


#: Tasks of Phụ lục 2 (2024) whose hand check against the seeds overrides the phrases
#: (``docs/pillars.md``), by name: every reader of the plan gives them the same place.
HAND_CHECKED: dict[str, tuple[str, str]] = {
    "Xây dựng phần mềm Quản lý người lao động nước ngoài làm việc tại Việt Nam": (
        "IX Chính phủ số",
        "hand check: work permits are a state-management procedure (NQ IV.2)",
    ),
    "Xây dựng, cập nhật cơ sở dữ liệu cho hệ thống quản trị và điều hành e-Heza": (
        "X Kinh tế số",
        "hand check: e-Heza runs the economic zones (KH III.9.1: KCN, KKT)",
    ),
    "Triển khai nâng cấp hạ tầng công nghệ thông tin trong các cơ quan Đảng, Mặt trận Tổ quốc "
    "Việt Nam và các tổ chức chính trị - xã hội thành phố Hải Phòng giai đoạn 2022-2025": (
        "IX Chính phủ số",
        "hand check: IT of the Party and Front agencies (KH III.8.1, 8.3)",
    ),
}


def _words(text: str) -> str:
    """Folded text as space-separated words, padded, for whole-word search."""
    return " " + " ".join(re.sub(r"[^\w]+", " ", fold(text)).split()) + " "


# (category, phrase as written, folded phrase) in the order they are tried
_NAME_PHRASES = [(r.category, p, _words(p)) for r in RULES for p in r.phrases]
_AGENCY_PHRASES = [(r.category, p, _words(p)) for r in AGENCY_RULES for p in r.phrases]
_HAND = {_words(name): placed for name, placed in HAND_CHECKED.items()}


def classify_task(name: str, agency: str, *, hand_checked: bool = True) -> Classification:
    """The pillar and heading the rules give a task, with the phrase that decided.

    Parameters
    ----------
    name
        The task's name (Nội dung nhiệm vụ).
    agency
        Its lead agency (đơn vị chủ trì).
    hand_checked
        Whether the hand-checked tasks (:data:`HAND_CHECKED`) come first; ``False``
        gives what the phrases alone say.

    Returns
    -------
    Classification
        ``chưa phân loại`` with the reason :data:`NO_RULE` when nothing matches.

    Examples
    --------
    >>> classify_task("Nâng cấp Cổng thông tin điện tử thành phố.", "Văn phòng UBND").category
    'IX Chính phủ số'
    >>> classify_task("Thuê dịch vụ hạ tầng điện toán đám mây", "Sở TTTT").reason
    'hạ tầng → II Hạ tầng số'
    """
    words = _words(name)
    if hand_checked and words in _HAND:
        category, reason = _HAND[words]
        return Classification(CATEGORY_PILLAR[category], category, reason)
    for category, phrase, folded in _NAME_PHRASES:
        if folded in words:
            return Classification(CATEGORY_PILLAR[category], category, f"{phrase} → {category}")
    words = _words(agency)
    for category, phrase, folded in _AGENCY_PHRASES:
        if folded in words:
            return Classification(CATEGORY_PILLAR[category], category, f"agency {phrase} → {category}")
    return Classification(UNCLASSIFIED, UNCLASSIFIED, NO_RULE)


def read_pillars(path: str | Path) -> dict[str, Classification]:
    """Read an analyst's classification: a small CSV ``id,pillar,category[,pillar_reason]``.

    Either ``pillar`` or ``category`` may be left out (of the header or of a row);
    a missing pillar is the heading's, a missing heading is ``chưa phân loại``.
    Names may be English aliases (``digital economy``) or headings by numeral (``X``).

    Raises
    ------
    InputError
        Naming the file, the row and the field.
    """
    from .readers._files import read_text

    file = str(path)
    rows = list(csv.reader(io.StringIO(read_text(Path(path)), newline="")))
    header = [h.strip() for h in rows[0]] if rows else []
    if "id" not in header or not {"pillar", "category"} & set(header):
        raise InputError("expected the columns id and pillar and/or category", file=file, row="line 1")
    out: dict[str, Classification] = {}
    for number, cells in enumerate(rows[1:], start=2):
        record = {h: c.strip() for h, c in zip(header, cells, strict=False)}
        task_id = record.get("id", "").upper()
        if not any(record.values()):
            continue
        row = f"{task_id} (line {number})" if task_id else f"line {number}"
        if not task_id:
            raise InputError("no task id", file=file, row=row, field="id")
        if task_id in out:
            raise InputError("the task is given twice", file=file, row=row, field="id")
        out[task_id] = given_classification(record, file=file, row=row)
    return out


def given_classification(record: Mapping[str, str], *, file: str, row: str) -> Classification:
    """The classification a row of a file gives (``pillar``, ``category``, ``pillar_reason`` cells)."""
    pillar_text, category_text = record.get("pillar", ""), record.get("category", "")
    category = category_name(category_text) if category_text else UNCLASSIFIED
    if category is None:
        raise InputError(
            f"expected a heading of Phụ lục I (I … XII, e.g. 'VI Dữ liệu số'), got {category_text!r}",
            file=file,
            row=row,
            field="category",
        )
    pillar = pillar_name(pillar_text) if pillar_text else CATEGORY_PILLAR.get(category, UNCLASSIFIED)
    if pillar is None:
        raise InputError(
            "expected nền tảng, Chính quyền số, Kinh tế số, Xã hội số or chưa phân loại "
            f"(or foundations, digital government, digital economy, digital society), got {pillar_text!r}",
            file=file,
            row=row,
            field="pillar",
        )
    reason = record.get("pillar_reason", "") or f"given in {Path(file).name}"
    return Classification(pillar, category, reason)


def classify(tasks: TaskList, overrides: Mapping[str, Classification] | str | Path | None = None) -> TaskList:
    """Classify the tasks that are not yet (empty ``pillar_reason``), the analyst's overrides first.

    Parameters
    ----------
    tasks
        The appendix; tasks that carry a reason keep their classification.
    overrides
        Task id -> :class:`Classification`, or the path of a CSV for :func:`read_pillars`.

    Returns
    -------
    TaskList
        The same tasks (same source and stated totals) with ``pillar``,
        ``category`` and ``pillar_reason`` set.

    Warns
    -----
    PortfolioWarning
        Once, listing every task the rules could not place (``chưa phân loại``).

    Raises
    ------
    InputError
        If the overrides name a task that is not in the appendix.
    """
    file = "<overrides>"
    if isinstance(overrides, (str, Path)):
        file = str(overrides)
        overrides = read_pillars(overrides)
    overrides = dict(overrides or {})
    known = {task.id for task in tasks}
    for task_id in overrides:
        if task_id not in known:
            raise InputError("not a task of the appendix", file=file, row=task_id, field="id")
    out: list[Task] = []
    unplaced: list[Task] = []
    for task in tasks:
        given = overrides.get(task.id)
        if given is None and task.pillar_reason:
            out.append(task)
            continue
        found = given or classify_task(task.name, task.agency)
        if given is None and found.pillar == UNCLASSIFIED:
            unplaced.append(task)
        update = {"pillar": found.pillar, "category": found.category, "pillar_reason": found.reason}
        out.append(task.model_copy(update=update))
    if unplaced:
        listed = "; ".join(f"{t.id} {t.name[:40]!r}" for t in unplaced[:20])
        more = f"; and {len(unplaced) - 20} more" if len(unplaced) > 20 else ""
        warnings.warn(
            f"{tasks.source}: {len(unplaced)} task(s) no classification rule places, counted as "
            f"{UNCLASSIFIED!r}: {listed}{more}; "
            "give their pillar in a 'pillar' column or with --pillars FILE",
            PortfolioWarning,
            stacklevel=2,
        )
    return replace(tasks, tasks=tuple(out))  # keeps the source, stated totals, members and plan year
