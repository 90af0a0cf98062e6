"""contact records: one per closed or ended queue entry (helpline.console.records)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 20:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('contact_records',
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('entry_id', sa.Integer(), nullable=False),
                    sa.Column('kind', sa.String(length=16), nullable=True),
                    sa.Column('channel', sa.String(length=32), nullable=True),
                    sa.Column('priority', sa.String(length=8), nullable=True),
                    sa.Column('asked_at', sa.Float(), nullable=True),
                    sa.Column('claimed_at', sa.Float(), nullable=True),
                    sa.Column('ended_at', sa.Float(), nullable=False),
                    sa.Column('advisor', sa.String(length=64), nullable=True),
                    sa.Column('ended_how', sa.String(length=16), nullable=False),
                    sa.Column('outcome', sa.String(length=32), nullable=False),
                    sa.Column('notes', sa.Text(), nullable=False),
                    sa.Column('tags', sa.String(length=400), nullable=False),
                    sa.Column('dash', sa.String(length=24), nullable=False),
                    sa.Column('dash_score', sa.Integer(), nullable=False),
                    sa.Column('marac_judgement', sa.Boolean(), nullable=False),
                    sa.Column('marac_referral', sa.Boolean(), nullable=False),
                    sa.Column('safeguarding', sa.Boolean(), nullable=False),
                    sa.Column('dealt_with_by', sa.String(length=64), nullable=True),
                    sa.Column('dealt_with_at', sa.Float(), nullable=True),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('entry_id'))
    op.create_index(op.f('ix_contact_records_ended_at'), 'contact_records', ['ended_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_contact_records_ended_at'), table_name='contact_records')
    op.drop_table('contact_records')
