"""record versions (stale edits refused) and the data-change counter (windows reload others' changes)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 04:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ('agents', 'qa_evaluations', 'policies', 'complaints', 'adjustments')


def upgrade() -> None:
    # Plain ADD COLUMN (a constant default): SQLite does it without copying the table, which a
    # branch with hundreds of thousands of policies would wait for.
    for table in VERSIONED:
        op.add_column(table, sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        op.add_column(table, sa.Column('changed_by', sa.String(length=64), nullable=False, server_default=''))
        op.add_column(table, sa.Column('changed_at', sa.DateTime(), nullable=True))
    op.create_table(
        'data_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('counter', sa.Integer(), nullable=False, server_default='0'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_changes')),
    )
    op.execute("INSERT INTO data_changes (id, counter) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table('data_changes')
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('changed_at')
            batch.drop_column('changed_by')
            batch.drop_column('version')
