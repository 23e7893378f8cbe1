"""appeals (申诉): one row per appeal against a QA evaluation, complaint, attendance record or metric

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 17:45:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('indicator', sa.String(length=32), nullable=False, server_default=''),
    sa.Column('record_date', sa.Date(), nullable=False),
    sa.Column('record_text', sa.Text(), nullable=False, server_default=''),
    sa.Column('filed', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False, server_default=''),
    sa.Column('override_reason', sa.Text(), nullable=False, server_default=''),
    sa.Column('status', sa.String(length=16), nullable=False, server_default='pending'),
    sa.Column('decided_by', sa.String(length=64), nullable=False, server_default=''),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False, server_default=''),
    sa.Column('decided_value', db.types.DecimalText(length=40), nullable=True),
    sa.Column('correction_month', sa.String(length=7), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_appeals_agent_id_agents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals'))
    )
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeals_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeals_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeals_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeals_status'))
        batch_op.drop_index(batch_op.f('ix_appeals_month'))
        batch_op.drop_index(batch_op.f('ix_appeals_agent_id'))
    op.drop_table('appeals')
