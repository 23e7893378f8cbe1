"""Head office's view of several branches (docs/formats.md, "Region consolidation").

- :func:`export_package`: a branch writes a locked month's results as an export package
  (app/reports/branch_package.py) to send to head office instead of its database.
- :func:`consolidate`: head office reads several branches' locked month — from SQLite files, server
  databases or export packages — and writes one workbook (app/reports/region_xlsx.py).

A branch's database is opened read-only (db/read_only.py): never created, migrated, stamped or
written. Every source is read and checked before the workbook is written: a month not locked, a
package that fails its manifest, a database at another schema revision, or two sources of the same
branch refuse the whole consolidation, naming the source and what to do; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.reports.branch_package import (
    Branch,
    BranchMonth,
    PackageRefused,
    is_package,
    package_files,
    read_package,
)
from app.reports.region_xlsx import Figures, write_region
from app.services.errors import ServiceError
from app.services.settings import get_setting


def branch_of(session: Session) -> Branch:
    return Branch(name=get_setting(session, "branch_name").strip(), code=get_setting(session, "branch_code").strip())


def _not_locked(month: str, where: str) -> ServiceError:
    return ServiceError(
        f"{where}：{month} 尚未锁定。请在该网点锁定（或签批）{month} 后再汇总或导出（payroll lock --month {month}）。",
        f"{where}: {month} is not locked. Lock (or approve) {month} at that branch first, then consolidate or "
        f"export it (payroll lock --month {month}).",
    )


def _locked_month(session: Session, month: str, where: str) -> BranchMonth:
    """The branch's month if it is locked; refuses a month not locked (or not calculated) naming it."""
    from app.services.payroll import show_month
    from db.models import MonthStatus

    row = session.get(MonthStatus, month)
    if row is None or row.status != "locked":
        raise _not_locked(month, where)
    result = show_month(session, month)
    return BranchMonth(branch=branch_of(session), result=result, source=where, kind="")


@dataclass(frozen=True)
class PackageWritten:
    path: Path
    branch: Branch
    agents: int
    net: str


def export_package(session: Session, month: str, out_path: Path, *, now: datetime | None = None) -> PackageWritten:
    """Write the locked ``month`` as an export package (a .zip) at ``out_path``."""
    from app import __version__
    from app.money import fmt_money
    from app.reports.branch_package import write_package
    from app.reports.files import output_error_text
    from app.services.audit import audit

    out_path = Path(out_path)
    if out_path.suffix.lower() != ".zip":
        raise ServiceError(f"数据包文件名应以 .zip 结尾：{out_path.name}",
                           f"the package file name must end in .zip: {out_path.name}")
    branch = branch_of(session)
    result = _locked_month(session, month, branch.label or month).result
    files = package_files(branch, result, exported_at=now or datetime.now(), app_version=__version__)
    try:
        write_package(out_path, files)
    except OSError as exc:
        raise ServiceError(*output_error_text(exc, out_path)) from exc
    import hashlib

    audit(session, "package.export", entity="month", key=month,
          after={"file": out_path.name, "sha256": hashlib.sha256(files["result.json"]).hexdigest()})
    session.flush()
    return PackageWritten(out_path, branch, len(result.agents), fmt_money(result.net))


# --- consolidation -------------------------------------------------------------------------------


def _schema_refusal(exc: object) -> ServiceError:
    from db.read_only import SchemaMismatch
    from db.session import HEAD_REVISION

    assert isinstance(exc, SchemaMismatch)
    if exc.revision is None:
        return ServiceError(f"{exc.location}：不是 BranchPay 数据库。", f"{exc.location}: not a BranchPay database.")
    if exc.newer:
        return ServiceError(
            f"{exc.location}：由更新版本的 BranchPay 创建（结构版本 {exc.revision}，本程序最高 {HEAD_REVISION}）。请升级本程序。",
            f"{exc.location}: made by a newer BranchPay (schema revision {exc.revision}; this version knows up to "
            f"{HEAD_REVISION}). Update BranchPay here.",
        )
    return ServiceError(
        f"{exc.location}：数据库结构版本为 {exc.revision}，本程序为 {HEAD_REVISION}。汇总只读不升级：请在该网点用新版 BranchPay "
        "打开一次（会自动升级），或让网点导出数据包（export package）后汇总数据包。",
        f"{exc.location}: the database is at schema revision {exc.revision}, this BranchPay at {HEAD_REVISION}. "
        "Consolidating only reads, it never upgrades: open it once with this BranchPay at the branch (which upgrades "
        "it), or consolidate an export package of the branch (export package) instead.",
    )


def _check_user(session: Session, where: str, user: str | None, password: str | None) -> None:
    """§10: a branch with users is read by one of its users. Checked without writing (a wrong password is
    not counted here: whoever can open the database to read it can read its password hashes anyway)."""
    from app.services.security import verify_password
    from app.services.users import users_exist
    from db.models import User

    if not users_exist(session):
        return
    if not user or password is None:
        raise ServiceError(
            f"{where}：该网点已设置用户，请用 --user 用户名 登录（密码取自 BRANCHPAY_PASSWORD），或汇总该网点导出的数据包。",
            f"{where}: this branch has users: sign in with --user NAME (password from BRANCHPAY_PASSWORD), or "
            "consolidate an export package of the branch instead.",
        )
    key = user.strip().casefold()
    found = next((u for u in session.scalars(select(User)) if u.name.casefold() == key), None)
    ok = (found is not None and found.active and (found.locked_until is None or found.locked_until <= datetime.now())
          and verify_password(password, found.password_hash))
    if not ok:
        raise ServiceError(f"{where}：用户名或密码不正确（或该用户已停用/锁定）。",
                           f"{where}: wrong user name or password for this branch (or the user is disabled or locked).")


def _read_database(source: str | Path, month: str, user: str | None, password: str | None) -> BranchMonth:
    from db.read_only import NotReadable, ReadOnlyDatabase, SchemaMismatch
    from db.server import display_url, is_server_url

    where = display_url(str(source))
    try:
        db = ReadOnlyDatabase(source)
    except SchemaMismatch as exc:
        raise _schema_refusal(exc) from exc
    except NotReadable as exc:
        if exc.problem == "missing":
            raise ServiceError(f"找不到文件 {where}", f"file not found: {where}") from exc
        raise ServiceError(f"{where}：无法读取数据库（{exc.problem}），未汇总任何数据。",
                           f"{where}: the database cannot be read ({exc.problem}); nothing was consolidated.") from exc
    try:
        with db.session_scope() as s:
            _check_user(s, where, user, password)
            got = _locked_month(s, month, where)
    finally:
        db.dispose()
    return BranchMonth(got.branch, got.result, where, "server" if is_server_url(source) else "sqlite")


def read_source(source: str | Path, month: str, *, user: str | None = None,
                password: str | None = None) -> BranchMonth:
    """One source's locked month: a package (.zip or unpacked folder), a SQLite file or a server URL."""
    from db.server import is_server_url

    if not is_server_url(source) and is_package(Path(source)):
        try:
            branch, result = read_package(Path(source))
        except PackageRefused as exc:
            raise ServiceError(exc.text.zh, exc.text.en) from exc
        where = str(source)
        if result.month != month:
            raise ServiceError(f"{where}：数据包是 {branch.label} 的 {result.month}，不是 {month}。",
                               f"{where}: the package holds {result.month} of {branch.label}, not {month}.")
        if result.status != "locked":
            raise _not_locked(month, f"{where}（{branch.label}）")
        return BranchMonth(branch, result, where, "package")
    if not is_server_url(source) and Path(source).is_dir():
        raise ServiceError(f"{source}：是文件夹，但不是解压后的数据包（其中没有 manifest.json）。",
                           f"{source}: a folder, but not an unpacked package (it holds no manifest.json).")
    return _read_database(source, month, user, password)


def _check_distinct(months: Sequence[BranchMonth]) -> None:
    seen: dict[str, BranchMonth] = {}
    for m in months:
        if not m.branch.name and not m.branch.code:
            raise ServiceError(f"{m.source}：没有网点名称或代码，无法区分网点。请在该网点的设置中填写。",
                               f"{m.source}: the branch has neither a name nor a code to tell it apart; "
                               "set them in that branch's settings.")
        first = seen.get(m.branch.key)
        if first is not None:
            raise ServiceError(
                f"{first.source} 与 {m.source} 是同一网点（{m.branch.label}）：每个网点只能汇总一次。"
                "若确是两个网点，请在各自设置中填写不同的网点代码。",
                f"{first.source} and {m.source} are the same branch ({m.branch.label}): each branch is consolidated "
                "once. If they are two branches, give each its own branch code in its settings.",
            )
        seen[m.branch.key] = m


class SourcesRefused(ServiceError):
    """Several sources cannot be consolidated: one line saying so, then each source's reason (``problems``)."""

    def __init__(self, total: int, refusals: Sequence[ServiceError]) -> None:
        n = len(refusals)
        super().__init__(f"{total} 个来源中有 {n} 个无法汇总，未写入任何文件：",
                         f"{n} of {total} sources cannot be consolidated; nothing was written:")
        self.problems = [r.text("zh") for r in refusals]
        self.problems_en = [r.text("en") for r in refusals]


@dataclass(frozen=True)
class Consolidated:
    path: Path
    months: tuple[BranchMonth, ...]
    figures: tuple[Figures, ...]


def consolidate(month: str, sources: Sequence[str | Path], out_path: Path, *, user: str | None = None,
                password: str | None = None) -> Consolidated:
    """Read every source's locked ``month``, check them, then write the region workbook to ``out_path``."""
    from app.reports.files import output_error_text

    out_path = Path(out_path)
    if out_path.suffix.lower() != ".xlsx":
        raise ServiceError(f"区域汇总表文件名应以 .xlsx 结尾：{out_path.name}",
                           f"the region workbook's file name must end in .xlsx: {out_path.name}")
    if not sources:
        raise ServiceError("没有要汇总的网点。", "no branches to consolidate.")
    months: list[BranchMonth] = []
    refusals: list[ServiceError] = []
    for source in sources:  # every source is checked, so one run names every branch to fix
        try:
            months.append(read_source(source, month, user=user, password=password))
        except ServiceError as exc:
            refusals.append(exc)
    if len(refusals) == 1:
        raise refusals[0]
    if refusals:
        raise SourcesRefused(len(sources), refusals)
    _check_distinct(months)
    try:
        figures = write_region(month, months, out_path)
    except OSError as exc:
        zh, en = output_error_text(exc, out_path)
        if isinstance(exc, PermissionError):
            zh, en = zh + "（文件是否在 Excel 中打开？）", en + " (Is it open in Excel?)"
        raise ServiceError(zh, en) from exc
    return Consolidated(out_path, tuple(months), tuple(figures))
