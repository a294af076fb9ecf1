"""stored_batches: the writer's batch identities, so that a resent batch is stored once

Issue #15: a storage child killed after COMMIT but before answering had its batch sent again
to its replacement, which stored duplicate fetch rows and miscounted new/unchanged. The writer
now records each batch's key (and what storing it did) in the batch's own transaction.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stored_batches',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('results', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_batches'))
    )
    op.create_index(op.f('ix_stored_batches_run_id'), 'stored_batches', ['run_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_stored_batches_run_id'), table_name='stored_batches')
    op.drop_table('stored_batches')
