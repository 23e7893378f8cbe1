"""The ``branchpay`` command line (docs/formats.md): a thin layer over the services.

Exit status 0 on success; on failure a one-line reason on stderr (then, for an
import, one line per problem, at most 200 of them) and a non-zero status. Every command runs in one
transaction, so nothing is half-written.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import __version__
from app.bulk import collector_paused
from app.i18n import set_language, tr
from app.money import ZERO, fmt_money

if TYPE_CHECKING:
    from app.reports.region_xlsx import Figures
    from app.results import MonthResult
    from app.services.payroll_view import AgentChange, Notice
    from app.services.region import Consolidated

EXIT_FAILURE = 1
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a reader that went away
KINDS = ("agents", "attendance", "qa", "sales", "complaints", "praise", "metrics", "adjustments", "deductions",
         "tax_opening", "appeals", "targets")
USER_ROLES = ("admin", "clerk", "reviewer", "checker", "approver")  # app.services.users.ROLES


def _month(text: str) -> str:
    from app.calendar import is_month

    if not is_month(text.strip()):
        raise argparse.ArgumentTypeError(tr(f"月份应为 YYYY-MM，例如 2026-10：{text!r}",
                                            f"a month is YYYY-MM, e.g. 2026-10: {text!r}"))
    return text.strip()


PAYROLL_HELP = {
    "run": "calculate the month from its records (replaces an unlocked result)",
    "show": "print the month's stored result (--json: docs/formats.md)",
    "lock": "freeze the month: its result, plan and records",
    "unlock": "reopen the latest locked month (a reason is required)",
    "verify": "does the calculated result still match the records?",
    "review": "sign the review (审核) of a calculated month",
    "check": "sign the check (复核) of a reviewed month",
    "approve": "sign the approval (签批): locks the month",
    "reject": "send the month back to calculated (a reason is required)",
}


def _db_argument(text: str) -> Path | str:
    """``--db``: a SQLite file path, or a server database URL kept as text (db/server.py)."""
    from db.server import is_server_url

    return text if is_server_url(text) else Path(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="branchpay", description="BranchPay 网点客服薪酬台 — command line")
    parser.add_argument("--db", type=_db_argument, default=None,
                        help="database file (default: the app's own), or a server: postgresql+psycopg://user@host/dbname")
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help="language of messages")
    parser.add_argument("--version", action="version", version=f"branchpay {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parser.add_argument("--user", default=None,
                        help="act as this user (password from BRANCHPAY_PASSWORD or a prompt; never an argument)")
    sub.add_parser("init", help="create the database with the default plan and scorecards")
    sub.add_parser("demo", help="fill an empty database with a realistic demo branch")

    plan = sub.add_parser("plan", help="import or export a plan (TOML)").add_subparsers(dest="plan_cmd", required=True)
    p_imp = plan.add_parser("import", help="store a plan file as a plan version")
    p_imp.add_argument("file", type=Path)
    p_exp = plan.add_parser("export", help="write the plan in force for a month")
    p_exp.add_argument("--month", type=_month, required=True)
    p_exp.add_argument("--out", type=Path, required=True)

    imp = sub.add_parser("import", help="import records from .xlsx or .csv")
    imp.add_argument("kind", choices=KINDS)
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="validate and report only; write nothing")

    pay = sub.add_parser("payroll", help="calculate, show, lock or unlock a month").add_subparsers(
        dest="payroll_cmd", required=True)
    for name in ("run", "show", "lock", "unlock", "verify", "review", "check", "approve", "reject"):
        p = pay.add_parser(name, help=PAYROLL_HELP[name])
        p.add_argument("--month", type=_month, required=True)
        if name in ("show", "verify"):
            p.add_argument("--json", action="store_true", help="print the result as JSON")
        if name in ("unlock", "reject"):
            p.add_argument("--reason", required=True)
        if name in ("review", "check", "approve"):
            p.add_argument("--comment", default="", help="a comment kept with the sign-off")
        if name in ("lock", "review", "check", "approve"):
            p.add_argument("--with-pending-appeals", action="store_true",
                           help="go on although appeals of the month are pending (needs --reason)")
            p.add_argument("--reason", default="", help="why the month goes on with pending appeals")

    slips = sub.add_parser("payslips", help="write PDF payslips for a month")
    slips.add_argument("--month", type=_month, required=True)
    slips.add_argument("--out", type=Path, required=True)
    slips.add_argument("--agent", help="only this agent code")
    slips.add_argument("--encrypt", action="store_true", help="protect each file with the agent's payslip password")
    slips.add_argument("--combined", action="store_true", help="one PDF with every payslip instead of one per agent")
    slips.add_argument(
        "--two-up",
        action="store_true",
        help="with --combined: two A5 payslips on each A4 sheet, a cut line between them "
        "(default: the payslip paper setting)",
    )

    usr = sub.add_parser("users", help="manage users and roles").add_subparsers(dest="users_cmd", required=True)
    u_add = usr.add_parser("add", help="add a user (password from BRANCHPAY_NEW_PASSWORD or a prompt, twice)")
    u_add.add_argument("name")
    u_add.add_argument("--role", action="append", required=True, choices=USER_ROLES,
                       help="a role of the user (repeat for several)")
    usr.add_parser("list", help="list the users and their roles")

    aud = sub.add_parser("audit", help="print (or write to Excel) the audit log of a month")
    aud.add_argument("--month", type=_month, required=True)
    aud.add_argument("--out", type=Path, default=None, help="write an .xlsx file instead of printing")

    _appeal_parser(sub)

    exp = sub.add_parser("export",
                         help="write the Excel summary for head office (or: export bank|tax|publication|package)")
    exp.add_argument("what", nargs="?", choices=("bank", "tax", "publication", "package"),
                     help="bank: the bank payment file (.xlsx/.csv); tax: the tax filing sheet (.xlsx); "
                     "publication: the 奖惩公示 of a locked month (.pdf or .xlsx); "
                     "package: a locked month's results for head office (.zip, docs/formats.md)")
    exp.add_argument("--month", type=_month, required=True)
    exp.add_argument("--out", type=Path, required=True)

    region = sub.add_parser("region", help="head office: consolidate several branches' locked month").add_subparsers(
        dest="region_cmd", required=True)
    r_con = region.add_parser(
        "consolidate",
        help="one workbook from branch databases (.sqlite files, server URLs) and export packages (.zip); "
        "the branch databases are only read")
    r_con.add_argument("--month", type=_month, required=True)
    r_con.add_argument("--out", type=Path, required=True, help="the region workbook (.xlsx)")
    r_con.add_argument("--json", action="store_true", help="also print the overview's figures as JSON")
    r_con.add_argument("sources", nargs="+", metavar="DB_OR_PACKAGE",
                       help="a branch database file, a postgresql+psycopg:// URL, or an export package (.zip or folder)")

    from app.cli_simulate import add_parser as add_simulate

    add_simulate(sub, _month)
    return parser


def _fail(message: str, details: Sequence[str] = (), code: int = EXIT_FAILURE) -> int:
    """The reason on one line (cut to a readable length), then at most LIST_LIMIT detail lines and
    how many more there are: a file of 350,000 bad rows does not print 350,000 lines."""
    from app.i18n import language
    from app.importers.problems import capped, one_line

    print(one_line(message), file=sys.stderr)
    for line in capped(list(details), language()):
        print(line, file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:  # noqa: C901 - one branch per command reads best
    from app.services.errors import ServiceError
    from db.session import default_db_path, open_database

    if args.command == "region":
        return _region(args)
    path = args.db if args.db is not None else default_db_path()
    # A server database has no file to check: the server keeps its own data sound (docs/server-database.md).
    refusal = _damaged_refusal(path) if isinstance(path, Path) else None
    if refusal is not None:
        return _fail(refusal)
    db = open_database(path)
    try:
        refusal = _sign_in(db, args)
        if refusal is not None:
            return _fail(refusal)
        if args.command == "init":
            from app.services.setup import initialise

            with db.session_scope(write=True) as s:
                initialise(s)
            print(tr(f"数据库已就绪：{db.location}", f"database ready: {db.location}"))
            return 0
        if args.command == "demo":
            from app.services.demo import fill_demo

            with db.session_scope(write=True) as s:
                summary = fill_demo(s)
            print(tr(f"演示数据已生成：{summary.zh}", f"demo branch created: {summary.en}"))
            return 0
        if args.command == "plan":
            from app.services import plans

            if args.plan_cmd == "import":
                try:
                    text = args.file.read_text(encoding="utf-8-sig")
                except OSError as exc:
                    return _fail(tr(f"无法读取 {args.file}：{exc.strerror}", f"cannot read {args.file}: {exc.strerror}"))
                with db.session_scope(write=True) as s:
                    version = plans.save_plan(s, text, source=args.file.name)
                    print(tr(f"方案“{version.name}”已保存，生效月份 {version.effective_from}",
                             f"plan '{version.name}' saved, effective from {version.effective_from}"))
                return 0
            from app.reports.files import output_error_text, write_output_file

            with db.session_scope() as s:
                text = plans.export_plan(s, args.month)
            try:
                write_output_file(args.out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
            except OSError as exc:
                return _fail(tr(*output_error_text(exc, args.out)))
            print(tr(f"方案已导出到 {args.out}", f"plan written to {args.out}"))
            return 0
        if args.command == "import":
            return _import(db, args)
        if args.command == "simulate":
            from app.cli_simulate import run_simulate

            return run_simulate(db, args)
        if args.command == "appeal":
            return _appeal(db, args)
        if args.command == "payslips":
            from app.services.reports import write_payslips

            if args.two_up and not args.combined:
                return _fail(tr("--two-up 只用于合并文件，请同时加上 --combined。",
                                "--two-up applies to the combined file only; add --combined."))
            with db.session_scope() as s:
                paths = write_payslips(s, args.month, args.out, agent=args.agent, encrypt=args.encrypt,
                                       combined=args.combined, two_up=True if args.two_up else None)
            where = paths[0].parent if paths else args.out
            print(tr(f"已生成 {len(paths)} 个工资条文件到 {where}", f"{len(paths)} payslip file(s) written to {where}"))
            for path in paths:
                print(path)
            return 0
        if args.command == "export" and args.what == "publication":
            from app.services.publication import export_publication

            with db.session_scope() as s:
                path = export_publication(s, args.month, args.out)
            print(tr(f"奖惩公示已导出到 {path}", f"publication notice written to {path}"))
            return 0
        if args.command == "export" and args.what == "package":
            from app.services.region import export_package

            with db.session_scope() as s:
                written = export_package(s, args.month, args.out)
            print(tr(f"数据包已导出到 {written.path}：{written.branch.label} {args.month}，{written.agents} 人，"
                     f"实发合计 {written.net}",
                     f"package written to {written.path}: {written.branch.label} {args.month}, {written.agents} "
                     f"agents, net total {written.net}"))
            return 0
        if args.command == "export" and args.what is not None:
            return _export_payment(db, args)
        if args.command == "export":
            from app.services.reports import export_summary

            with db.session_scope() as s:
                path = export_summary(s, args.month, args.out)
            print(tr(f"汇总表已导出到 {path}", f"summary written to {path}"))
            return 0
        if args.command == "users":
            return _users(db, args)
        if args.command == "audit":
            return _audit(db, args)
        if args.command == "payroll":
            from app.services import payroll

            if args.payroll_cmd == "run":
                with db.session_scope(write=True) as s:
                    pay = payroll.calculate_month(s, args.month)
                total = sum((a.net for a in pay.agents), start=ZERO)
                print(tr(f"{args.month} 已计算：{len(pay.agents)} 人，实发合计 {fmt_money(total)}",
                         f"{args.month} calculated: {len(pay.agents)} agents, net total {fmt_money(total)}"))
                from app.i18n import language

                with db.session_scope() as s:
                    # just calculated: it matches the records, so no pending-changes warning; the
                    # fresh result, not the month read back from the database
                    notices = _notices(s, args.month, fresh_result(args.month, pay), pending=False)
                _print_notices(notices, language())
                return 0
            if args.payroll_cmd == "show":
                from app.i18n import language
                from app.services.signoff import chain_state
                from app.services.users import users_exist

                with db.session_scope() as s:
                    result = payroll.show_month(s, args.month)
                    notices = _notices(s, args.month, result)
                    chain = chain_state(s, args.month)
                    with_users = users_exist(s)
                if args.json:
                    data = month_json(result, language(), notices)
                    if with_users:  # §10; without users the output stays exactly part one's
                        data.update(_chain_json(chain))
                    print(json.dumps(data, ensure_ascii=False, indent=2))
                else:
                    print(_table(result, language(), chain.status))
                    _print_notices(notices, language())
                return 0
            if args.payroll_cmd == "verify":
                from app.i18n import language

                with db.session_scope() as s:
                    changes = payroll.pending_changes(s, args.month, lang=language())
                if args.json:
                    print(json.dumps(_changes_json(args.month, changes), ensure_ascii=False, indent=2))
                elif not changes:
                    print(tr(f"{args.month} 的结果与当前记录一致", f"{args.month}: the result matches the records"))
                else:
                    print(tr(f"{args.month} 计算后数据有变动，重新计算后 {len(changes)} 人的结果将改变：",
                             f"{args.month} changed since it was calculated; recalculating changes "
                             f"{len(changes)} agent(s):"))
                    from app.services.payroll_view import pending_agent_text

                    for c in changes:
                        print("  " + tr(*pending_agent_text(c)))
                return 0
            if args.payroll_cmd in ("review", "check", "approve", "reject"):
                return _signoff(db, args)
            if args.payroll_cmd == "lock":
                with db.session_scope(write=True) as s:
                    payroll.lock_month(s, args.month, with_pending_appeals=args.with_pending_appeals,
                                       reason=args.reason)
                print(tr(f"{args.month} 已锁定", f"{args.month} locked"))
                return 0
            with db.session_scope(write=True) as s:
                payroll.unlock_month(s, args.month, args.reason)
            print(tr(f"{args.month} 已解锁", f"{args.month} unlocked"))
            return 0
    except ServiceError as exc:
        from app.i18n import language

        details = getattr(exc, "problems_en" if language() == "en" else "problems", None)
        lines = details if details and len(details) > 1 else []
        return _fail(exc.text(language()), lines)
    finally:
        db.dispose()
    return _fail(f"unknown command {args.command}")


def _region(args: argparse.Namespace) -> int:
    """``region consolidate``: reads its sources (each only read, never written), then writes the workbook."""
    from app.i18n import language
    from app.services.errors import ServiceError
    from app.services.region import consolidate

    if args.db is not None:
        return _fail(tr("region consolidate 不使用 --db：把各网点的数据库或数据包列在命令末尾。",
                        "region consolidate takes no --db: list the branches' databases or packages at the end."))
    password = None
    if args.user:
        try:
            password = _password("BRANCHPAY_PASSWORD", tr(f"{args.user} 的密码：", f"password of {args.user}: "))
        except _Refused as exc:
            return _fail(str(exc))
    sources = [_db_argument(s) for s in args.sources]
    try:
        done = consolidate(args.month, sources, args.out, user=args.user, password=password)
    except ServiceError as exc:
        return _fail(exc.text(language()), getattr(exc, "problems_en" if language() == "en" else "problems", ()))
    if args.json:
        print(json.dumps(_region_json(done), ensure_ascii=False, indent=2))
        return 0
    print(tr(f"区域汇总表已导出到 {done.path}：{args.month}，{len(done.months)} 个网点",
             f"region workbook written to {done.path}: {args.month}, {len(done.months)} branches"))
    for m, f in zip(done.months, done.figures, strict=True):
        print(tr(f"  {m.branch.label}：{f.heads} 人，实发合计 {fmt_money(f.amounts['net'])}",
                 f"  {m.branch.label}: {f.heads} agents, net total {fmt_money(f.amounts['net'])}"))
    return 0


def _region_json(done: Consolidated) -> dict[str, Any]:
    """``region consolidate --json`` (docs/formats.md): the overview sheet's figures."""
    from app.reports.region_xlsx import region_figures

    def score(value: Decimal | None) -> str | None:
        return None if value is None else fmt_money(value)

    def figures(f: Figures) -> dict[str, Any]:
        return {
            "agents": f.heads,
            "columns": {k: fmt_money(v) for k, v in f.amounts.items() if k not in ("gross", "deductions", "net")},
            "gross": fmt_money(f.amounts["gross"]),
            "deductions": fmt_money(f.amounts["deductions"]),
            "net": fmt_money(f.amounts["net"]),
            "average_net": score(f.average_net),
            "average_qa": score(f.average_qa),
            "average_kpi": score(f.average_kpi),
        }

    return {
        "month": done.months[0].result.month,
        "out": str(done.path),
        "branches": [
            {"code": m.branch.code, "name": m.branch.name, "source": m.source, "kind": m.kind, **figures(f)}
            for m, f in zip(done.months, done.figures, strict=True)
        ],
        "total": figures(region_figures(done.figures)),
    }


def _password(env: str, prompt: str, *, twice: bool = False) -> str | None:
    """A password from the environment variable ``env``, else from a prompt on a terminal (twice for a new
    one); None when neither is there. Never from an argument: arguments show in process lists and histories."""
    value = os.environ.pop(env, None)  # read once; the payslip worker processes need not inherit it
    if value is not None:
        return value
    if not sys.stdin.isatty():
        return None
    import getpass

    first = getpass.getpass(prompt)
    if twice and getpass.getpass(tr("再输入一次：", "again: ")) != first:
        raise _Refused(tr("两次输入的密码不一致。", "the two passwords differ."))
    return first


class _Refused(Exception):
    """A one-line refusal of the command line itself (not of a service)."""


def _sign_in(db: Any, args: argparse.Namespace) -> str | None:
    """§10: once the branch has users, every command runs as ``--user`` signed in with BRANCHPAY_PASSWORD
    (or a prompt). Returns the refusal, or None when the command may go on."""
    from app.services.users import authenticate, users_exist

    with db.session_scope() as s:
        exist = users_exist(s)
    if not exist:
        if args.user:
            return tr("本网点还没有用户：去掉 --user，或先用 users add 添加管理员。",
                      "this branch has no users yet: leave out --user, or add an admin with users add first.")
        return None
    if not args.user:
        return tr("本网点已设置用户：请用 --user 用户名 登录（密码取自 BRANCHPAY_PASSWORD 或提示输入）。",
                  "this branch has users: sign in with --user NAME (password from BRANCHPAY_PASSWORD or a prompt).")
    try:
        password = _password("BRANCHPAY_PASSWORD", tr(f"{args.user} 的密码：", f"password of {args.user}: "))
    except _Refused as exc:
        return str(exc)
    if password is None:
        return tr("没有密码：请设置环境变量 BRANCHPAY_PASSWORD，或在终端上运行以输入密码。",
                  "no password: set BRANCHPAY_PASSWORD, or run on a terminal to type it.")
    with db.session_scope(write=True) as s:
        got = authenticate(s, args.user, password)
    if not got.ok:
        assert got.reason is not None
        return tr(got.reason.zh, got.reason.en)
    db.acting_user = got.name
    return None


def _users(db: Any, args: argparse.Namespace) -> int:
    from app.services.users import add_user, list_users, role_names

    if args.users_cmd == "list":
        with db.session_scope() as s:
            people = list_users(s)
        from app.i18n import language

        lang = language()
        for u in people:
            state = "" if u.active else tr("（已停用）", " (disabled)")
            print(f"{u.name}\t{role_names(u.roles, lang)}{state}")
        return 0
    try:
        password = _password("BRANCHPAY_NEW_PASSWORD", tr(f"{args.name} 的新密码：", f"new password of {args.name}: "),
                             twice=True)
    except _Refused as exc:
        return _fail(str(exc))
    if password is None:
        return _fail(tr("没有新用户的密码：请设置环境变量 BRANCHPAY_NEW_PASSWORD，或在终端上运行以输入（两次）。",
                        "no password for the new user: set BRANCHPAY_NEW_PASSWORD, or run on a terminal to type it "
                        "(twice)."))
    with db.session_scope(write=True) as s:
        user = add_user(s, args.name, password, args.role)
    print(tr(f"已添加用户 {user.name}：{'、'.join(user.roles)}", f"user {user.name} added: {', '.join(user.roles)}"))
    return 0


def _signoff(db: Any, args: argparse.Namespace) -> int:
    from app.services.signoff import STATUS_NAMES, reject, sign

    with db.session_scope(write=True) as s:
        if args.payroll_cmd == "reject":
            state = reject(s, args.month, args.reason)
        else:
            state = sign(s, args.month, args.payroll_cmd, args.comment,
                         with_pending_appeals=args.with_pending_appeals, reason=args.reason)
    name = STATUS_NAMES[state.status]
    who = db.acting_user or ""
    print(tr(f"{args.month} {name.zh}（{who}）", f"{args.month} {name.en} ({who})"))
    return 0


def _chain_json(chain: Any) -> dict[str, Any]:
    """``payroll show --json``'s sign-off keys: the chain's status (approved is ``locked``) and the sign-offs."""
    return {
        "status": chain.status,
        "signoffs": [
            {"step": x.step, "user": x.user, "at": x.at.isoformat(sep=" "), "comment": x.comment}
            for x in chain.signoffs
        ],
    }


def _audit(db: Any, args: argparse.Namespace) -> int:
    from app.i18n import language
    from app.services.audit import audit_entries

    with db.session_scope() as s:
        entries = audit_entries(s, month=args.month)
    if args.out is not None:
        from app.reports.audit_xlsx import write_audit_xlsx
        from app.reports.files import output_error_text, write_output_file

        if args.out.suffix.lower() != ".xlsx":
            return _fail(tr(f"{args.out}：审计日志只能导出为 .xlsx 文件。", f"{args.out}: the audit log is written as .xlsx."))
        title = tr(f"{args.month} 审计日志", f"Audit log {args.month}")
        try:
            write_output_file(args.out, lambda tmp: write_audit_xlsx(entries, tmp, title=title, lang=language()))
        except OSError as exc:
            return _fail(tr(*output_error_text(exc, args.out)))
        print(tr(f"审计日志（{len(entries)} 条）已导出到 {args.out}",
                 f"audit log ({len(entries)} entries) written to {args.out}"))
        return 0
    for e in entries:
        change = f"{e.before or '—'} → {e.after or '—'}" if e.before or e.after else ""
        parts = [e.at.isoformat(sep=" "), e.user or "-", e.action, e.key, change, e.reason]
        print("  ".join(p for p in parts if p))
    return 0


def _appeal_parser(sub: Any) -> None:
    appeal = sub.add_parser("appeal", help="list or decide appeals (申诉)").add_subparsers(
        dest="appeal_cmd", required=True)
    a_list = appeal.add_parser("list", help="the appeals (of a month's records)")
    a_list.add_argument("--month", type=_month, default=None)
    a_list.add_argument("--json", action="store_true", help="print them as JSON")
    a_dec = appeal.add_parser("decide", help="decide a pending appeal")
    a_dec.add_argument("id", type=int)
    outcome = a_dec.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--upheld", action="store_true")
    outcome.add_argument("--rejected", action="store_true")
    a_dec.add_argument("--value", default=None, help="an upheld metric appeal: the decided value")
    a_dec.add_argument("--comment", required=True)


def _appeal(db: Any, args: argparse.Namespace) -> int:
    from app.services import appeals

    if args.appeal_cmd == "list":
        with db.session_scope() as s:
            rows = appeals.list_appeals(s, args.month)
        if args.json:
            print(json.dumps([{"id": a.id, "code": a.agent_code, "record": a.kind,
                               "record_date": a.record_date.isoformat(), "status": a.status} for a in rows],
                             ensure_ascii=False, indent=2))
            return 0
        for a in rows:
            status = tr(appeals.STATUS_NAMES[a.status][0], a.status)
            kind = tr(appeals.KIND_NAMES[a.kind][0], a.kind)
            print(f"#{a.id}  {a.agent_code} {a.agent_name}  {kind}  {a.record_date.isoformat()}  "
                  f"{a.record_text}  {status}")
        return 0
    import getpass

    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not worth failing a decision for
        user = ""
    user = db.acting_user or user  # §10: the signed-in user, once the branch has users
    with db.session_scope(write=True) as s:
        decision = appeals.decide_appeal(s, args.id, upheld=args.upheld, comment=args.comment, value=args.value,
                                         decided_by=user)
    view = decision.appeal
    print(tr(f"申诉 #{view.id} 已处理：{appeals.STATUS_NAMES[view.status][0]}",
             f"appeal #{view.id} decided: {view.status}"))
    for c in decision.corrections:
        print(tr(f"  {c.agent_code} 于 {c.month} 申诉更正 {fmt_money(c.amount)}",
                 f"  {c.agent_code}: appeal correction {fmt_money(c.amount)} in {c.month}"))
    return 0


def _export_payment(db: Any, args: argparse.Namespace) -> int:
    """``export bank`` / ``export tax`` (docs/formats.md part two); a ServiceError is handled by run()."""
    from app.services.payment_files import export_bank, export_tax

    with db.session_scope() as s:
        if args.what == "bank":
            path, data = export_bank(s, args.month, args.out)
            print(tr(f"银行代发文件已导出到 {path}：{len(data.rows)} 笔，合计 {fmt_money(data.total)}",
                     f"bank file written to {path}: {len(data.rows)} payments, total {fmt_money(data.total)}"))
        else:
            path, count = export_tax(s, args.month, args.out)
            print(tr(f"个税扣缴申报文件已导出到 {path}：{count} 人", f"tax file written to {path}: {count} agents"))
    return 0


def _damaged_refusal(path: Path) -> str | None:
    """The same check the window makes at start: a database failing SQLite's quick_check is not touched."""
    from app.services.db_errors import damaged_text
    from db.backup import check_file, newest_good_backup
    from db.integrity_stamp import known_good, remember_good

    if not path.is_file() or path.stat().st_size == 0:
        return None
    if known_good(path):  # unchanged since it last passed, or since a command last ended on it
        return None
    problem = check_file(path)
    if problem is None:
        remember_good(path)
        return None
    backup = newest_good_backup(path)
    when = backup.taken_at.strftime("%Y-%m-%d %H:%M") if backup else None
    return tr(*damaged_text(path, problem, when))


def _import(db: object, args: argparse.Namespace) -> int:
    from app.i18n import language
    from app.services.imports import ImportRefused, commit_import, preview_import, read_import

    if not args.file.exists():
        return _fail(tr(f"找不到文件 {args.file}", f"file not found: {args.file}"))
    session_scope = db.session_scope  # type: ignore[attr-defined]
    try:
        if args.dry_run:
            with session_scope() as s:
                result = preview_import(s, args.kind, args.file)
                if result.problems:
                    raise ImportRefused(result)
        else:
            # The file is read and parsed before the write lock is taken; inside the lock it is checked
            # against the database as it is then and written, so nothing it was checked against can
            # change before the write.
            with session_scope() as s:
                read = read_import(args.kind, args.file, s)
            with session_scope(write=True) as s:
                result = commit_import(s, args.kind, args.file, read=read)
    except ImportRefused as exc:
        lang = language()
        return _fail(exc.summary.in_(lang), [p.message(lang) for p in exc.result.problems])
    for w in result.warnings:
        print(w.message(language()), file=sys.stderr)
    verb = tr("检查通过（未写入）", "checked (nothing written)") if args.dry_run else tr("已导入", "imported")
    print(tr(f"{args.file.name}：{verb} {len(result.rows)} 行（新增 {result.adds}，更新 {result.updates}）",
             f"{args.file.name}: {verb} {len(result.rows)} rows ({result.adds} added, {result.updates} updated)"))
    return 0


def _changes_json(month: str, changes: Sequence[AgentChange]) -> dict[str, Any]:
    """``payroll verify --json``: whether the stored result is current, and what recalculating changes."""

    def money(value: Decimal | None) -> str | None:
        return None if value is None else fmt_money(value)

    return {
        "month": month,
        "current": not changes,
        "agents": [
            {
                "code": c.code,
                "name": c.name,
                "change": c.kind,
                "net_before": money(c.old_net),
                "net_after": money(c.new_net),
                "lines": [
                    {"code": line.code, "label": line.label, "before": money(line.old), "after": money(line.new)}
                    for line in c.lines
                ],
            }
            for c in changes
        ],
    }


def _money_text(value: Decimal) -> str:
    return fmt_money(value)


def fresh_result(month: str, pay: Any) -> MonthResult:
    """A just-calculated month (:class:`~app.engine.facts.MonthPay`) as :func:`payroll.show_month`
    would read it back for its notices: agents by code, the warnings they and the month carry."""
    from app.results import AgentResult, MonthResult

    agents = tuple(
        AgentResult(a.code, a.name, "", a.lines, a.gross, a.deductions, a.net, a.facts, a.warnings)
        for a in sorted(pay.agents, key=lambda a: a.code)
    )
    return MonthResult(month, "calculated", "", "", agents, tuple(pay.warnings))


def _notices(session: Any, month: str, result: MonthResult, *, pending: bool = True) -> list[Notice]:
    """The warnings the payroll page lists for the month, in its order and words: first, for a
    calculated month whose records changed since, what recalculating would change; then
    :func:`~app.services.payroll_view.month_notices`."""
    from app.i18n import language
    from app.services.payroll import pending_changes
    from app.services.payroll_view import Notice, month_notices, pending_warning

    out: list[Notice] = []
    if pending and result.status == "calculated":
        from app.services.statutory import StatutoryRefusal

        try:
            entry = pending_warning(pending_changes(session, month, lang=language()))
        except StatutoryRefusal:  # an earlier month was unlocked since: `payroll run` says what to do
            entry = None
        if entry is not None:
            out.append(Notice(None, entry))
    return out + month_notices(session, month, result)


def _notice_text(notice: Notice, lang: str) -> str:
    return notice.warning.en if lang == "en" else notice.warning.zh


def _print_notices(notices: Sequence[Notice], lang: str) -> None:
    """On stderr, one line each, as the window's 提醒 list words them."""
    for n in notices:
        if n.warning.severity == "info":
            prefix = "note: " if lang == "en" else "说明："
        else:
            prefix = "warning: " if lang == "en" else "提醒："
        print(prefix + _notice_text(n, lang), file=sys.stderr)


def month_json(result: MonthResult, lang: str, notices: Sequence[Notice] = ()) -> dict[str, Any]:
    """``payroll show --json`` (docs/formats.md): amounts as 2-decimal strings, labels in ``lang``;
    ``notices`` are the payroll page's warnings (agent code or null, severity, text in ``lang``)."""
    from app.results import facts_to_json
    from app.summary_columns import summary_amounts

    return {
        "month": result.month,
        "status": result.status,
        "plan": {"name": result.plan_name, "effective_from": result.plan_effective_from},
        "agents": [
            {
                "code": a.code,
                "name": a.name,
                "team": a.team,
                "scope": a.facts.scope,
                "lines": [
                    {
                        "code": line.code,
                        "amount": _money_text(line.amount),
                        "label": line.label_in(lang),
                        "detail": line.detail_in(lang),
                        "label_en": line.label_en,
                    }
                    for line in a.lines
                ],
                "gross": _money_text(a.gross),
                "deductions": _money_text(a.deductions),
                "net": _money_text(a.net),
                "columns": {k: _money_text(v) for k, v in summary_amounts(a.lines).items()},
                "facts": facts_to_json(a.facts),
                "warnings": [w.in_(lang) for w in a.warnings],
            }
            for a in result.agents
        ],
        "totals": {
            "gross": _money_text(result.gross),
            "deductions": _money_text(result.deductions),
            "net": _money_text(result.net),
        },
        "warnings": [w.in_(lang) for w in result.warnings],
        "notices": [
            {"severity": n.warning.severity, "agent": n.agent, "text": _notice_text(n, lang)} for n in notices
        ],
    }


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _table(result: MonthResult, lang: str = "zh", chain_status: str | None = None) -> str:
    """``payroll show``: one row per agent in the payroll table's columns (app.summary_columns)."""
    from app.summary_columns import column_label, has_statutory, shown_keys, summary_amounts

    # 社保/公积金/个税 only for a month with a statutory line (docs/pay-rules.md §9)
    keys = shown_keys(any(has_statutory(a.lines) for a in result.agents))
    labels = {k: column_label(k).in_(lang) for k in keys}
    rows: list[tuple[str, str, dict[str, Decimal]]] = []
    for a in result.agents:
        amounts = summary_amounts(a.lines)
        amounts.update(gross=a.gross, deductions=a.deductions, net=a.net)
        rows.append((a.code, a.name, amounts))
    totals = {k: sum((r[2][k] for r in rows), ZERO) for k in keys}
    total_who = tr("合计", "Total")
    code_w = max([_width(tr("工号", "Code")), _width(total_who), *(_width(r[0]) for r in rows)])
    name_w = max([_width(tr("姓名", "Name")), *(_width(r[1]) for r in rows)])
    widths = {
        k: max([_width(labels[k]), _width(_money_text(totals[k])), *(_width(_money_text(r[2][k])) for r in rows)])
        for k in keys
    }

    def line(code: str, name: str, cells: dict[str, str]) -> str:
        parts = [_pad(code, code_w), _pad(name, name_w), *(_pad(cells[k], widths[k], right=True) for k in keys)]
        return "  ".join(parts).rstrip()

    status = {"calculated": tr("已核算", "calculated"), "locked": tr("已锁定", "locked"),
              "reviewed": tr("已审核", "reviewed"), "checked": tr("已复核", "checked")}.get(
        chain_status or result.status, chain_status or result.status
    )
    out = [f"{result.month}  {status}"]
    out.append(line(tr("工号", "Code"), tr("姓名", "Name"), labels))
    for code, name, amounts in rows:
        out.append(line(code, name, {k: _money_text(v) for k, v in amounts.items()}))
    out.append(line(total_who, "", {k: _money_text(v) for k, v in totals.items()}))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``branchpay`` program: ``argv`` None reads the process's own arguments (and the process ends after)."""
    try:
        return _main(argv)
    finally:
        if argv is None:
            # The process ends next, and the interpreter's last act would be one more collection over
            # every object still alive — the libraries' hundreds of thousands: some 50 ms of each
            # command, measured. Whatever that walk could free goes with the process anyway: leave
            # them out of it. (A caller passing ``argv``, a test, goes on living and keeps its collector.)
            import gc

            gc.freeze()


def _main(argv: Sequence[str] | None) -> int:
    # One command is a short-lived process: the cyclic collector would otherwise walk the
    # libraries' hundreds of thousands of objects again and again while they load (reading
    # ``--db`` already loads SQLAlchemy) and while the command works (0.1–0.3 s of a command,
    # measured); reference counting frees as usual.
    with collector_paused():
        parser = build_parser()
        args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)
    logging.basicConfig(level=logging.WARNING)
    try:
        with collector_paused():
            code = run(args)
        if code == 0:
            # A command that ended well wrote only through SQLite, which leaves a sound file:
            # the next command need not run the whole-file check again (db/integrity_stamp.py).
            from db.integrity_stamp import remember_good
            from db.session import default_db_path

            # a server database has no file to stamp; region opens no database of its own
            if not isinstance(args.db, str) and args.command != "region":
                remember_good(args.db if args.db is not None else default_db_path())
        sys.stdout.flush()  # inside the try: a reader that went away is noticed here, not at exit
        return code
    except KeyboardInterrupt:
        return _fail(tr("已取消", "cancelled"), code=130)
    except BrokenPipeError:
        # `branchpay payroll show | head`: the reader has what it wanted. Stop quietly, as a Unix tool
        # killed by SIGPIPE would, and keep Python from complaining again when it flushes stdout.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user; the log keeps it
        from app.i18n import language
        from app.services.db_errors import describe

        problem = describe(exc)
        if problem is not None:
            logging.getLogger("branchpay").debug("database problem", exc_info=True)
            return _fail(problem.text(language()))
        logging.getLogger("branchpay").debug("unexpected error", exc_info=True)
        _log_crash(args)
        return _fail(tr(f"意外错误：{type(exc).__name__}: {exc}（详情见日志）",
                        f"unexpected error: {type(exc).__name__}: {exc} (see the log)"))


def _log_crash(args: argparse.Namespace) -> None:
    import traceback

    try:
        from db.files import create_owner_only, make_folder
        from db.session import default_data_dir

        folder = args.db.parent if isinstance(args.db, Path) else default_data_dir()
        make_folder(folder)
        log_file = folder / "branchpay.log"
        if not log_file.exists():
            create_owner_only(log_file)
        with log_file.open("a", encoding="utf-8") as fh:
            fh.write(traceback.format_exc())
    except OSError:
        pass


if __name__ == "__main__":
    sys.exit(main())
