"""A branch export package: one locked month's results for head office (docs/formats.md, "Branch
export package").

``branchpay export package --month M --out FILE.zip`` writes a zip holding

- ``result.json``: the branch (name and code) and the month's typed result (:class:`MonthResult`):
  every agent's code, name, team, pay lines, totals, summary columns and facts, money as decimal
  strings with two decimals; no ID numbers, bank accounts or passwords (the result holds none);
- ``manifest.json``: the SHA-256 and size of every other file in the package.

``region consolidate`` reads such a package (the zip, or the folder it was unpacked into) with
:func:`read_package`: the manifest must list exactly the package's files, each with its recorded
hash; the result must be well formed, locked and add up (every agent's net = gross + deductions,
the totals = the sum of the agents). A package that fails any of these is refused naming the file.

The manifest catches a package damaged on the way or edited by hand; it is not a signature: someone
who edits ``result.json`` *and* recomputes its hash in the manifest is not detected. A branch that
needs that sends the package through a channel that authenticates the sender.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.engine.facts import PayLine
from app.money import ZERO, fmt_money
from app.reports.files import write_output_file
from app.results import AgentResult, MonthResult, facts_from_json, facts_to_json
from app.summary_columns import summary_amounts
from app.text import Text

PACKAGE_FORMAT = "branchpay-package"
RESULT_FORMAT = "branchpay-month-result"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RESULT = "result.json"
MAX_FILE_BYTES = 256 * 1024 * 1024  # a package of a few hundred agents is well under 1 MB
_MONEY = re.compile(r"^-?\d{1,15}\.\d{2}$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Branch:
    """Who the figures are from: the branch name and its code (设置 → 网点代码; may be empty)."""

    name: str
    code: str

    @property
    def key(self) -> str:
        """What tells two branches apart: the code, or the name when the branch has no code."""
        return (self.code or self.name).strip().casefold()

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip() if self.code else self.name


@dataclass(frozen=True)
class BranchMonth:
    """One branch's month as a consolidation reads it, from a database or a package."""

    branch: Branch
    result: MonthResult
    source: str  # the file, folder or server database as the user named it (no password)
    kind: str  # "sqlite" | "server" | "package"


class PackageRefused(Exception):
    """A package that cannot be trusted or read; ``text`` names the package and the file in it."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


# --- writing -------------------------------------------------------------------------------------


def _line_json(line: PayLine) -> dict[str, str]:
    return {
        "code": line.code,
        "amount": fmt_money(line.amount),
        "label": line.label,
        "label_en": line.label_en,
        "detail": line.detail,
        "detail_en": line.detail_en,
    }


def result_json(branch: Branch, result: MonthResult, *, exported_at: datetime, app_version: str) -> dict[str, Any]:
    """``result.json``: the month's typed result in JSON, amounts as 2-decimal strings."""
    return {
        "format": RESULT_FORMAT,
        "format_version": FORMAT_VERSION,
        "branch": {"name": branch.name, "code": branch.code},
        "month": result.month,
        "status": result.status,
        "plan": {"name": result.plan_name, "effective_from": result.plan_effective_from},
        "exported_at": exported_at.replace(microsecond=0).isoformat(),
        "app_version": app_version,
        "agents": [
            {
                "code": a.code,
                "name": a.name,
                "team": a.team,
                "lines": [_line_json(line) for line in a.lines],
                "gross": fmt_money(a.gross),
                "deductions": fmt_money(a.deductions),
                "net": fmt_money(a.net),
                "columns": {k: fmt_money(v) for k, v in summary_amounts(a.lines).items()},
                "facts": facts_to_json(a.facts),
                "warnings": [w.to_json() for w in a.warnings],
            }
            for a in result.agents
        ],
        "totals": {
            "gross": fmt_money(result.gross),
            "deductions": fmt_money(result.deductions),
            "net": fmt_money(result.net),
        },
        "warnings": [w.to_json() for w in result.warnings],
    }


def _dumps(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def package_files(branch: Branch, result: MonthResult, *, exported_at: datetime, app_version: str) -> dict[str, bytes]:
    """The package's files by name: the result and the manifest of its hash."""
    body = _dumps(result_json(branch, result, exported_at=exported_at, app_version=app_version))
    manifest = {
        "format": PACKAGE_FORMAT,
        "format_version": FORMAT_VERSION,
        "files": [{"name": RESULT, "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}],
    }
    return {MANIFEST: _dumps(manifest), RESULT: body}


def write_package(out_path: Path, files: Mapping[str, bytes]) -> Path:
    """The zip at ``out_path``, written aside and moved into place (no half-written package)."""

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                zf.writestr(info, data)

    return write_output_file(Path(out_path), write)


# --- reading -------------------------------------------------------------------------------------


def is_package(path: Path) -> bool:
    """Whether ``path`` names a package: a ``.zip`` file, or a folder holding a manifest.json."""
    return (path.suffix.lower() == ".zip" and not path.is_dir()) or (path.is_dir() and (path / MANIFEST).is_file())


def _refused(where: str, zh: str, en: str) -> PackageRefused:
    return PackageRefused(Text(f"{where}：{zh}", f"{where}: {en}"))


class _Files:
    """The files of a package, from a zip or an unpacked folder, each read at most once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self.names = {p.name for p in path.iterdir() if p.is_file()}
            if any(p.is_dir() for p in path.iterdir()):
                raise _refused(str(path), "文件夹中有清单之外的子文件夹，请重新导出数据包。",
                               "the folder holds a subfolder the manifest does not list; export the package again.")
            return
        try:
            self.zip = zipfile.ZipFile(path)
        except FileNotFoundError as exc:
            raise _refused(str(path), "找不到文件。", "file not found.") from exc
        except (zipfile.BadZipFile, OSError) as exc:
            raise _refused(str(path), "不是有效的 zip 数据包（文件损坏或不完整），请让网点重新导出。",
                           "not a valid zip package (damaged or incomplete); ask the branch to export it again.") from exc
        self.names = set()
        for info in self.zip.infolist():
            if info.is_dir():
                continue
            self.names.add(info.filename)

    def read(self, name: str) -> bytes:
        where = f"{self.path} → {name}"
        if name not in self.names:
            raise _refused(where, "数据包中缺少此文件，请让网点重新导出。",
                           "the file is missing from the package; ask the branch to export it again.")
        try:
            if self.zip is not None:
                info = self.zip.getinfo(name)
                if info.file_size > MAX_FILE_BYTES:
                    raise _refused(where, "文件过大，不是 BranchPay 数据包。", "too large for a BranchPay package.")
                return self.zip.read(name)
            file = self.path / name
            if file.stat().st_size > MAX_FILE_BYTES:
                raise _refused(where, "文件过大，不是 BranchPay 数据包。", "too large for a BranchPay package.")
            return file.read_bytes()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _refused(where, "无法读取（数据包损坏），请让网点重新导出。",
                           "cannot be read (the package is damaged); ask the branch to export it again.") from exc

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _json_object(data: bytes, where: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _refused(where, "不是有效的 JSON。", "not valid JSON.") from exc
    if not isinstance(value, dict):
        raise _refused(where, "不是 BranchPay 数据包的格式。", "not in the format of a BranchPay package.")
    return value


def _manifest(files: _Files) -> dict[str, str]:
    """The manifest's files by name -> SHA-256, after checking it lists exactly the package's files."""
    where = f"{files.path} → {MANIFEST}"
    data = _json_object(files.read(MANIFEST), where)
    if data.get("format") != PACKAGE_FORMAT or not isinstance(data.get("files"), list):
        raise _refused(where, "不是 BranchPay 数据包的清单。", "not the manifest of a BranchPay package.")
    if data.get("format_version") != FORMAT_VERSION:
        raise _refused(where, f"数据包格式版本 {data.get('format_version')!r} 不受支持，请升级 BranchPay。",
                       f"package format version {data.get('format_version')!r} is not supported; update BranchPay.")
    listed: dict[str, str] = {}
    for entry in data["files"]:
        name = entry.get("name") if isinstance(entry, dict) else None
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not isinstance(digest, str) or not _HEX64.match(digest) or name == MANIFEST:
            raise _refused(where, "清单中有无效的条目。", "the manifest has an invalid entry.")
        listed[name] = digest
    extra = sorted(files.names - set(listed) - {MANIFEST})
    if extra:
        raise _refused(f"{files.path} → {extra[0]}", "此文件不在清单中（数据包被改动过），请让网点重新导出。",
                       "this file is not in the manifest (the package was changed); ask the branch to export it again.")
    return listed


def _money(value: object, where: str, what: str) -> Decimal:
    if not isinstance(value, str) or not _MONEY.match(value):
        raise _refused(where, f"{what} 应为两位小数的金额：{value!r}", f"{what} must be an amount with two decimals: {value!r}")
    return Decimal(value)


def _text(value: object, where: str, what: str) -> str:
    if not isinstance(value, str):
        raise _refused(where, f"{what} 应为文本。", f"{what} must be text.")
    return value


def _texts(value: object) -> tuple[Text, ...]:
    return tuple(Text.from_json(v) for v in value) if isinstance(value, list) else ()


def _agent(data: object, where: str) -> AgentResult:
    if not isinstance(data, dict):
        raise _refused(where, "人员条目无效。", "an agent entry is invalid.")
    code = _text(data.get("code"), where, "code")
    here = f"{where}（{code}）"
    here_en = f"{where} ({code})"
    lines = []
    raw_lines = data.get("lines")
    if not isinstance(raw_lines, list):
        raise _refused(where, f"{code} 没有工资项目列表。", f"{code} has no list of pay lines.")
    for raw in raw_lines:
        if not isinstance(raw, dict):
            raise _refused(where, f"{code} 的工资项目无效。", f"a pay line of {code} is invalid.")
        lines.append(PayLine(
            code=_text(raw.get("code"), here, "lines.code"),
            amount=_money(raw.get("amount"), here, f"{code} lines.amount"),
            label=_text(raw.get("label", ""), here, "lines.label"),
            label_en=_text(raw.get("label_en", ""), here, "lines.label_en"),
            detail=_text(raw.get("detail", ""), here, "lines.detail"),
            detail_en=_text(raw.get("detail_en", ""), here, "lines.detail_en"),
        ))
    gross = _money(data.get("gross"), here, f"{code} gross")
    deductions = _money(data.get("deductions"), here, f"{code} deductions")
    net = _money(data.get("net"), here, f"{code} net")
    positive = sum((line.amount for line in lines if line.amount > 0), ZERO)
    negative = sum((line.amount for line in lines if line.amount < 0), ZERO)
    if gross != positive or deductions != negative or net != gross + deductions:
        raise PackageRefused(Text(f"{here}：{code} 的应发/扣款/实发与工资项目不符（数据被改动过），请让网点重新导出。",
                                  f"{here_en}: {code}'s gross/deductions/net do not match its pay lines "
                                  "(the figures were changed); ask the branch to export it again."))
    facts = data.get("facts")
    return AgentResult(
        code=code,
        name=_text(data.get("name"), here, "name"),
        team=_text(data.get("team", ""), here, "team"),
        lines=tuple(lines),
        gross=gross,
        deductions=deductions,
        net=net,
        facts=facts_from_json(facts if isinstance(facts, dict) else {}),
        warnings=_texts(data.get("warnings")),
    )


def parse_result(data: dict[str, Any], where: str) -> tuple[Branch, MonthResult]:
    """``result.json`` back into the branch and its typed month result, checked to add up."""
    if data.get("format") != RESULT_FORMAT:
        raise _refused(where, "不是 BranchPay 月度结果。", "not a BranchPay month result.")
    if data.get("format_version") != FORMAT_VERSION:
        raise _refused(where, f"格式版本 {data.get('format_version')!r} 不受支持，请升级 BranchPay。",
                       f"format version {data.get('format_version')!r} is not supported; update BranchPay.")
    branch_data = data.get("branch") if isinstance(data.get("branch"), dict) else {}
    assert isinstance(branch_data, dict)
    branch = Branch(name=_text(branch_data.get("name"), where, "branch.name").strip(),
                    code=_text(branch_data.get("code", ""), where, "branch.code").strip())
    month = data.get("month")
    if not isinstance(month, str) or not _MONTH.match(month):
        raise _refused(where, f"月份无效：{month!r}", f"invalid month: {month!r}")
    plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
    assert isinstance(plan, dict)
    raw_agents = data.get("agents")
    if not isinstance(raw_agents, list):
        raise _refused(where, "没有人员列表。", "no list of agents.")
    agents = tuple(_agent(a, where) for a in raw_agents)
    codes = [a.code for a in agents]
    if len(set(codes)) != len(codes):
        raise _refused(where, "同一工号出现了两次。", "an agent code appears twice.")
    result = MonthResult(
        month=month,
        status=_text(data.get("status"), where, "status"),
        plan_name=str(plan.get("name") or ""),
        plan_effective_from=str(plan.get("effective_from") or ""),
        agents=tuple(sorted(agents, key=lambda a: a.code)),
        warnings=_texts(data.get("warnings")),
    )
    totals = data.get("totals") if isinstance(data.get("totals"), dict) else {}
    assert isinstance(totals, dict)
    for key, value in (("gross", result.gross), ("deductions", result.deductions), ("net", result.net)):
        if _money(totals.get(key), where, f"totals.{key}") != value:
            raise _refused(where, f"合计 {key} 与人员之和不符（数据被改动过），请让网点重新导出。",
                           f"totals.{key} is not the sum of the agents (the figures were changed); "
                           "ask the branch to export it again.")
    return branch, result


def read_package(path: Path) -> tuple[Branch, MonthResult]:
    """The branch and month of the package at ``path`` (a zip, or its unpacked folder), verified."""
    files = _Files(Path(path))
    try:
        listed = _manifest(files)
        if RESULT not in listed:
            raise _refused(f"{path} → {MANIFEST}", f"清单中没有 {RESULT}。", f"the manifest does not list {RESULT}.")
        contents: dict[str, bytes] = {}
        for name, digest in sorted(listed.items()):
            data = files.read(name)
            if hashlib.sha256(data).hexdigest() != digest:
                raise _refused(f"{path} → {name}",
                               "内容与清单中的 SHA-256 不符（数据包损坏或被改动过），请让网点重新导出。",
                               "its content does not match the SHA-256 in the manifest (damaged or changed); "
                               "ask the branch to export it again.")
            contents[name] = data
        where = f"{path} → {RESULT}"
        return parse_result(_json_object(contents[RESULT], where), where)
    finally:
        files.close()
