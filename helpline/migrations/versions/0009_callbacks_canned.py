"""callbacks you can work (due time, attempts, a web chat's typed number) and canned responses and handover notes
(helpline.advisor_queue, helpline.console.canned)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 21:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('handoff_queue') as batch:
        batch.add_column(sa.Column('callback_due_at', sa.Float(), nullable=True))
        batch.add_column(sa.Column('callback_attempts', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('callback_attempted_at', sa.Float(), nullable=True))
    op.create_table('callback_numbers',
                    sa.Column('conversation_id', sa.String(length=128), nullable=False),
                    sa.Column('number', sa.String(length=20), nullable=False),
                    sa.Column('updated_at', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('conversation_id'))
    op.create_table('canned_responses',
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('title', sa.String(length=60), nullable=False),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('updated_by', sa.String(length=64), nullable=False),
                    sa.Column('updated_at', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_table('handover_notes',
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('author', sa.String(length=64), nullable=False),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('created_at', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index(op.f('ix_handover_notes_created_at'), 'handover_notes', ['created_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_handover_notes_created_at'), table_name='handover_notes')
    op.drop_table('handover_notes')
    op.drop_table('canned_responses')
    op.drop_table('callback_numbers')
    with op.batch_alter_table('handoff_queue') as batch:
        batch.drop_column('callback_attempted_at')
        batch.drop_column('callback_attempts')
        batch.drop_column('callback_due_at')
