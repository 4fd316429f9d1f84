"""A run never destroys an input, hangs on one, or leaves outputs half replaced.

Every input is protected (the bundled appendix whether or not it is read, every
file the run read), non-regular files and oversized scenarios are refused before
reading, magnitudes beyond any budget are clean input errors, and the outputs of
a run are written as a unit: all or none, errors naming the output asked for.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import portfolio as pf
from portfolio.cli import main
from portfolio.cli.outputs import protected_inputs
from portfolio.errors import InputError, ScenarioError
from portfolio.input_files import SCENARIO_LIMIT, files_read, forget_files_read
from portfolio.output import OutputError, write_together
from portfolio.readers.tidy import write_csv
from portfolio.scenarios import load_scenarios

ROOT = Path(__file__).resolve().parent.parent
CUT10 = ROOT / "examples" / "scenarios" / "cut10.toml"


def _one_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    return err[0]


# -- inputs are never outputs -----------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["optimize"],
        ["frontier", "--points", "3"],
        ["compare", str(CUT10)],
        ["explain"],
        ["convert", str(CUT10.parent.parent.parent / "tests" / "corpus" / "valid.csv")],
    ],
    ids=["optimize", "frontier", "compare", "explain", "convert"],
)
def test_the_bundled_appendix_is_never_an_output(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    bundled = pf.bundled_appendix_path()
    before = bundled.read_bytes()
    assert main([*command, "--out", str(bundled)]) == 2
    assert _one_error(capsys) == (
        f"portfolio: error: {bundled}: refusing to write the output over its own input file"
    )
    assert bundled.read_bytes() == before


def test_the_bundled_appendix_under_another_name_is_protected_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "appendix.csv"
    link.symlink_to(pf.bundled_appendix_path())
    before = link.read_bytes()
    assert main(["optimize", "--out", str(link)]) == 2
    assert "refusing to write the output over its own input" in _one_error(capsys)
    assert link.read_bytes() == before


def test_every_file_read_is_remembered_and_protected(tmp_path: Path) -> None:
    forget_files_read()
    source = tmp_path / "a.csv"
    write_csv(pf.read_appendix(), source)
    pf.read_appendix(source)
    assert source.resolve() in files_read()
    twin = tmp_path / "twin.csv"
    os.link(source, twin)  # a hard link: another name, the same file
    before = source.read_bytes()
    with pytest.raises(InputError, match="refusing to write the output over its own input"):
        write_together([twin], lambda _out, temp: temp.write_text("x"), protected=protected_inputs([]))
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "twin.csv"]


# -- inputs that would hang, exhaust memory or overflow ----------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".txt", ".xlsx", ".docx"])
def test_a_fifo_is_refused_without_blocking(suffix: str, tmp_path: Path) -> None:
    fifo = tmp_path / f"appendix{suffix}"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as caught:
        pf.read_appendix(fifo)
    assert str(caught.value) == f"{fifo}: is not a regular file (a FIFO, a device or a socket); give a file"


def test_a_fifo_scenario_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "cut.toml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="is not a regular file"):
        load_scenarios(fifo)


def test_a_huge_scenario_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(SCENARIO_LIMIT + 4 * 2**20)  # sparse: 20 MB of nothing, no disk used
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(big)
    assert str(caught.value) == f"{big}: is 20 MB, more than the 16 MB a file of this kind may hold"


@pytest.mark.parametrize(("suffix", "text"), [(".json", '{"a":' * 50_000 + "1" + "}" * 50_000)])
def test_a_deeply_nested_scenario_is_one_line(
    suffix: str, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text(text, encoding="utf-8")
    assert main(["optimize", "--scenario", str(path)]) == 2
    assert _one_error(capsys) == (
        f"portfolio: error: {path}: nested too deeply to be a scenario "
        "(tables or lists inside one another about a thousand deep)"
    )


def test_money_of_1e308_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = pf.bundled_appendix_path().read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[8] = "1e308"  # A1 approved
    path = tmp_path / "big.csv"
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    for command in ("show", "optimize"):
        assert main([command, str(path)]) == 2
        assert _one_error(capsys) == (
            f"portfolio: error: {path}: row A1 (line 2): field 'approved': expected an amount of at most "
            "10^12 million VND (beyond any budget), got '1e308'"
        )


def test_a_budget_beyond_any_budget_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["optimize", "--budget", "recurrent=1e299"])
    assert exited.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == (
        "portfolio optimize: error: argument --budget: --budget recurrent: expected an amount of at most "
        "10^12 million VND (beyond any budget), got '1e299'"
    )
    beyond = r"budget.recurrent.: expected an amount of at most 10\^12 million VND"
    with pytest.raises(ScenarioError, match=beyond):
        pf.optimize(budget={"recurrent": 1e308})
    with pytest.raises(InputError, match="field 'approved': expected an amount of at most 10"):
        task = pf.read_appendix()["A1"].model_dump()
        pf.tasks.make_task({**task, "approved": 1e308}, file="<data>", row="A1")


def test_a_scenario_budget_beyond_any_budget(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text('{"budget": {"recurrent": 1e308}}', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(path)
    assert str(caught.value) == (
        f"{path}: field 'budget.recurrent': expected an amount of at most 10^12 million VND "
        "(beyond any budget), got 1e+308"
    )


@pytest.mark.parametrize("percent", ["+1e300%", "+100000000000000000%", "1e15%"])
def test_a_percentage_beyond_any_budget_is_an_input_error(
    percent: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["optimize", "--budget", f"recurrent={percent}"]) == 2
    assert _one_error(capsys) == (
        f"portfolio: error: field 'budget.recurrent': {percent} of the planned 332.401 is more than "
        "10^12 million VND (beyond any budget); expected an amount of at most 10^12 million VND"
    )
    with pytest.raises(ScenarioError, match=r"field 'budget.investment\[1\]': \+1e20% of the planned"):
        pf.optimize(budget={"investment": [1, "+1e20%"]}, years=2)


def test_a_scenario_percentage_beyond_any_budget_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.toml"
    path.write_text('[budget]\nrecurrent = "+1e300%"\n', encoding="utf-8")
    assert main(["compare", str(path)]) == 2
    assert _one_error(capsys) == (
        f"portfolio: error: {path}: field 'budget.recurrent': +1e300% of the planned 332.401 is more "
        "than 10^12 million VND (beyond any budget); expected an amount of at most 10^12 million VND"
    )


# -- outputs as a unit --------------------------------------------------------------------


def _old_outputs(tmp_path: Path) -> tuple[Path, Path]:
    csv, xlsx = tmp_path / "o.csv", tmp_path / "o.xlsx"
    csv.write_text("old csv\n", encoding="utf-8")
    xlsx.write_bytes(b"old workbook")
    return csv, xlsx


def test_a_failing_second_output_leaves_the_first_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    csv, xlsx = _old_outputs(tmp_path)

    def full_disk(allocation: object, path: Path, **kw: object) -> None:
        Path(path).write_bytes(b"half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("portfolio.export.allocation_to_excel", full_disk)
    assert main(["optimize", "--out", str(csv), "--out", str(xlsx)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"portfolio: error: {xlsx}: cannot be written: the disk is full (No space left on device); "
        "no output was changed"
    ]
    assert csv.read_text(encoding="utf-8") == "old csv\n"
    assert xlsx.read_bytes() == b"old workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv", "o.xlsx"]  # no temporary file left


@pytest.mark.parametrize("old_second", [True, False], ids=["both-exist", "second-is-new"])
def test_a_failing_second_rename_puts_every_old_file_back(
    old_second: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    csv, xlsx = _old_outputs(tmp_path)
    if not old_second:
        xlsx.unlink()
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def second_fails(source: str | Path, target: str | Path) -> None:
        if str(target) in (str(csv), str(xlsx)):  # a rename onto an output (not inside a writer)
            renames.append((str(source), str(target)))
            if len(renames) == 2:  # the first output is in place by now
                raise PermissionError(errno.EACCES, "Permission denied", str(source))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", second_fails)
    assert main(["optimize", "--out", str(csv), "--out", str(xlsx)]) == 2
    assert _one_error(capsys) == (
        f"portfolio: error: {xlsx}: cannot be written: the folder is not writable (Permission denied); "
        "no output was changed"
    )
    assert [target for _, target in renames[:2]] == [str(csv), str(xlsx)]  # the second rename failed
    assert len(renames) == 3 and renames[2][1] == str(csv)  # then the first put back from its backup
    assert csv.read_text(encoding="utf-8") == "old csv\n"
    assert xlsx.exists() == old_second and (not old_second or xlsx.read_bytes() == b"old workbook")
    expected = ["o.csv", "o.xlsx"] if old_second else ["o.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == expected  # no temporary file, no backup left


def test_outputs_replaced_together_keep_no_backup(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("old a", encoding="utf-8")
    link = tmp_path / "hard-link-to-a.csv"
    os.link(first, link)
    write_together([first, second], lambda out, temp: temp.write_text(f"new {out.name}", encoding="utf-8"))
    assert (
        first.read_text(encoding="utf-8") == "new a.csv" and second.read_text(encoding="utf-8") == "new b.csv"
    )
    assert link.read_text(encoding="utf-8") == "old a"  # replaced, not written through
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv", "hard-link-to-a.csv"]


def test_all_outputs_are_replaced_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv, xlsx = _old_outputs(tmp_path)
    assert main(["optimize", "--out", str(csv), "--out", str(xlsx)]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [f"wrote {csv}", f"wrote {xlsx}"]
    assert csv.read_text(encoding="utf-8-sig").startswith("year,id,")
    assert xlsx.read_bytes().startswith(b"PK\x03\x04")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv", "o.xlsx"]


def test_a_read_only_folder_names_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object, **kw: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".o.abc123.csv"))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    out = tmp_path / "o.csv"
    assert main(["explain", "--out", str(out)]) == 2
    error = _one_error(capsys)
    assert error == (
        f"portfolio: error: {out}: cannot be written: the folder is not writable (Permission denied); "
        "no output was changed"
    )
    assert ".tmp" not in error and "abc123" not in error


def test_an_os_error_without_a_file_name_is_still_one_clear_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kw: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("portfolio.readers.read_appendix", full)
    assert main(["show"]) == 2
    assert _one_error(capsys) == "portfolio: error: No space left on device"


def test_an_existing_non_regular_output_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "o.csv"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="exists and is not a regular file"):
        write_together([fifo], lambda _out, temp: temp.write_text("x"))


def test_the_same_output_twice_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.csv"
    assert main(["optimize", "--out", str(out), "--out", str(tmp_path / "." / "o.csv")]) == 2
    assert _one_error(capsys) == "portfolio: error: the same --out file is given twice"


def test_ctrl_c_exits_130_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kw: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("portfolio.readers.read_appendix", interrupted)
    assert main(["optimize"]) == 130
    assert _one_error(capsys) == "portfolio: interrupted"
    assert sys.exc_info() == (None, None, None)


def test_ctrl_c_while_parsing_the_arguments_exits_130_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kw: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("argparse.ArgumentParser.parse_args", interrupted)
    assert main(["optimize", "--budget", "recurrent=-10%"]) == 130
    assert _one_error(capsys) == "portfolio: interrupted"


def test_ctrl_c_while_importing_the_commands_exits_130_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Interrupting:  # a Ctrl-C while Python imports the commands (numpy, pandas, …)
        def find_spec(self, name: str, *args: object) -> None:
            if name == "portfolio.cli.commands":
                raise KeyboardInterrupt

    monkeypatch.delitem(sys.modules, "portfolio.cli.commands")
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])
    assert main(["show"]) == 130
    assert _one_error(capsys) == "portfolio: interrupted"


_INTERRUPT_ON_IMPORT = """
import sys

class Interrupting:  # a Ctrl-C while the command line is imported, before main() runs
    def find_spec(self, name, *args):
        if name == "portfolio.cli":
            raise KeyboardInterrupt

sys.meta_path.insert(0, Interrupting())
"""


@pytest.mark.parametrize(
    "start",
    [
        "from portfolio.__main__ import run\nrun()",  # the ``portfolio`` command's script
        "import runpy\nrunpy.run_module('portfolio', run_name='__main__', alter_sys=True)",  # python -m
    ],
    ids=["command", "python -m"],
)
def test_ctrl_c_before_main_is_entered_exits_130_with_one_line(start: str) -> None:
    command = [sys.executable, "-c", _INTERRUPT_ON_IMPORT + start, "show"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "portfolio: interrupted\n")


def test_ctrl_c_before_main_with_debug_shows_the_traceback() -> None:
    start = "from portfolio.__main__ import run\nrun()"
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_ON_IMPORT + start, "show", "--debug"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 130 and "Traceback" in done.stderr and "KeyboardInterrupt" in done.stderr


def test_the_command_entry_imports_nothing_python_has_not_loaded_before_it_can_catch_ctrl_c() -> None:
    """Before ``run()`` can catch a Ctrl-C only the package and its entry module are imported."""
    script = "import sys\nbefore = set(sys.modules)\nimport portfolio.__main__\n"
    script += "print(sorted(set(sys.modules) - before))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['portfolio', 'portfolio.__main__']"


def test_the_installed_command_starts_at_the_entry_point() -> None:
    from importlib.metadata import entry_points

    (command,) = [e for e in entry_points(group="console_scripts") if e.name == "portfolio"]
    assert command.value == "portfolio.__main__:run"


def _catches_sigint(pid: int) -> bool:
    """Whether the process has its SIGINT handler (Python's) installed yet."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        caught = next(line for line in status if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGINT - 1)))


def _has_loaded(pid: int, library: str) -> bool:
    with open(f"/proc/{pid}/maps", encoding="ascii", errors="replace") as maps:
        return library in maps.read()


def _start(out: Path) -> subprocess.Popen[str]:
    """``optimize --years 3 --out``, once it has imported numpy (inside main) and caught SIGINT."""
    process = subprocess.Popen(
        [sys.executable, "-m", "portfolio", "optimize", "--years", "3", "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if _catches_sigint(process.pid) and _has_loaded(process.pid, "numpy"):
            break
        time.sleep(0.002)
    return process


@pytest.fixture(scope="module")
def run_seconds(tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long the command runs after :func:`_start` returns, uninterrupted: the shorter of two runs."""
    seconds = []
    for _ in range(2):
        process = _start(tmp_path_factory.mktemp("whole") / "o.xlsx")
        start = time.monotonic()
        process.communicate(timeout=120)
        assert process.returncode == 0
        seconds.append(time.monotonic() - start)
    return min(seconds)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc to time the signal")
@pytest.mark.parametrize("share", [0.0, 0.05, 0.1, 0.2, 0.3])  # of the whole run, measured first
def test_a_real_ctrl_c_at_any_moment_exits_130_with_one_line(
    share: float, run_seconds: float, tmp_path: Path
) -> None:
    """SIGINT from the moment the command imports numpy (inside main) to well into the run.

    The moments are shares of the run's own length: a signal after it ends would
    find Python finishing, its handler gone (a fixed delay did once the run got faster).
    """
    out = tmp_path / "o.xlsx"
    process = _start(out)
    time.sleep(share * run_seconds)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert (process.returncode, err.splitlines()) == (130, ["portfolio: interrupted"])
    assert not out.exists() and not list(tmp_path.iterdir())  # no output, no temporary file
