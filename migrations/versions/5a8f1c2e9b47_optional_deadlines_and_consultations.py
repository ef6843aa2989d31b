"""Deadlines an act may not set, and consultation requests (issue 14).

Revision ID: 5a8f1c2e9b47
Revises: 7e3a9c2d5b10
Create Date: 2026-11-30 04:10:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.models.types


# revision identifiers, used by Alembic.
revision = '5a8f1c2e9b47'
down_revision = '7e3a9c2d5b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consultation_form', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('consultation_mode', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('subject', sa.String(length=120), nullable=True))
        batch_op.alter_column('assign_due', existing_type=webapp.models.types.UTCDateTime(timezone=True), nullable=True)
        batch_op.alter_column('process_due', existing_type=webapp.models.types.UTCDateTime(timezone=True), nullable=True)


def downgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.alter_column('process_due', existing_type=webapp.models.types.UTCDateTime(timezone=True), nullable=False)
        batch_op.alter_column('assign_due', existing_type=webapp.models.types.UTCDateTime(timezone=True), nullable=False)
        batch_op.drop_column('subject')
        batch_op.drop_column('consultation_mode')
        batch_op.drop_column('consultation_form')
