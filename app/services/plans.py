"""Plan versions (提成方案): which plan a month uses, import/export, freezing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.plan.model import Plan
from app.plan.toml_io import PlanError, default_plan_text, dump_plan, load_plan
from app.services.audit import audit
from app.services.errors import ServiceError, ValidationFailed
from app.services.record_changes import note_months
from app.services.users import require_role
from app.text import Text
from db.models import MonthStatus, PlanVersion
from db.session import claim_write_lock


@dataclass(frozen=True)
class PlanVersionView:
    id: int
    effective_from: str
    name: str
    frozen: bool
    used_by: tuple[str, ...]  # months whose result used this version


def plan_version_for_month(session: Session, month: str) -> PlanVersion:
    """The version with the greatest ``effective_from <= month`` (docs/pay-rules.md §4)."""
    version = session.scalar(
        select(PlanVersion).where(PlanVersion.effective_from <= month).order_by(PlanVersion.effective_from.desc())
    )
    if version is None:
        raise ServiceError(
            f"{month} 没有适用的提成方案：请导入生效月份不晚于 {month} 的方案。",
            f"no plan is in force for {month}: import a plan whose effective_from is {month} or earlier.",
        )
    return version


def load_version(version: PlanVersion) -> Plan:
    """The stored text of a version as a validated plan."""
    return load_plan(version.toml_text, source=f"plan {version.effective_from}")


def plan_for_month(session: Session, month: str) -> tuple[PlanVersion, Plan]:
    version = plan_version_for_month(session, month)
    return version, load_version(version)


def list_versions(session: Session) -> list[PlanVersionView]:
    used: dict[int, list[str]] = {}
    for status in session.scalars(select(MonthStatus).where(MonthStatus.plan_version_id.is_not(None))):
        assert status.plan_version_id is not None
        used.setdefault(status.plan_version_id, []).append(status.month)
    return [
        PlanVersionView(v.id, v.effective_from, v.name, v.frozen, tuple(sorted(used.get(v.id, []))))
        for v in session.scalars(select(PlanVersion).order_by(PlanVersion.effective_from))
    ]


def save_plan(session: Session, text: str, *, source: str = "plan") -> PlanVersion:
    """Validate and store a plan as the version of its ``effective_from``.

    A version of the same month that no locked month used is replaced; a frozen one is refused.
    """
    try:
        plan = load_plan(text, source=source)
    except PlanError as exc:
        raise ValidationFailed(
            [f"{source}: {p}" for p in exc.messages("zh")],
            [f"{source}: {p}" for p in exc.messages("en")],
        ) from exc
    claim_write_lock(session)  # no month can lock (freezing a version) between these checks and the write
    require_role(session, ("admin",), Text("修改方案", "change the plan"))  # §10: plans are the admin's
    note_months(session, None)  # a new plan changes what the calculated months would pay: their sign-offs go
    existing = session.scalar(select(PlanVersion).where(PlanVersion.effective_from == plan.effective_from))
    canonical = dump_plan(plan)
    if existing is not None:
        if existing.frozen:
            raise ServiceError(
                f"生效月份为 {plan.effective_from} 的方案已被锁定月份使用，不能修改；请把 effective_from 改为更晚的月份另存为新版本。",
                f"the plan version effective from {plan.effective_from} was used by a locked month and cannot be "
                "changed; save a copy with a later effective_from.",
            )
        before = existing.toml_text
        existing.name = plan.name
        existing.toml_text = canonical
        audit(session, "plan.replace", entity="plan", key=plan.effective_from, before=before, after=canonical)
        session.flush()
        return existing
    latest_locked = session.scalar(
        select(MonthStatus.month).where(MonthStatus.status == "locked").order_by(MonthStatus.month.desc())
    )
    if latest_locked is not None and plan.effective_from <= latest_locked:
        raise ServiceError(
            f"{latest_locked} 已锁定：新方案的生效月份必须晚于 {latest_locked}。",
            f"{latest_locked} is locked: a new plan version must take effect after {latest_locked}.",
        )
    version = PlanVersion(effective_from=plan.effective_from, name=plan.name, toml_text=canonical)
    session.add(version)
    session.flush()
    audit(session, "plan.add", entity="plan", key=plan.effective_from, after=canonical)
    return version


def ensure_default_plan(session: Session) -> None:
    if session.scalar(select(PlanVersion.id).limit(1)) is None:
        save_plan(session, default_plan_text(), source="default plan")


def export_plan(session: Session, month: str) -> str:
    version = plan_version_for_month(session, month)
    return version.toml_text
