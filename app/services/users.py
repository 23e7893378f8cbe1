"""Users and roles (docs/pay-rules.md §10): who may do what once the branch sets up users.

With no user at all the app is the one-person app of part one and nothing here refuses
anything. Once a user exists, every action is done as the signed-in user: the command line and
the window put the user's name in the session (``session.info["acting_user"]``, set by
:class:`db.session.Database` from its ``acting_user``), and the services ask
:func:`require_role` inside the same transaction that writes, so a window and a command cannot
differ on what is allowed.

Passwords are stored as salted scrypt hashes (:mod:`app.services.security`); five wrong tries in a
row lock the user for a minute, stored in the database so a new process does not reset it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.services.audit import audit
from app.services.errors import ServiceError
from app.services.security import hash_password, verify_password
from app.text import Text
from db.models import User, UserRole
from db.session import claim_write_lock

ROLES: tuple[str, ...] = ("admin", "clerk", "reviewer", "checker", "approver")
ROLE_NAMES: dict[str, Text] = {
    "admin": Text("管理员", "admin"),
    "clerk": Text("核算", "clerk"),
    "reviewer": Text("审核", "reviewer"),
    "checker": Text("复核", "checker"),
    "approver": Text("签批", "approver"),
}
MAX_TRIES = 5
LOCK_SECONDS = 60
MIN_PASSWORD = 8
ACTING_USER = "acting_user"  # the session.info key holding the signed-in user's name


@dataclass(frozen=True)
class UserView:
    name: str
    roles: tuple[str, ...]
    active: bool
    locked_until: datetime | None


@dataclass(frozen=True)
class SignIn:
    """The outcome of :func:`authenticate`: ``ok``, or why not (never which of name/password was wrong)."""

    ok: bool
    name: str
    reason: Text | None = None


def role_names(roles: Iterable[str], lang: str) -> str:
    sep = ", " if lang == "en" else "、"
    return sep.join(f"{ROLE_NAMES[r].in_(lang)}（{r}）" if lang != "en" else r for r in roles if r in ROLE_NAMES)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def users_exist(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def _find(session: Session, name: str) -> User | None:
    key = name.strip().casefold()
    for user in session.scalars(select(User).options(selectinload(User.roles))):
        if user.name.casefold() == key:
            return user
    return None


def _view(user: User) -> UserView:
    roles = sorted((r.role for r in user.roles), key=lambda r: ROLES.index(r) if r in ROLES else len(ROLES))
    return UserView(user.name, tuple(roles), user.active, user.locked_until)


def list_users(session: Session) -> list[UserView]:
    return [_view(u) for u in session.scalars(select(User).options(selectinload(User.roles)).order_by(User.name))]


def get_user(session: Session, name: str) -> UserView | None:
    user = _find(session, name)
    return _view(user) if user is not None else None


def acting_user_name(session: Session) -> str | None:
    name = session.info.get(ACTING_USER)
    return name if isinstance(name, str) and name else None


def acting_user(session: Session) -> UserView | None:
    """The signed-in user of this unit of work (None with no sign-in, or when that user is gone or disabled)."""
    name = acting_user_name(session)
    if name is None:
        return None
    user = _find(session, name)
    return _view(user) if user is not None and user.active else None


def has_role(session: Session, role: str) -> bool:
    """Whether the signed-in user may act as ``role``; always True while the branch has no users."""
    if not users_exist(session):
        return True
    user = acting_user(session)
    return user is not None and role in user.roles


def require_role(session: Session, roles: Iterable[str], what: Text) -> str:
    """Refuse ``what`` unless the signed-in user holds one of ``roles``; returns the user's name.

    With no users at all, nothing is refused and the name is "". Called inside the transaction
    that writes, so the roles read are the roles in force when the change is made."""
    wanted = tuple(roles)
    if not users_exist(session):
        return ""
    user = acting_user(session)
    if user is None:
        raise ServiceError(
            f"{what.zh}需要先登录（已设置用户）。",
            f"{what.en} needs a signed-in user (this branch has users).",
        )
    if not any(r in user.roles for r in wanted):
        raise ServiceError(
            f"{user.name} 不能{what.zh}：需要角色 {role_names(wanted, 'zh')}。",
            f"{user.name} cannot {what.en}: it needs the role {' or '.join(wanted)}.",
        )
    return user.name


def _check_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > 64 or any(ch.isspace() for ch in clean) or any(ord(ch) < 32 for ch in clean):
        raise ServiceError(
            f"用户名 {name!r} 无效：1–64 个字符，不含空格。",
            f"the user name {name!r} is not valid: 1–64 characters, no spaces.",
        )
    return clean


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ServiceError(
            f"密码至少 {MIN_PASSWORD} 个字符。", f"a password has at least {MIN_PASSWORD} characters."
        )


def _check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(sorted(set(roles), key=ROLES.index)) if all(r in ROLES for r in roles) else ()
    bad = [r for r in roles if r not in ROLES]
    if bad:
        raise ServiceError(
            f"未知角色：{', '.join(bad)}（可选：{', '.join(ROLES)}）。",
            f"unknown role: {', '.join(bad)} (choose from {', '.join(ROLES)}).",
        )
    if not chosen:
        raise ServiceError("至少选择一个角色。", "choose at least one role.")
    return chosen


def add_user(session: Session, name: str, password: str, roles: Iterable[str]) -> UserView:
    """Create a user. The first user must be an admin and needs no sign-in; after that only an admin adds users."""
    claim_write_lock(session)
    clean = _check_name(name)
    chosen = _check_roles(list(roles))
    _check_password(password)
    if users_exist(session):
        require_role(session, ("admin",), Text("添加用户", "add users"))
    elif "admin" not in chosen:
        raise ServiceError(
            "第一个用户必须是管理员：请加上 --role admin。",
            "the first user must be an admin: add --role admin.",
        )
    if _find(session, clean) is not None:
        raise ServiceError(f"用户 {clean} 已存在。", f"user {clean} already exists.")
    user = User(name=clean, password_hash=hash_password(password), failed_attempts=0, active=True)
    user.roles = [UserRole(role=r) for r in chosen]
    session.add(user)
    session.flush()
    audit(session, "user.add", entity="user", key=clean, after={"roles": list(chosen)})
    return _view(user)


def _admins(session: Session) -> int:
    return session.scalar(
        select(func.count(User.id)).join(UserRole).where(UserRole.role == "admin", User.active.is_(True))
    ) or 0


def _existing(session: Session, name: str) -> User:
    user = _find(session, name)
    if user is None:
        raise ServiceError(f"没有用户 {name}。", f"there is no user {name}.")
    return user


def set_roles(session: Session, name: str, roles: Iterable[str]) -> UserView:
    claim_write_lock(session)
    require_role(session, ("admin",), Text("修改用户角色", "change users' roles"))
    user = _existing(session, name)
    chosen = _check_roles(list(roles))
    before = [r.role for r in user.roles]
    if "admin" in before and "admin" not in chosen and user.active and _admins(session) <= 1:
        raise ServiceError("至少要保留一个管理员。", "at least one admin must remain.")
    user.roles = [UserRole(role=r) for r in chosen]
    session.flush()
    audit(session, "user.roles", entity="user", key=user.name, before=before, after=list(chosen))
    return _view(user)


def set_active(session: Session, name: str, active: bool) -> UserView:
    claim_write_lock(session)
    require_role(session, ("admin",), Text("停用或启用用户", "disable or enable users"))
    user = _existing(session, name)
    if not active and user.active and any(r.role == "admin" for r in user.roles) and _admins(session) <= 1:
        raise ServiceError("至少要保留一个管理员。", "at least one admin must remain.")
    before = user.active
    user.active = active
    session.flush()
    audit(session, "user.active", entity="user", key=user.name, before=before, after=active)
    return _view(user)


def set_password(session: Session, name: str, password: str) -> None:
    """A new password for ``name``: the user themself, or an admin (who also lifts a lock-out)."""
    claim_write_lock(session)
    user = _existing(session, name)
    me = acting_user_name(session)
    if me is None or me.casefold() != user.name.casefold():
        require_role(session, ("admin",), Text("修改他人的密码", "change another user's password"))
    _check_password(password)
    user.password_hash = hash_password(password)
    user.failed_attempts = 0
    user.locked_until = None
    session.flush()
    audit(session, "user.password", entity="user", key=user.name, before="***", after="***")


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_password("not a password"))
    return _DUMMY[0]


def authenticate(session: Session, name: str, password: str, *, now: datetime | None = None) -> SignIn:
    """Check ``name``'s password, counting wrong tries: the fifth in a row locks the user for a minute.

    Returns rather than raises, so the caller commits the count even when the sign-in fails."""
    claim_write_lock(session)
    moment = now or _now()
    user = _find(session, name)
    wrong = SignIn(False, name.strip(), Text("用户名或密码不正确。", "wrong user name or password."))
    if user is None or not user.active:
        verify_password(password, _dummy_hash())  # the same work as a real check: timing tells nothing
        return wrong
    if user.locked_until is not None and user.locked_until > moment:
        seconds = max(1, math.ceil((user.locked_until - moment).total_seconds()))
        return SignIn(False, user.name, Text(
            f"{user.name} 因多次输错密码已被锁定，请 {seconds} 秒后再试。",
            f"{user.name} is locked after too many wrong passwords; try again in {seconds} s."))
    if user.locked_until is not None:  # the minute is over: a fresh count
        user.locked_until = None
        user.failed_attempts = 0
    if verify_password(password, user.password_hash):
        user.failed_attempts = 0
        session.flush()
        return SignIn(True, user.name)
    user.failed_attempts += 1
    if user.failed_attempts >= MAX_TRIES:
        user.locked_until = moment + timedelta(seconds=LOCK_SECONDS)
        user.failed_attempts = 0
        audit(session, "user.lockout", entity="user", key=user.name,
              after={"locked_until": user.locked_until.isoformat(sep=" ")})
        session.flush()
        return SignIn(False, user.name, Text(
            f"密码连续输错 {MAX_TRIES} 次，{user.name} 已被锁定 {LOCK_SECONDS} 秒。",
            f"{MAX_TRIES} wrong passwords in a row: {user.name} is locked for {LOCK_SECONDS} s."))
    session.flush()
    return wrong
