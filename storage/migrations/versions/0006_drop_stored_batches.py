"""drop stored_batches: nothing read it since the writer became a thread

Migration 0003 recorded each batch's identity so that a batch resent to a replacement writer
*process* after its predecessor died past COMMIT was stored once. The writer is a thread of the
crawl since issue #21: nothing resends a batch, every lookup found nothing, and the rows (one
per batch, with its results) were written only to be deleted when the run finished (issue #18).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index(op.f('ix_stored_batches_run_id'), table_name='stored_batches')
    op.drop_table('stored_batches')


def downgrade() -> None:  # as 0003 made it (empty: its rows were only ever of unfinished runs)
    op.create_table('stored_batches',
                    sa.Column('key', sa.String(length=80), nullable=False),
                    sa.Column('run_id', sa.Integer(), nullable=True),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('results', sa.JSON(), nullable=False),
                    sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_batches')))
    op.create_index(op.f('ix_stored_batches_run_id'), 'stored_batches', ['run_id'], unique=False)
