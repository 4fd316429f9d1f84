"""The notebooks run top to bottom in a fresh kernel, print their key figures and are committed stripped.

Each notebook is executed with nbclient in a kernel of the interpreter that runs the tests: a
kernelspec ``python3`` for ``sys.executable`` is written to a temporary ``JUPYTER_PATH``, which
comes before every installed or per-user kernelspec, so a clean machine needs nothing beyond
``pip install ".[test]"``. The kernel's working directory and its temporary folder (``TMPDIR``,
where the notebooks write their LP and Excel files) are pytest temporary folders, so nothing is
written into the repository; matplotlib draws with the Agg backend.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KERNEL = "python3"

# What each notebook prints, as it prints it (Vietnamese number format: 266.884, 32,23%).
EXPECTED = {
    "01_quick_start.ipynb": [
        "81 tasks",
        "10 findings: 8 mismatches, 2 roundings",
        "recurrent tier 3 (chuyển tiếp) coverage: 32,23%",
        "investment left for new starts (khởi công mới): 2.571; D3 needs 20.000, D4 26.688: neither starts",
        "one more million VND raises recurrent tier-3 coverage by 1/266.884",
        "tier 3 is fully covered at a recurrent envelope of 513.268,5",
        "rationed at the common coverage 32,23% of its even-schedule demand 237.540,67",
    ],
    "02_what_if.ipynb": [
        "cut10            recurrent tier 3 coverage 19,78%, investment tier 3 coverage 93,63%",
        "cut20            recurrent tier 3 coverage 7,32%, investment tier 3 coverage 83,22%",
        "health_weighted  recurrent tier 3 coverage 32,23%",
        "commitments (tier 1) need 70.166,53",
        "tier 3 is fully covered from 513.268,5",
        "Nền tảng        planned 204.193,00 (51,20%), optimized 170.483,74 (42,75%)",
        "Kinh tế số      planned  51.413,00 (12,89%), optimized  88.029,86 (22,07%)",
        "cut10.xlsx ['A', 'B', 'C', 'D', 'E', 'Tổng hợp', 'Kịch bản', 'Độ nhạy']",
        "plan_3_years.xlsx ['A', 'B', 'C', 'D', 'E', 'Tổng hợp', 'Kế hoạch 3 năm', 'Kịch bản', 'Độ nhạy']",
        "47 tasks in full in every scenario, 2 in some, 32 in none",
        "D1, D2 (investment, continuing): core index 61,55%",
        "D3 starts in 0,00% of the scenarios",
        "D3 starts in 2026: completed in 100,00% of the scenarios",
    ],
    "03_teaching.ipynb": [
        "envelope_recurrent: x_A1 + x_B1 + x_B2 + x_B3 + x_C1 <= 600",
        "status optimal, λ = 0,375 (= 300 / 800)",
        "202,70",  # closest_to_plan gives B2 300/370 of its planned 250
        "dual of the envelope row: 0,00125 = 1/800",
        "CBC: λ = 0,375",
        "StageProblem(2024, 'tier 3: level': maximize over 6 columns",
        "planned above 50.000: ('B38', 'D1')",
        "λ(601) − λ(600) = 0,00125",
        "dual 1/266.884; finite difference 1/266.884",
        "B38 gains 0,8901 per million; the vector holds from 246.384,48 to 513.268,48",
        "δ = 10.000: largest gap between finite difference and marginal vector 0,000000",
        "δ = -50.000: largest gap between finite difference and marginal vector 0,000000",
        "commitments need 100,0 but the envelope is 80,0: short by 20,0 million VND",
    ],
    "04_live_what_if.ipynb": [
        "['recurrent', 'investment', 'rule', 'deferred']",
        "recurrent envelope 299.160,9",
        "recurrent tier 3 coverage after a 10% cut: 19,78%",
        "rule: equal_awards ; B38 allocated: 0.0",
        "short by",
        "report.html",
    ],
}
# Files each notebook writes into its temporary folder.
WRITTEN = {
    "01_quick_start.ipynb": [],
    "02_what_if.ipynb": ["more.toml", "cut10.xlsx", "plan_3_years.xlsx", "comparison.xlsx"],
    "03_teaching.ipynb": ["tier3_stage.lp"],
    "04_live_what_if.ipynb": ["report.html"],
}


@pytest.fixture(scope="session")
def jupyter_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Jupyter data folder whose kernelspec ``python3`` runs this interpreter's ipykernel."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (test run)",
        "language": "python",
    }
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    return root


def _outputs(nb: nbformat.NotebookNode, stream: str | None = None) -> str:
    """Text of every stream output (only ``stream`` if given) and every rich output's text/plain.

    A stream's outputs are joined as written: the kernel flushes a stream on a timer,
    so on a loaded machine one ``print`` may arrive as two outputs, split mid-line.
    """
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                if stream in (None, output.name):
                    parts.append(output.text)
            elif stream is None and "data" in output:
                parts.append("\n" + output.data.get("text/plain", "") + "\n")
        parts.append("\n")
    return "".join(parts)


def test_every_notebook_is_tested() -> None:
    assert sorted(path.name for path in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_is_committed_stripped(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == KERNEL
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: cell {cell.id} has outputs; commit it stripped"
            assert cell.execution_count is None, f"{name}: cell {cell.id} has an execution count"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs(
    name: str, jupyter_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work, scratch = tmp_path / "cwd", tmp_path / "tmp"
    for folder in (work, scratch):
        folder.mkdir()
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("TMPDIR", str(scratch))  # tempfile.mkdtemp() in the kernel
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(work)

    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    # iopub_timeout: how long to wait for a finished cell's last output; nbclient's 4 s
    # can drop a printed line on a loaded machine
    client = NotebookClient(
        nb, timeout=120, iopub_timeout=30, kernel_name=KERNEL, resources={"metadata": {"path": str(work)}}
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails

    text = _outputs(nb)
    missing = [expected for expected in EXPECTED[name] if expected not in text]
    assert not missing, f"{name} did not print {missing}"
    stderr = _outputs(nb, "stderr")
    assert "DeprecationWarning" not in stderr and "FutureWarning" not in stderr, stderr
    written = {path.name for path in scratch.rglob("*") if path.is_file()}
    assert set(WRITTEN[name]) <= written
    assert not any(work.iterdir()), f"{name} wrote into its working directory: {list(work.iterdir())}"
