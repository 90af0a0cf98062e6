"""channel replay keys: what authenticated each webhook request, so it is used once;
delivery ids and replay keys indexed by time, as both are now kept 400 days and pruned

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('channel_replay_keys',
                    sa.Column('key', sa.String(length=64), nullable=False),
                    sa.Column('request', sa.String(length=64), nullable=False),
                    sa.Column('received_at', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('key'))
    op.create_index(op.f('ix_channel_replay_keys_received_at'), 'channel_replay_keys',
                    ['received_at'])
    op.create_index(op.f('ix_channel_deliveries_received_at'), 'channel_deliveries',
                    ['received_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_channel_deliveries_received_at'), table_name='channel_deliveries')
    op.drop_table('channel_replay_keys')
