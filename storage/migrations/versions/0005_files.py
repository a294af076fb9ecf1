"""files: attachment and image texts and their link to versions (issue #19)

``file_texts`` holds the text read from each distinct stored file (by the body's digest);
``snapshot_files`` says which files a version linked and which fetch got each. The bytes
themselves are ordinary content-addressed bodies (``bodies``), so ``verify`` checks them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "file_texts",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("extractor", sa.String(length=100), nullable=False),
        sa.Column("extracted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["bodies.sha256"], name=op.f("fk_file_texts_sha256_bodies")),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_file_texts")),
    )
    op.create_table(
        "snapshot_files",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("fetch_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["fetch_id"], ["fetches.id"], name=op.f("fk_snapshot_files_fetch_id_fetches")),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshots.id"], name=op.f("fk_snapshot_files_snapshot_id_snapshots")),
        sa.PrimaryKeyConstraint("snapshot_id", "position", name=op.f("pk_snapshot_files")),
    )
    op.create_index(op.f("ix_snapshot_files_fetch_id"), "snapshot_files", ["fetch_id"], unique=False)
    op.create_index(op.f("ix_snapshot_files_sha256"), "snapshot_files", ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_snapshot_files_sha256"), table_name="snapshot_files")
    op.drop_index(op.f("ix_snapshot_files_fetch_id"), table_name="snapshot_files")
    op.drop_table("snapshot_files")
    op.drop_table("file_texts")
