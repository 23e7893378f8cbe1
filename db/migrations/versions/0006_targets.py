"""targets: each agent's target value per plan target and period (docs/pay-rules.md §8.1)

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-04 17:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '0006'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=32), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('value', db.types.DecimalText(length=40), nullable=False),
    sa.Column('bonus', db.types.DecimalText(length=40), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_targets_agent_id_agents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_targets')),
    sa.UniqueConstraint('agent_id', 'target', 'period', name=op.f('uq_targets_agent_id'))
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_targets_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_targets_period'), ['period'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_targets_period'))
        batch_op.drop_index(batch_op.f('ix_targets_agent_id'))
    op.drop_table('targets')
