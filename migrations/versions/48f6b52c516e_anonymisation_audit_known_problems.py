"""Personal data kept only as long as promised (anonymised requests, the audit log of access);
known problems that many requests are linked to.

Revision ID: 48f6b52c516e
Revises: c1c6344f7959
Create Date: 2026-11-30 00:53:21.764462

"""
from alembic import op
import sqlalchemy as sa

import webapp.models.types


# revision identifiers, used by Alembic.
revision = '48f6b52c516e'
down_revision = 'c1c6344f7959'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', webapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('staff_id', sa.String(length=40), nullable=False),
    sa.Column('page', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('detail', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=45), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entry_request_at', ['request_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_entry_staff_at', ['staff_id', 'at'], unique=False)

    op.create_table('known_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('public_text', sa.Text(), nullable=False),
    sa.Column('request_types', sa.String(length=400), nullable=False),
    sa.Column('platform', sa.String(length=40), nullable=True),
    sa.Column('started_at', webapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expected_at', webapp.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('declared_by', sa.String(length=40), nullable=False),
    sa.Column('declared_at', webapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', webapp.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=40), nullable=True),
    sa.Column('resolution_text', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_known_problem'))
    )
    with op.batch_alter_table('known_problem', schema=None) as batch_op:
        batch_op.create_index('ix_known_problem_resolved_started', ['resolved_at', 'started_at'], unique=False)

    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('known_problem_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', webapp.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('anonymised_reason', sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f('ix_support_request_known_problem_id'), ['known_problem_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_support_request_known_problem_id_known_problem'), 'known_problem', ['known_problem_id'], ['id'])


def downgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_support_request_known_problem_id_known_problem'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_support_request_known_problem_id'))
        batch_op.drop_column('anonymised_reason')
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('known_problem_id')

    with op.batch_alter_table('known_problem', schema=None) as batch_op:
        batch_op.drop_index('ix_known_problem_resolved_started')

    op.drop_table('known_problem')

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_staff_at')
        batch_op.drop_index('ix_audit_entry_request_at')
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
