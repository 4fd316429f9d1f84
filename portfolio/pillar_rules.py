"""The rules that place a task under a heading of Phụ lục I, as data.

Each rule is a list of phrases (:class:`Rule`); :func:`portfolio.classification.classify_task`
tries :data:`RULES` on the task's name, then :data:`AGENCY_RULES` on its lead agency,
and the first that matches decides. The phrases are taken from the seeds: Nghị quyết
03-NQ/TU (NQ) sections III–IV, and Kế hoạch 325/KH-UBND (KH) section III with its
Phụ lục I (PL I). Phrases match
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

:data:`HAND_CHECKED` holds the tasks whose hand check against the seeds
overrides the phrases (``docs/pillars.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AGENCY_RULES", "HAND_CHECKED", "RULES", "Rule"]


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
