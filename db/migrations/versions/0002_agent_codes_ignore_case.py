"""agent codes ignore case: unique index on lower(code)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 14:50:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.errors import DuplicateAgentCodes

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = 'uq_agents_code_lower'


def _clashing_codes() -> list[list[str]]:
    """Groups of stored codes that the new index would reject (equal after lower()).

    Compared as the application compares codes (strip + casefold, as app.fields.code_key does
    today; repeated here so this migration keeps meaning what it meant when it was written);
    that catches everything SQLite's ASCII-only lower() would, and a little more.
    """
    agents = sa.table('agents', sa.column('code', sa.String))
    groups: dict[str, list[str]] = {}
    for (code,) in op.get_bind().execute(sa.select(agents.c.code).order_by(agents.c.code)):
        groups.setdefault(code.strip().casefold(), []).append(code)
    return [codes for codes in groups.values() if len(codes) > 1]


def upgrade() -> None:
    clashes = _clashing_codes()
    if clashes:
        # Refuse before changing anything: the migration's transaction is rolled back and the
        # database stays at 0001 (a backup was made before the migration started anyway).
        raise DuplicateAgentCodes(clashes)
    # Plain CREATE INDEX (no batch copy of the table is needed to add an index).
    op.create_index(INDEX, 'agents', [sa.text('lower(code)')], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name='agents')
