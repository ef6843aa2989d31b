"""When the background jobs last ran (outbox worker, mailbox fetch), for /app/health and doctor.

Revision ID: 7e3a9c2d5b10
Revises: 48f6b52c516e
Create Date: 2026-11-30 01:10:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.models.types


# revision identifiers, used by Alembic.
revision = '7e3a9c2d5b10'
down_revision = '48f6b52c516e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_mark',
    sa.Column('job', sa.String(length=40), nullable=False),
    sa.Column('ran_at', webapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('job', name=op.f('pk_job_mark'))
    )


def downgrade():
    op.drop_table('job_mark')
