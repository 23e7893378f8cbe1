"""Build the frozen app with PyInstaller and drive it end to end, the way a user would.

    .venv/bin/python packaging/check_frozen.py              # build, then check
    .venv/bin/python packaging/check_frozen.py --no-build   # check the last build again
    packaging/build_frozen_check.sh                         # the same, from a shell

Runs on Linux (and on Windows: the same steps against the .exe files). What it proves:

* the spec builds, into ``build/pyinstaller/`` (git-ignored);
* the folder is self-contained: it is copied to a temporary place and run from there,
  with an empty working directory, so nothing is found through the source tree;
* the console program can ``init``, fill the ``demo`` branch, ``payroll run`` and
  ``payroll show --json`` the last demo month, validate an ``.xlsx`` import, write
  ``payslips`` (PDF, reportlab fonts) and ``export`` the Excel summary — which exercises
  Alembic migrations loaded from files, the bundled resources, chinese_calendar,
  openpyxl/calamine and reportlab inside the bundle;
* the window starts (Qt offscreen) on the demo database and is still running after a
  few seconds, i.e. it did not crash on start-up.

Every step is printed; the first failure prints the program's output and exits 1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SPEC = HERE / "branchpay.spec"
OUT = REPO / "build" / "pyinstaller"
DIST = OUT / "dist"
WORK = OUT / "work"
BUNDLE = "BranchPay"
GUI = "BranchPay"
CLI = "branchpay-cli"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
if str(REPO) not in sys.path:  # the check reads the version and demo months from the source
    sys.path.insert(0, str(REPO))

# Files the app opens at run time; a missing one is a packaging bug even if no step hits it.
REQUIRED_FILES = (
    "_internal/resources/default_plan.toml",
    "_internal/resources/scorecards.toml",
    "_internal/db/migrations/env.py",
    "_internal/db/migrations/script.py.mako",
)


class CheckFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"[frozen-check] {message}", flush=True)


def fail(message: str, proc: subprocess.CompletedProcess[str] | None = None) -> CheckFailed:
    lines = [message]
    if proc is not None:
        lines += [
            f"  command: {' '.join(map(str, proc.args))}",
            f"  exit status: {proc.returncode}",
            "  --- stdout ---",
            proc.stdout.rstrip(),
            "  --- stderr ---",
            proc.stderr.rstrip(),
        ]
    return CheckFailed("\n".join(lines))


# --------------------------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------------------------
def ensure_pyinstaller() -> None:
    probe = subprocess.run([sys.executable, "-c", "import PyInstaller"], capture_output=True)
    if probe.returncode == 0:
        return
    say('PyInstaller missing: installing "pyinstaller>=6.5" into this environment')
    subprocess.run([sys.executable, "-m", "pip", "install", "pyinstaller>=6.5"], check=True)


def build(clean: bool) -> float:
    ensure_pyinstaller()
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(SPEC),
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
    ]
    if clean:
        cmd.append("--clean")
    say(f"building: {' '.join(cmd[2:])}")
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise fail("PyInstaller failed", proc)
    say(f"build finished in {seconds:.0f} s")
    return seconds


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def check_layout(bundle: Path) -> None:
    missing = [
        name
        for name in (GUI + EXE_SUFFIX, CLI + EXE_SUFFIX, *REQUIRED_FILES)
        if not (bundle / name).is_file()
    ]
    revisions = list((bundle / "_internal/db/migrations/versions").glob("*.py"))
    if not [r for r in revisions if r.name != "__init__.py"]:
        missing.append("_internal/db/migrations/versions/<revision>.py")
    if missing:
        raise CheckFailed("the bundle lacks: " + ", ".join(missing))
    source_revisions = {p.name for p in (REPO / "db/migrations/versions").glob("*.py")}
    bundled_revisions = {p.name for p in revisions}
    if source_revisions - bundled_revisions:
        raise CheckFailed(
            f"migrations not bundled (rebuild?): {sorted(source_revisions - bundled_revisions)}"
        )
    say(
        f"layout ok: both executables, resources/, db/migrations/ ({len(bundled_revisions)} file(s) in versions/)"
    )


# --------------------------------------------------------------------------------------------
# running the frozen programs
# --------------------------------------------------------------------------------------------
def clean_env(**extra: str) -> dict[str, str]:
    """The user's environment, minus anything that would let Python find the source tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PYI_"))}
    env.update(extra)
    return env


class Runner:
    def __init__(self, bundle: Path, workdir: Path) -> None:
        self.cli = bundle / (CLI + EXE_SUFFIX)
        self.gui = bundle / (GUI + EXE_SUFFIX)
        self.workdir = workdir
        self.env = clean_env(LANG="C.UTF-8")

    def cli_run(
        self,
        title: str,
        *args: str,
        ok_codes: Sequence[int] = (0,),
        timeout: float = 300,
        wrap: Sequence[str] = (),
    ) -> subprocess.CompletedProcess[str]:
        say(f"step: {title}")
        started = time.perf_counter()
        proc = subprocess.run(
            [*wrap, str(self.cli), *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )
        took = time.perf_counter() - started
        if proc.returncode not in ok_codes:
            raise fail(f"step failed: {title}", proc)
        for marker in ("Traceback (most recent call last)", "unexpected error", "意外错误"):
            if marker in proc.stdout or marker in proc.stderr:
                raise fail(f"step printed {marker!r}: {title}", proc)
        first = (proc.stdout.strip().splitlines() or [""])[0]
        say(f"  ok ({took:.1f} s, exit {proc.returncode}) {first[:150]}")
        return proc


def last_demo_month() -> str:
    from app.services.demo import demo_months

    return demo_months()[-1]


def check_cli(run: Runner, tmp: Path) -> list[str]:
    """The console steps; returns notes about steps that were skipped."""
    from app import __version__

    notes: list[str] = []
    db = tmp / "data" / "check.sqlite3"
    month = last_demo_month()

    proc = run.cli_run("--version", "--version")
    if __version__ not in proc.stdout:
        raise fail(f"--version does not print {__version__}", proc)
    run.cli_run(
        "init (creates the database, runs the Alembic migrations from files)", "--db", str(db), "init"
    )
    run.cli_run("demo (fills the demo branch)", "--db", str(db), "demo")
    run.cli_run(f"payroll run --month {month}", "--db", str(db), "payroll", "run", "--month", month)
    proc = run.cli_run(
        f"payroll show --month {month} --json", "--db", str(db), "payroll", "show", "--month", month, "--json"
    )
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise fail(f"payroll show --json is not JSON: {exc}", proc) from None
    agents = data.get("agents") if isinstance(data, dict) else None
    if not isinstance(agents, list) or not agents:
        raise fail("payroll show --json has no agents", proc)
    say(
        f"  valid JSON: {len(agents)} agents, month {data.get('month')}, net total {data.get('totals', {}).get('net')}"
    )

    # An .xlsx import (dry run) through calamine/openpyxl inside the bundle, on a fresh database.
    from app.importers.templates import write_template

    fresh = tmp / "data" / "fresh.sqlite3"
    template = tmp / "agents.xlsx"
    write_template("agents", template)
    run.cli_run("init a second, empty database", "--db", str(fresh), "init")
    run.cli_run(
        "import agents agents.xlsx --dry-run",
        "--db",
        str(fresh),
        "import",
        "agents",
        str(template),
        "--dry-run",
    )

    run.cli_run("payslips --help", "payslips", "--help")
    slips = tmp / "payslips"
    proc = run.cli_run(
        f"payslips --month {month}",
        "--db",
        str(db),
        "payslips",
        "--month",
        month,
        "--out",
        str(slips),
    )
    pdfs = sorted(slips.rglob("*.pdf"))
    if not pdfs:
        raise fail("payslips wrote no PDF", proc)
    bad = [p.name for p in pdfs if not p.read_bytes().startswith(b"%PDF")]
    if bad:
        raise fail(f"not PDF files: {bad[:5]}", proc)
    say(f"  {len(pdfs)} PDF payslip(s), {sum(p.stat().st_size for p in pdfs) // 1024} KiB")
    notes += check_builtin_cid_font(run, db, month, tmp)
    code = str(agents[0]["code"])
    locked = tmp / "payslips-encrypted"
    proc = run.cli_run(
        f"payslips --agent {code} --encrypt (the agent's payslip password)",
        *(
            "--db",
            str(db),
            "payslips",
            "--month",
            month,
            "--out",
            str(locked),
            "--agent",
            code,
            "--encrypt",
        ),
    )
    encrypted = sorted(locked.rglob("*.pdf"))
    if len(encrypted) != 1 or b"/Encrypt" not in encrypted[0].read_bytes():
        raise fail("payslips --encrypt did not write one encrypted PDF", proc)
    say(f"  {encrypted[0].name} is encrypted")

    check_pooled_payslips(run, tmp)

    summary = tmp / "export" / f"summary-{month}.xlsx"
    proc = run.cli_run(
        f"export --month {month}", "--db", str(db), "export", "--month", month, "--out", str(summary)
    )
    written = summary if summary.is_file() else next(iter(sorted(summary.parent.glob("*.xlsx"))), None)
    if written is None or not zipfile.is_zipfile(written):
        raise fail("export did not write an .xlsx workbook", proc)
    with zipfile.ZipFile(written) as zf:
        if "xl/workbook.xml" not in zf.namelist():
            raise fail(f"{written.name} is not an Excel workbook", proc)
    say(f"  workbook {written.name}, {written.stat().st_size // 1024} KiB")

    crash_log = db.parent / "branchpay.log"
    if crash_log.exists() and "Traceback" in crash_log.read_text(encoding="utf-8", errors="replace"):
        raise CheckFailed(f"the console program logged a crash:\n{crash_log.read_text(encoding='utf-8')}")
    return notes


def check_pooled_payslips(run: Runner, tmp: Path) -> None:
    """A batch big enough for the worker pool (app/reports/payslip_pool.py): the frozen executable is
    started again as each worker, which works only because its entry script calls freeze_support."""
    from app.reports.payslip_pool import POOL_MIN_FILES

    db = tmp / "data" / "pool.sqlite3"
    n = POOL_MIN_FILES + 5
    roster = tmp / "pool-agents.csv"
    roster.write_text(
        "code,name,base_salary,hire_date\n"
        + "".join(f"P{i:03d},池{i},4000,2024-01-01\n" for i in range(n)),
        encoding="utf-8",
    )
    month = last_demo_month()
    run.cli_run("init a database for a pooled payslip batch", "--db", str(db), "init")
    run.cli_run(f"import agents ({n} agents)", "--db", str(db), "import", "agents", str(roster))
    run.cli_run(f"payroll run --month {month}", "--db", str(db), "payroll", "run", "--month", month)
    out = tmp / "payslips-pooled"
    proc = run.cli_run(
        f"payslips --month {month}: {n} files, rendered by worker processes",
        "--db", str(db), "payslips", "--month", month, "--out", str(out),
    )
    pdfs = sorted(out.rglob("*.pdf"))
    if len(pdfs) != n or any(not p.read_bytes().startswith(b"%PDF") for p in pdfs):
        raise fail(f"the pooled batch wrote {len(pdfs)} PDF files, not {n}", proc)
    say(f"  {len(pdfs)} PDF payslips from the worker pool")


FONT_DIR = "/usr/share/fonts"


def _without_system_fonts() -> list[str]:
    """A command prefix that runs a program with the Linux font folder hidden, or ``[]``.

    Uses a private mount namespace (``unshare -m``, needs root or user namespaces), so only
    the program started through it sees an empty font folder.
    """
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return []
    prefix = ["unshare", "-m", "sh", "-c", f'mount -t tmpfs none {FONT_DIR} && exec "$0" "$@"']
    probe = subprocess.run([*prefix, "ls", "-A", FONT_DIR], capture_output=True, text=True)
    return prefix if probe.returncode == 0 and not probe.stdout.strip() else []


def check_builtin_cid_font(run: Runner, db: Path, month: str, tmp: Path) -> list[str]:
    """With no CJK font on the machine the payslip must fall back to reportlab's STSong-Light."""
    prefix = _without_system_fonts()
    if not prefix:
        return [
            "payslips with reportlab's built-in STSong-Light: not exercised (cannot hide system fonts here)"
        ]
    out = tmp / "payslips-cid"
    proc = run.cli_run(
        "payslips with the system fonts hidden (built-in CID font STSong-Light)",
        "--db",
        str(db),
        "payslips",
        "--month",
        month,
        "--out",
        str(out),
        "--combined",
        wrap=prefix,
    )
    pdfs = sorted(out.rglob("*.pdf"))
    if not pdfs:
        raise fail("payslips (no system fonts) wrote no PDF", proc)
    data = pdfs[0].read_bytes()
    if not data.startswith(b"%PDF") or b"STSong-Light" not in data:
        raise fail(f"{pdfs[0].name} does not use the built-in font STSong-Light", proc)
    say(f"  {pdfs[0].name} uses STSong-Light, {len(data) // 1024} KiB")
    return []


def check_gui(run: Runner, tmp: Path, seconds: float) -> None:
    env = dict(run.env, QT_QPA_PLATFORM="offscreen")
    say("step: BranchPay --version")
    proc = subprocess.run(
        [str(run.gui), "--version"],
        cwd=run.workdir,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
    )
    if proc.returncode != 0 or "Traceback" in proc.stderr:
        raise fail("the window program failed on --version", proc)
    say(f"  ok {proc.stdout.strip()}")
    # The demo database shows real data; a new one makes the window program run the migrations.
    _window_survives(run, env, tmp / "data" / "check.sqlite3", "the demo database", seconds)
    _window_survives(run, env, tmp / "gui-new" / "new.sqlite3", "a database that does not exist yet", seconds)
    # On Linux with Xvfb also the real X11 platform plugin (xcb), which offscreen does not load.
    if sys.platform.startswith("linux") and shutil.which("xvfb-run"):
        _window_survives(
            run,
            dict(run.env, QT_QPA_PLATFORM="xcb"),
            tmp / "gui-x11" / "x11.sqlite3",
            "a new database, real X11 under Xvfb",
            seconds,
            wrap=["xvfb-run", "-a"],
        )


def _window_survives(
    run: Runner, env: dict[str, str], db: Path, what: str, seconds: float, wrap: Sequence[str] = ()
) -> None:
    say(
        f"step: start the window (QT_QPA_PLATFORM={env.get('QT_QPA_PLATFORM')}) on {what}, wait {seconds:.0f} s"
    )
    out_path, err_path = db.parent / "gui.stdout", db.parent / "gui.stderr"
    db.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w") as out, err_path.open("w") as err:
        popen = subprocess.Popen(
            [*wrap, str(run.gui), "--db", str(db)],
            cwd=run.workdir,
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=(os.name != "nt"),
        )
        with contextlib.suppress(subprocess.TimeoutExpired):
            popen.wait(timeout=seconds)
        still_running = popen.poll() is None
        if still_running:
            _stop(popen)
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    if not still_running:
        raise CheckFailed(
            f"the window exited after less than {seconds:.0f} s (status {popen.returncode})\n"
            f"--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
        )
    for marker in (
        "Traceback (most recent call last)",
        "could not load the Qt platform plugin",
        "This application failed to start",
    ):
        if marker.lower() in stderr.lower():
            raise CheckFailed(f"the window printed {marker!r}:\n{stderr}")
    log = db.parent / "branchpay.log"
    logged = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    if any(marker in logged for marker in ("Traceback", " ERROR ", " CRITICAL ")):
        raise CheckFailed(f"the window logged an error:\n{logged}")
    if not db.is_file():
        raise CheckFailed(f"the window did not open/create its database {db}")
    say(f"  ok: still running after {seconds:.0f} s, stopped it")


def _stop(popen: subprocess.Popen[bytes]) -> None:
    """Stop the window we started (and only it): terminate, then kill."""
    try:
        if os.name != "nt":
            os.killpg(popen.pid, signal.SIGTERM)
        else:
            popen.terminate()
        popen.wait(timeout=10)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        if os.name != "nt":
            os.killpg(popen.pid, signal.SIGKILL)
        else:
            popen.kill()
        popen.wait(timeout=10)


# --------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the PyInstaller bundle and smoke-test it.")
    parser.add_argument("--no-build", action="store_true", help="check the existing build/pyinstaller/dist")
    parser.add_argument("--clean", action="store_true", help="pass --clean to PyInstaller (slower, no cache)")
    parser.add_argument("--gui-seconds", type=float, default=5.0, help="how long the window must survive")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (printed) for inspection"
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    build_seconds = None
    tmp = Path(tempfile.mkdtemp(prefix="branchpay-frozen-"))
    try:
        if not args.no_build:
            build_seconds = build(args.clean)
        built = DIST / BUNDLE
        if not built.is_dir():
            raise CheckFailed(f"no bundle at {built}; run without --no-build")
        check_layout(built)
        size = folder_size(built)
        # Run a copy in a fresh place ("installed"), from an unrelated working directory.
        bundle = tmp / "install" / BUNDLE
        shutil.copytree(built, bundle, symlinks=True)
        workdir = tmp / "cwd"
        workdir.mkdir()
        say(f"bundle copied to {bundle} ({size / 2**20:.0f} MiB); working directory {workdir}")
        run = Runner(bundle, workdir)
        notes = check_cli(run, tmp)
        check_gui(run, tmp, args.gui_seconds)
    except CheckFailed as exc:
        print(f"\n[frozen-check] FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    except subprocess.TimeoutExpired as exc:
        print(f"\n[frozen-check] FAILED: timed out: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        if args.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    total = time.perf_counter() - started
    say("-" * 60)
    for note in notes:
        say(f"NOTE: {note}")
    build_text = f"build {build_seconds:.0f} s, " if build_seconds is not None else ""
    say(f"PASSED: bundle {DIST / BUNDLE} is {size / 2**20:.0f} MiB; {build_text}total {total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
