"""Clock outcomes kept on record, closing outcomes and duplicates, ratings; monthly report mailings.

Revision ID: c1c6344f7959
Revises: 9d1c3e5f7a20
Create Date: 2026-11-30 00:45:34.276812

"""
from alembic import op
import sqlalchemy as sa

import webapp.models.types


# revision identifiers, used by Alembic.
revision = 'c1c6344f7959'
down_revision = '9d1c3e5f7a20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_mailing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('sent_at', webapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_mailing')),
    sa.UniqueConstraint('month', name=op.f('uq_report_mailing_month'))
    )
    with op.batch_alter_table('history_entry', schema=None) as batch_op:
        batch_op.create_index('ix_history_entry_action_at', ['action', 'at'], unique=False)
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extended_by', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('extended_at', webapp.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('assign_done_at', webapp.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('assign_took', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assign_late', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('take_done_at', webapp.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('take_took', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('take_late', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('process_done_at', webapp.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('process_took', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('process_late', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('missed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('closing_outcome', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rating', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('rating_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('rated_at', webapp.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_support_request_missed_received', ['missed', 'received_at'], unique=False)
        batch_op.create_index('ix_support_request_rating_received', ['rating', 'received_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_support_request_duplicate_of_id_support_request'), 'support_request', ['duplicate_of_id'], ['id'])



def downgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_support_request_duplicate_of_id_support_request'), type_='foreignkey')
        batch_op.drop_index('ix_support_request_rating_received')
        batch_op.drop_index('ix_support_request_missed_received')
        batch_op.drop_column('rated_at')
        batch_op.drop_column('rating_comment')
        batch_op.drop_column('rating')
        batch_op.drop_column('duplicate_of_id')
        batch_op.drop_column('closing_outcome')
        batch_op.drop_column('missed')
        batch_op.drop_column('process_late')
        batch_op.drop_column('process_took')
        batch_op.drop_column('process_done_at')
        batch_op.drop_column('take_late')
        batch_op.drop_column('take_took')
        batch_op.drop_column('take_done_at')
        batch_op.drop_column('assign_late')
        batch_op.drop_column('assign_took')
        batch_op.drop_column('assign_done_at')
        batch_op.drop_column('extended_at')
        batch_op.drop_column('extended_by')

    with op.batch_alter_table('history_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_history_entry_action_at')
    op.drop_table('report_mailing')
