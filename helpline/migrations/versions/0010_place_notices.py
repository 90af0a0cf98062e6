"""place notices: the place a waiting person was last told, and when (helpline.advisor_queue,
helpline.console.shifts)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 23:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('handoff_queue') as batch:
        batch.add_column(sa.Column('place_told', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('place_told_at', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('handoff_queue') as batch:
        batch.drop_column('place_told_at')
        batch.drop_column('place_told')
