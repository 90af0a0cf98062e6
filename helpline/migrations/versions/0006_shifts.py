"""advisor shifts, missed requests, line state; last seen and closing notice on queue entries

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 20:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('advisor_shifts',
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('username', sa.String(length=64), nullable=False),
                    sa.Column('started_at', sa.Float(), nullable=False),
                    sa.Column('ended_at', sa.Float(), nullable=True),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index(op.f('ix_advisor_shifts_username'), 'advisor_shifts', ['username'])
    op.create_index(op.f('ix_advisor_shifts_ended_at'), 'advisor_shifts', ['ended_at'])
    op.create_table('handoff_missed',
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('at', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index(op.f('ix_handoff_missed_at'), 'handoff_missed', ['at'])
    op.create_table('handoff_line',
                    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('is_open', sa.Integer(), nullable=False),
                    sa.Column('since', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('handoff_queue') as batch:
        batch.add_column(sa.Column('last_seen_at', sa.Float(), nullable=True))
        batch.add_column(sa.Column('closing_told_at', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('handoff_queue') as batch:
        batch.drop_column('closing_told_at')
        batch.drop_column('last_seen_at')
    op.drop_table('handoff_line')
    op.drop_index(op.f('ix_handoff_missed_at'), table_name='handoff_missed')
    op.drop_table('handoff_missed')
    op.drop_index(op.f('ix_advisor_shifts_ended_at'), table_name='advisor_shifts')
    op.drop_index(op.f('ix_advisor_shifts_username'), table_name='advisor_shifts')
    op.drop_table('advisor_shifts')
