"""demand counts: anonymous counters by day, area, measure and value (helpline.stats)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 19:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('demand_counts',
                    sa.Column('day', sa.String(length=10), nullable=False),
                    sa.Column('area', sa.String(length=64), nullable=False),
                    sa.Column('measure', sa.String(length=32), nullable=False),
                    sa.Column('value', sa.String(length=80), nullable=False),
                    sa.Column('count', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('day', 'area', 'measure', 'value'))


def downgrade() -> None:
    op.drop_table('demand_counts')
