"""users, their roles and the months' sign-offs (docs/pay-rules.md §10)

The app password of part one becomes the password of a user named ``admin`` (the same scrypt
hash, so the same password signs in), with the roles the one person of that branch used:
admin, clerk and approver; the branch is marked as a one-person branch (the same person may
calculate and approve). A database without an app password gets no user and keeps working
as before.

Revision ID: 0005
Revises: 0007
Create Date: 2026-12-04 17:20:00.000000
"""
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATED_ADMIN = 'admin'
MIGRATED_ROLES = ('admin', 'approver', 'clerk')


def upgrade() -> None:
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('name', name=op.f('uq_users_name'))
    )
    op.create_table('user_roles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )
    op.create_table('signoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('user_name', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signoffs'))
    )
    with op.batch_alter_table('signoffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signoffs_month'), ['month'], unique=False)
    # A plain ADD COLUMN with a default: no copy of the table is needed.
    op.add_column('month_status', sa.Column('calculated_by', sa.String(length=64), nullable=False, server_default=''))
    _migrate_app_password()


def _migrate_app_password() -> None:
    bind = op.get_bind()
    settings = sa.table('settings', sa.column('key', sa.String), sa.column('value', sa.Text))
    stored = bind.execute(sa.select(settings.c.value).where(settings.c.key == 'app_password_hash')).scalar()
    if not stored or not stored.strip():
        return
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('password_hash', sa.String), sa.column('failed_attempts', sa.Integer),
                     sa.column('active', sa.Boolean), sa.column('created_at', sa.DateTime))
    roles = sa.table('user_roles', sa.column('user_id', sa.Integer), sa.column('role', sa.String))
    bind.execute(users.insert().values(name=MIGRATED_ADMIN, password_hash=stored.strip(), failed_attempts=0,
                                       active=True, created_at=datetime.now().replace(microsecond=0)))
    user_id = bind.execute(sa.select(users.c.id).where(users.c.name == MIGRATED_ADMIN)).scalar_one()
    bind.execute(roles.insert(), [{'user_id': user_id, 'role': r} for r in MIGRATED_ROLES])
    bind.execute(settings.delete().where(settings.c.key.in_(('app_password_hash', 'signoff_same_person'))))
    bind.execute(settings.insert().values(key='signoff_same_person', value='1'))
    audit = sa.table('audit_log', sa.column('at', sa.DateTime), sa.column('user', sa.String),
                     sa.column('action', sa.String), sa.column('entity', sa.String),
                     sa.column('entity_key', sa.String), sa.column('before', sa.Text),
                     sa.column('after', sa.Text), sa.column('reason', sa.Text))
    bind.execute(audit.insert().values(
        at=datetime.now().replace(microsecond=0), user='', action='user.migrate', entity='user',
        entity_key=MIGRATED_ADMIN, before='app password', after='admin, approver, clerk',
        reason='the app password became the password of user admin'))


def downgrade() -> None:
    with op.batch_alter_table('month_status', schema=None) as batch_op:
        batch_op.drop_column('calculated_by')
    with op.batch_alter_table('signoffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signoffs_month'))
    op.drop_table('signoffs')
    op.drop_table('user_roles')
    op.drop_table('users')
