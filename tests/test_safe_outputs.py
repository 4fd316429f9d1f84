"""Writing files safely: atomic replacement, normal permissions, never over the input."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import portfolio as pf
from portfolio.cli import main
from portfolio.errors import InputError
from portfolio.output import atomic_path, atomic_write_text, atomic_write_with, refuse_overwrite
from portfolio.readers.tidy import write_csv


class Midway(RuntimeError):
    """The writer's failure, half-way through."""


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    target.write_text("old contents\n", encoding="utf-8")
    with pytest.raises(Midway), atomic_path(target) as temporary:
        assert temporary.parent == tmp_path and temporary != target
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write("new contents, half")
            handle.flush()
            raise Midway
    assert target.read_text(encoding="utf-8") == "old contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv"]


def test_a_failing_writer_creates_nothing(tmp_path: Path) -> None:
    def writer(path: Path) -> None:
        path.write_bytes(b"PK\x03\x04 half a workbook")
        raise Midway

    with pytest.raises(Midway):
        atomic_write_with(tmp_path / "plan.xlsx", writer)
    assert list(tmp_path.iterdir()) == []


def test_success_replaces_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    atomic_write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_files_get_the_umask_mode(tmp_path: Path, mask: int, expected: int) -> None:
    old = os.umask(mask)
    try:
        atomic_write_text(tmp_path / "new.csv", "x\n")
        write_csv(pf.read_appendix(), tmp_path / "tasks.csv")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new.csv") == expected  # not mkstemp's 0o600
    assert _mode(tmp_path / "tasks.csv") == expected


def test_replaced_files_keep_their_mode(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "shared.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    atomic_write_text(target, "new")
    assert _mode(target) == 0o640


def test_missing_folder_and_directory_target(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder does not exist"):
        atomic_write_text(tmp_path / "missing" / "out.csv", "x")
    with pytest.raises(InputError, match="is a directory"):
        atomic_write_text(tmp_path, "x")


def test_write_csv_is_reproducible(tmp_path: Path) -> None:
    tasks = pf.read_appendix()
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    write_csv(tasks, first)
    write_csv(tasks, second)
    assert first.read_bytes() == second.read_bytes()
    write_csv(pf.read_appendix(first), second)  # and a round trip changes nothing
    assert first.read_bytes() == second.read_bytes()


def test_cli_refuses_to_convert_over_its_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "appendix.csv"
    write_csv(pf.read_appendix(), source)
    before = source.read_bytes()
    assert main(["convert", str(source), "--out", str(source)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "refusing to write the output over its own input" in err[0]
    assert source.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["appendix.csv"]


def test_cli_recognises_the_input_under_another_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "appendix.csv"
    write_csv(pf.read_appendix(), source)
    before = source.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(source)
    hard = tmp_path / "hard.csv"
    os.link(source, hard)
    monkeypatch.chdir(tmp_path)
    for out in ["./appendix.csv", str(link), str(hard)]:
        assert main(["convert", "appendix.csv", "--out", out]) == 2
        assert "refusing" in capsys.readouterr().err
    assert source.read_bytes() == before


def test_refuse_overwrite_allows_other_files(tmp_path: Path) -> None:
    refuse_overwrite(tmp_path / "out.csv", [tmp_path / "in.csv"])
    with pytest.raises(InputError, match="refusing"):
        refuse_overwrite(tmp_path / "in.csv", [tmp_path / "x" / ".." / "in.csv"])


def test_cli_convert_writes_a_normal_file(tmp_path: Path, umask: None) -> None:
    out = tmp_path / "tasks.csv"
    assert main(["convert", str(pf.bundled_appendix_path()), "--out", str(out)]) == 0
    assert _mode(out) == 0o644
    assert out.read_bytes() == pf.bundled_appendix_path().read_bytes()
