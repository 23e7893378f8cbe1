"""partial indexes on cancelled and clawed-back policies (a calculation's clawback queries)

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-04 18:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_policies_cancelled', 'policies', ['cancel_date'],
        sqlite_where=sa.text('cancel_date IS NOT NULL'), postgresql_where=sa.text('cancel_date IS NOT NULL'),
    )
    op.create_index(
        'ix_policies_clawed', 'policies', ['clawed_month'],
        sqlite_where=sa.text('clawed_month IS NOT NULL'), postgresql_where=sa.text('clawed_month IS NOT NULL'),
    )


def downgrade() -> None:
    op.drop_index('ix_policies_clawed', table_name='policies')
    op.drop_index('ix_policies_cancelled', table_name='policies')
