"""channel deliveries record whether their message was taken

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 23:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('channel_deliveries') as batch:
        batch.add_column(sa.Column('done', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('channel_deliveries') as batch:
        batch.drop_column('done')
