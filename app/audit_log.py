"""One entry of the audit log, typed, as the services hand it to the viewer, the CLI and the Excel export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log as the viewer, ``audit`` and the Excel export show it."""

    at: datetime
    user: str
    action: str
    entity: str
    key: str
    before: str
    after: str
    reason: str

    @property
    def kind(self) -> str:
        """The part of the action before its first dot: ``payroll``, ``signoff``, ``import`` …"""
        return self.action.split(".", 1)[0]
