"""A throwaway PostgreSQL server for the tests: ``initdb`` into a temporary folder, ``pg_ctl start``
on a free port, ``pg_ctl stop`` at the end (docs/server-database.md).

The binaries are looked up on PATH, then in ``/usr/lib/postgresql/*/bin`` (Debian's layout, where
``apt-get install postgresql`` puts them). PostgreSQL refuses to run as root; when the tests run as
root (a CI container), the server runs as the ``postgres`` user (made by the package) or ``nobody``,
through ``runuser``. No binaries: :func:`find_bin_dir` is None and the PostgreSQL variants skip.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "branchpay"  # the server's superuser role, trusted on 127.0.0.1 only
TEMPLATE = "branchpay_template"  # migrated once; each test's database is a copy of it


def find_bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and (Path(found).parent / "initdb").exists():
        return Path(found).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0
    )
    for folder in reversed(candidates):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _run_as() -> list[str]:
    """The command prefix that runs the server unprivileged (empty when we are not root)."""
    if os.name != "posix" or os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            runuser = shutil.which("runuser")
            if runuser:
                return [runuser, "-u", name, "--"]
            return ["su", "-s", "/bin/sh", name, "-c"]  # pragma: no cover - runuser is in util-linux
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.prefix = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="branchpay-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self._counter = 0
        if self.prefix:
            user = self.prefix[2] if self.prefix[0].endswith("runuser") else self.prefix[3]
            entry = pwd.getpwnam(user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        os.chmod(self.root, 0o700)

    def _cmd(self, *args: str) -> list[str]:
        if self.prefix and not self.prefix[0].endswith("runuser"):
            return [*self.prefix, " ".join(f"'{a}'" for a in args)]
        return [*self.prefix, *args]

    def start(self) -> None:
        subprocess.run(
            self._cmd(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust",
                      "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"),
            check=True, capture_output=True, timeout=120, cwd=self.root,
        )
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        subprocess.run(
            self._cmd(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "60",
                      "-l", str(self.log), "start"),
            check=True, capture_output=True, timeout=90, cwd=self.root,
        )

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            subprocess.run(self._cmd(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                                     "stop"), capture_output=True, timeout=60, cwd=self.root)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres", autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_database(self, template: str | None = TEMPLATE) -> str:
        """A fresh database (a copy of the migrated template) and its URL."""
        self._counter += 1
        name = f"t{os.getpid()}_{self._counter}"
        self.admin(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)
