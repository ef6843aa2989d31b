"""Outbox messages written at delivery: a new request's mail is queued without its words.

Revision ID: f05141cfa5db
Revises: c3d666799a34
Create Date: 2026-11-22 04:54:47.756407

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f05141cfa5db'
down_revision = 'c3d666799a34'
branch_labels = None
depends_on = None

COLUMNS = (("subject", sa.VARCHAR(length=300)), ("body_text", sa.TEXT()), ("body_html", sa.TEXT()))


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.alter_column(name, existing_type=type_, nullable=True)


def downgrade():
    # The older code cannot write a message: it must not find one without its words.
    unwritten = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM outbox_message"
        " WHERE subject IS NULL OR body_text IS NULL OR body_html IS NULL"))
    if unwritten:
        raise RuntimeError(
            f"В очереди {unwritten} несоставленных писем: сначала отправьте их "
            "(flask --app wsgi outbox send), потом откатывайте схему."
        )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        for name, type_ in reversed(COLUMNS):
            batch_op.alter_column(name, existing_type=type_, nullable=False)
