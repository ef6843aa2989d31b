"""Outbox bodies written at delivery: a new request's mail is queued without its text.

Revision ID: be99bc4afe44
Revises: c3d666799a34
Create Date: 2026-11-22 04:24:46.632435

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'be99bc4afe44'
down_revision = 'c3d666799a34'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('body_text', existing_type=sa.TEXT(), nullable=True)
        batch_op.alter_column('body_html', existing_type=sa.TEXT(), nullable=True)


def downgrade():
    # The older code cannot write a body: it must not find a message without one.
    unwritten = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM outbox_message WHERE body_text IS NULL OR body_html IS NULL"))
    if unwritten:
        raise RuntimeError(
            f"В очереди писем {unwritten} неотправленных писем без текста: сначала отправьте их "
            "(flask --app wsgi outbox send), потом откатывайте схему."
        )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('body_html', existing_type=sa.TEXT(), nullable=False)
        batch_op.alter_column('body_text', existing_type=sa.TEXT(), nullable=False)
