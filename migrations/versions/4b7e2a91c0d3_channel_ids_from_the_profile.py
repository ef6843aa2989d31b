"""Channel ids from the profile: a recorded request stores one of the profile's `channels` ids.

Revision ID: 4b7e2a91c0d3
Revises: f05141cfa5db
Create Date: 2026-11-29 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b7e2a91c0d3'
down_revision = 'f05141cfa5db'
branch_labels = None
depends_on = None


def upgrade():
    # A profile id may be up to 40 characters (webapp/school/model.py, Key).
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.alter_column('channel', existing_type=sa.VARCHAR(length=16),
                              type_=sa.String(length=40), existing_nullable=False)


def downgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.alter_column('channel', existing_type=sa.String(length=40),
                              type_=sa.VARCHAR(length=16), existing_nullable=False)
