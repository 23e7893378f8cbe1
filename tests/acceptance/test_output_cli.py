"""The real ``branchpay`` command writing payslips and the summary: killed, on a full disk, odd agent codes."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.reports.files import STAGE_PREFIX, name_key
from tests.acceptance.conftest import ROOT, Cli


def _demo_month(cli: Cli) -> str:
    from app.services.demo import demo_months

    cli("init")
    cli("demo")
    month = demo_months()[-1]
    cli("payroll", "run", "--month", month)
    return month


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _command(cli: Cli, *args: str | Path) -> list[str]:
    return [sys.executable, "-m", "app.cli", "--db", str(cli.db), "--lang", "en", *map(str, args)]


@pytest.mark.parametrize("encrypt", [False, True], ids=["plain", "encrypted"])
def test_killed_payslips_leave_the_folder_as_it_was(cli: Cli, tmp_path: Path, encrypt: bool) -> None:
    month = _demo_month(cli)
    out = tmp_path / "out"
    cli("payslips", "--month", month, "--out", out)
    before = _files(out)
    assert len(before) > 20

    extra = ["--encrypt"] if encrypt else []
    proc = subprocess.Popen(
        _command(cli, "payslips", "--month", month, "--out", out, *extra),
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    stage: Path | None = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        stages = [p for p in out.iterdir() if p.name.startswith(STAGE_PREFIX)]
        if stages and len(list(stages[0].glob("*.pdf"))) >= 3:
            stage = stages[0]
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    proc.wait(timeout=30)
    assert stage is not None, "the run finished (or never started) before it could be killed part-way"
    assert proc.returncode == -signal.SIGKILL

    assert _files(out) == before  # last run's payslips, byte for byte; nothing half-written
    leftovers = [p.name for p in out.iterdir() if p.name not in before]
    assert leftovers == [stage.name]  # only the recognisable, hidden stage folder
    assert not list(out.rglob("*.tmp"))

    cli("payslips", "--month", month, "--out", out, *extra)  # the next run removes the abandoned stage
    assert sorted(p.name for p in out.iterdir()) == sorted(before)


def test_odd_agent_codes_give_one_file_each_and_the_count_is_true(example_db: Cli, tmp_path: Path) -> None:
    agents = tmp_path / "more_agents.csv"
    agents.write_text(
        "工号,姓名,底薪,入职日期\n"
        "X/1,同名,3000,2026-01-01\nX:1,同名,3000,2026-01-01\nX?1,同名,3000,2026-01-01\n"
        "A_1,x,3000,2026-01-01\na,1_X,3000,2026-01-01\n",  # "A_1_x" and "a_1_X": one name on Windows
        encoding="utf-8",
    )
    example_db("import", "agents", agents)
    example_db("payroll", "run", "--month", "2026-10")
    out = tmp_path / "out"
    result = example_db("--lang", "en", "payslips", "--month", "2026-10", "--out", out)
    on_disk = sorted(p.name for p in out.iterdir())
    assert len(on_disk) == 8 and len({name_key(n) for n in on_disk}) == 8
    assert result.out.splitlines()[0].startswith("8 payslip file(s) written")
    assert sorted(Path(line).name for line in result.out.splitlines()[1:]) == on_disk


def _can_mount_tmpfs() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", "mount -t tmpfs -o size=8k tmpfs /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


full_disk = pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs Linux user namespaces to mount a small tmpfs")


def _on_full_disk(cli: Cli, mount: Path, size: str, *args: str | Path) -> tuple[int, str, str]:
    """Run ``branchpay args`` with ``mount`` a tmpfs of ``size``; returns (exit code, stderr, files left there)."""
    mount.mkdir()
    script = (
        f"mount -t tmpfs -o size={size} tmpfs {shlex.quote(str(mount))} || exit 99; "
        f"{shlex.join(_command(cli, *args))}; echo \"rc=$?\" >&2; "
        f"find {shlex.quote(str(mount))} -mindepth 1"
    )
    proc = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    err, _, rc = proc.stderr.rpartition("rc=")
    assert proc.returncode == 0, proc.stderr
    return int(rc), err, proc.stdout


@full_disk
def test_payslips_on_a_full_disk_one_line_and_nothing_written(cli: Cli, tmp_path: Path) -> None:
    month = _demo_month(cli)
    mount = tmp_path / "usb"
    code, err, left = _on_full_disk(cli, mount, "48k", "payslips", "--month", month, "--out", mount / "slips")
    assert code == 1
    assert err.startswith("the disk is full: ") and "nothing was written" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert left == ""  # no partial payslips, no temp folder, not even the new folder


@full_disk
def test_export_on_a_full_disk_one_line_and_nothing_written(cli: Cli, tmp_path: Path) -> None:
    month = _demo_month(cli)
    mount = tmp_path / "usb"
    code, err, left = _on_full_disk(cli, mount, "12k", "export", "--month", month, "--out", mount / "s.xlsx")
    assert code == 1
    assert err.startswith("the disk is full: ") and "nothing was written" in err
    assert len(err.strip().splitlines()) == 1 and "ZipFile" not in err and "Exception ignored" not in err
    assert left == ""


def test_plan_export_that_cannot_replace_its_target_says_so_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    cli("init")
    out = tmp_path / "plans"
    out.mkdir()
    (out / "plan.toml").mkdir()  # a folder where the file should go
    result = cli("--lang", "en", "plan", "export", "--month", "2026-10", "--out", out / "plan.toml", ok=False)
    assert result.code == 1 and "nothing was written" in result.err and "unexpected" not in result.err
    assert [p.name for p in out.iterdir()] == ["plan.toml"] and list((out / "plan.toml").iterdir()) == []
    cli("plan", "export", "--month", "2026-10", "--out", out / "new" / "plan.toml")
    assert [p.name for p in (out / "new").iterdir()] == ["plan.toml"]
