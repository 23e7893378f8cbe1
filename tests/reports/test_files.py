"""Output files: Windows-safe, distinct names, and staged output that is all there or not at all."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.reports.files import (
    MAX_STEM,
    STAGE_PREFIX,
    file_name,
    name_key,
    remove_abandoned_stages,
    staged_output,
    unique_names,
)

WINDOWS_ILLEGAL = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"COM{n}" for n in range(1, 10)} | {f"LPT{n}" for n in range(1, 10)}


def _windows_ok(name: str) -> bool:
    stem = name.split(".")[0].rstrip(" ").upper()
    return (
        not WINDOWS_ILLEGAL & set(name)
        and not name.endswith((".", " "))
        and stem not in RESERVED
        and len(name.encode("utf-16-le")) // 2 <= 255
        and len(name.encode("utf-8")) <= 255
    )


@pytest.mark.parametrize(
    "stem",
    [
        "X/1", "X:1", "X?1", 'a<b>c"d|e*f\\g', "tab\there\nnewline\x00nul\x7f", "CON", "con", "Nul ", "com1",
        "LPT9.backup", "aux.", "trailing dots...", "  spaces  ", "", "...", "长" * 300, "x" * 1000,
        "COM\u00b9",
    ],
)
def test_file_name_is_windows_safe(stem: str) -> None:
    name = file_name(stem, ".pdf")
    assert _windows_ok(name), name
    assert name.endswith(".pdf") and len(name) - len(".pdf") <= MAX_STEM


def test_file_name_keeps_ordinary_names() -> None:
    assert file_name("2026-10_A001_张三", ".pdf") == "2026-10_A001_张三.pdf"
    assert file_name("CONTRACT", ".pdf") == "CONTRACT.pdf"  # only the exact device names are reserved
    assert file_name("CON", ".pdf") == "_CON.pdf"


def test_unique_names_ignore_case_and_never_collide() -> None:
    names = ["X_1.pdf", "X_1.pdf", "x_1.pdf", "X_1-2.pdf", "A001.pdf", "a001.PDF", "b.pdf"]
    out = unique_names(names)
    assert len({name_key(n) for n in out}) == len(names)
    assert out[0] == "X_1.pdf" and out[3] == "X_1-2.pdf"  # first comers keep their names
    assert out[4] == "A001.pdf" and out[6] == "b.pdf"
    assert all(n.lower().endswith(".pdf") for n in out)


def test_unique_names_of_many_equal_names() -> None:
    out = unique_names(["a.pdf"] * 30)
    assert len(set(map(name_key, out))) == 30 and out[:3] == ["a.pdf", "a-2.pdf", "a-3.pdf"]


# ---------------------------------------------------------------------------------------------
# staged_output


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_new_folder_appears_complete(tmp_path: Path) -> None:
    dest = tmp_path / "a" / "b" / "out"
    with staged_output(dest) as stage:
        for i in range(3):
            stage.write_bytes(f"{i}.pdf", b"%PDF" + bytes([i]))
        assert not dest.exists()  # nothing visible under the real name before the end
    assert _listing(dest) == {f"{i}.pdf": b"%PDF" + bytes([i]) for i in range(3)}
    assert stage.written == [dest / f"{i}.pdf" for i in range(3)]
    assert [p.name for p in dest.parent.iterdir()] == ["out"]


def test_failure_leaves_no_new_folder_and_no_stage(tmp_path: Path) -> None:
    dest = tmp_path / "new" / "out"
    with pytest.raises(RuntimeError), staged_output(dest) as stage:
        stage.write_bytes("1.pdf", b"one")
        raise RuntimeError("rendering failed")
    assert list(tmp_path.iterdir()) == []  # not even the parent folder it had to create


def test_existing_folder_replaced_file_by_file_others_untouched(tmp_path: Path) -> None:
    (tmp_path / "1.pdf").write_bytes(b"old one")
    (tmp_path / "keep.txt").write_bytes(b"not ours")
    with staged_output(tmp_path) as stage:
        stage.write_bytes("1.pdf", b"new one")
        stage.write_bytes("2.pdf", b"new two")
        assert (tmp_path / "1.pdf").read_bytes() == b"old one"
    assert _listing(tmp_path) == {"1.pdf": b"new one", "2.pdf": b"new two", "keep.txt": b"not ours"}


def test_failed_move_puts_everything_back(tmp_path: Path) -> None:
    """A destination that cannot be replaced (a folder of that name) fails the whole output."""
    for i in range(1, 5):
        (tmp_path / f"{i}.pdf").write_bytes(f"old {i}".encode())
    (tmp_path / "5.pdf").mkdir()
    before = {p.name: (p.read_bytes() if p.is_file() else None) for p in tmp_path.iterdir()}
    with pytest.raises(IsADirectoryError), staged_output(tmp_path) as stage:
        for i in range(1, 8):
            stage.write_bytes(f"{i}.pdf", f"new {i}".encode())
    after = {p.name: (p.read_bytes() if p.is_file() else None) for p in tmp_path.iterdir()}
    assert after == before


def test_stage_is_private_and_named(tmp_path: Path) -> None:
    with staged_output(tmp_path) as stage:
        [folder] = [p for p in tmp_path.iterdir() if p.is_dir()]
        assert folder.name.startswith(STAGE_PREFIX) and stage.write_bytes("x.pdf", b"x").parent == folder
        if os.name == "posix":
            assert folder.stat().st_mode & 0o077 == 0  # owner only
    assert not folder.exists()


def test_names_must_be_plain_and_distinct(tmp_path: Path) -> None:
    with pytest.raises(ValueError), staged_output(tmp_path) as stage:
        stage.path("a.pdf")
        stage.path("A.PDF")
    with pytest.raises(ValueError), staged_output(tmp_path) as stage:
        stage.path("../escape.pdf")
    assert list(tmp_path.iterdir()) == []


def test_abandoned_stage_is_removed_but_a_live_one_is_not(tmp_path: Path) -> None:
    """A killed process's stage goes at the next output; a running one (holding its lock) stays."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from app.reports.files import staged_output
                with staged_output({str(tmp_path)!r}) as stage:
                    stage.write_bytes("live.pdf", b"x")
                    print("ready", flush=True)
                    sys.stdin.readline()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        [live] = list(tmp_path.iterdir())
        dead = tmp_path / f"{STAGE_PREFIX}dead"
        dead.mkdir()
        (dead / ".lock").write_bytes(b"")
        (dead / "half.pdf").write_bytes(b"%PDF-half")
        with staged_output(tmp_path) as stage:
            stage.write_bytes("mine.pdf", b"x")
        assert not dead.exists() and live.exists()
        assert remove_abandoned_stages(tmp_path) == []
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.pdf", "mine.pdf"]


def test_files_moved_aside_by_a_killed_commit_are_put_back(tmp_path: Path) -> None:
    """Killed between moving an old file aside and putting the new one in: the old one comes back."""
    dead = tmp_path / f"{STAGE_PREFIX}killed"
    (dead / ".replaced").mkdir(parents=True)
    (dead / ".replaced" / "1.pdf").write_bytes(b"old one")
    (dead / ".replaced" / "2.pdf").write_bytes(b"old two")
    (tmp_path / "2.pdf").write_bytes(b"new two")  # this one had already been replaced
    assert remove_abandoned_stages(tmp_path) == [dead]
    assert _listing(tmp_path) == {"1.pdf": b"old one", "2.pdf": b"new two"}
