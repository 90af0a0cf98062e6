"""handoff typing flags and console profiles (advisor first names)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 19:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('handoff_typing',
                    sa.Column('conversation_id', sa.String(length=128), nullable=False),
                    sa.Column('who', sa.String(length=8), nullable=False),
                    sa.Column('at', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('conversation_id', 'who'))
    op.create_table('console_profiles',
                    sa.Column('username', sa.String(length=64), nullable=False),
                    sa.Column('first_name', sa.String(length=30), nullable=False),
                    sa.Column('updated_at', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('username'))


def downgrade() -> None:
    op.drop_table('console_profiles')
    op.drop_table('handoff_typing')
