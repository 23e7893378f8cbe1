"""statutory deductions: agents' ID/bank/base columns, tax_deductions and tax_openings

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-04 17:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MONEY = sa.String(length=40)


def upgrade() -> None:
    # Plain ADD COLUMN (nullable or with a server default): no copy of the agents table is needed.
    op.add_column('agents', sa.Column('id_number', sa.String(length=18), nullable=True))
    op.add_column('agents', sa.Column('bank_name', sa.String(length=64), nullable=False, server_default=''))
    op.add_column('agents', sa.Column('bank_account', sa.String(length=30), nullable=True))
    op.add_column('agents', sa.Column('si_base', _MONEY, nullable=True))
    op.add_column('agents', sa.Column('hf_base', _MONEY, nullable=True))
    op.add_column('agents', sa.Column('statutory', sa.Boolean(), nullable=False, server_default='1'))
    op.create_table(
        'tax_deductions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('children_education', _MONEY, nullable=False),
        sa.Column('continuing_education', _MONEY, nullable=False),
        sa.Column('housing_loan_interest', _MONEY, nullable=False),
        sa.Column('housing_rent', _MONEY, nullable=False),
        sa.Column('elderly_care', _MONEY, nullable=False),
        sa.Column('infant_care', _MONEY, nullable=False),
        sa.Column('other', _MONEY, nullable=False),
        sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_tax_deductions_agent_id_agents'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tax_deductions')),
        sa.UniqueConstraint('agent_id', 'month', name=op.f('uq_tax_deductions_agent_id')),
    )
    op.create_index(op.f('ix_tax_deductions_agent_id'), 'tax_deductions', ['agent_id'], unique=False)
    op.create_index(op.f('ix_tax_deductions_month'), 'tax_deductions', ['month'], unique=False)
    op.create_table(
        'tax_openings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('through_month', sa.Integer(), nullable=False),
        sa.Column('months', sa.Integer(), nullable=False),
        sa.Column('income', _MONEY, nullable=False),
        sa.Column('si_hf', _MONEY, nullable=False),
        sa.Column('special', _MONEY, nullable=False),
        sa.Column('other', _MONEY, nullable=False),
        sa.Column('tax_withheld', _MONEY, nullable=False),
        sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_tax_openings_agent_id_agents'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tax_openings')),
        sa.UniqueConstraint('agent_id', 'year', name=op.f('uq_tax_openings_agent_id')),
    )
    op.create_index(op.f('ix_tax_openings_agent_id'), 'tax_openings', ['agent_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_tax_openings_agent_id'), table_name='tax_openings')
    op.drop_table('tax_openings')
    op.drop_index(op.f('ix_tax_deductions_month'), table_name='tax_deductions')
    op.drop_index(op.f('ix_tax_deductions_agent_id'), table_name='tax_deductions')
    op.drop_table('tax_deductions')
    with op.batch_alter_table('agents') as batch:
        for column in ('statutory', 'hf_base', 'si_base', 'bank_account', 'bank_name', 'id_number'):
            batch.drop_column(column)
