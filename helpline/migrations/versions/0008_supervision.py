"""supervisors' whispers and changes of hands on held conversations (helpline.advisor_queue)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 21:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('handoff_whispers',
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('entry_id', sa.Integer(), nullable=False),
                    sa.Column('conversation_id', sa.String(length=128), nullable=False),
                    sa.Column('kind', sa.String(length=16), nullable=False),
                    sa.Column('author', sa.String(length=64), nullable=False),
                    sa.Column('to_advisor', sa.String(length=64), nullable=True),
                    sa.Column('text', sa.String(length=500), nullable=True),
                    sa.Column('at', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index(op.f('ix_handoff_whispers_entry_id'), 'handoff_whispers', ['entry_id'])
    op.create_index(op.f('ix_handoff_whispers_conversation_id'), 'handoff_whispers',
                    ['conversation_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_handoff_whispers_conversation_id'), table_name='handoff_whispers')
    op.drop_index(op.f('ix_handoff_whispers_entry_id'), table_name='handoff_whispers')
    op.drop_table('handoff_whispers')
