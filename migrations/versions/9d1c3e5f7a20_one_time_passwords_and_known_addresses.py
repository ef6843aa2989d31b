"""Staff accounts: one-time passwords that must be changed and expire; addresses a person used.

Revision ID: 9d1c3e5f7a20
Revises: 4b7e2a91c0d3
Create Date: 2026-11-29 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import webapp.models.types


# revision identifiers, used by Alembic.
revision = '9d1c3e5f7a20'
down_revision = '4b7e2a91c0d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('password_expires_at', webapp.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('known_addresses', sa.String(length=200), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('staff_account', schema=None) as batch_op:
        batch_op.drop_column('known_addresses')
        batch_op.drop_column('password_expires_at')
        batch_op.drop_column('must_change_password')
