"""sites.region: the registry's region of a site, stored beside its name (issue #17)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sites", sa.Column("region", sa.String(length=200), nullable=True))


def downgrade() -> None:
    # Not batch mode: SQLite (3.35+) drops a column in place, where batch mode's copy-and-drop
    # of `sites` fails on an archive whose articles and fetches point at its rows.
    op.execute("ALTER TABLE sites DROP COLUMN region")
