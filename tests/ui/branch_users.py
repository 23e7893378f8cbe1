"""A branch with users and a sign-off chain, for the GUI tests of sign-offs and appeals."""

from __future__ import annotations

from collections.abc import Sequence

from app.services import signoff, users
from db.session import Database

PW = "long enough pw"


def add_chain(db: Database, people: Sequence[tuple[str, str]], steps: Sequence[str]) -> Database:
    """boss (admin: the first user must be one), then, acting as boss, ``people`` as (name, role)
    with the password :data:`PW`, and the sign-off ``steps`` with no one signing twice."""
    with db.session_scope(write=True) as s:
        users.add_user(s, "boss", PW, ["admin"])
    db.acting_user = "boss"
    with db.session_scope(write=True) as s:
        for name, role in people:
            users.add_user(s, name, PW, [role])
        signoff.set_chain_settings(s, tuple(steps), same_person=False)
    return db
