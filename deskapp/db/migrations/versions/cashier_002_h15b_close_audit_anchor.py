"""daily close records the audit log's head (an anchor outside the audit table)

Revision ID: cashier_002_h15b
Revises: cashier_001
Create Date: 2026-12-05 16:20:00

Plain ADD COLUMN (no batch re-creation): the daily_close triggers stay in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'cashier_002_h15b'
down_revision: str | Sequence[str] | None = 'cashier_001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('daily_close', sa.Column('audit_seq', sa.Integer(), nullable=True))
    op.add_column('daily_close', sa.Column('audit_hash', sa.String(length=64), nullable=False,
                                           server_default=''))


def downgrade() -> None:
    op.drop_column('daily_close', 'audit_hash')
    op.drop_column('daily_close', 'audit_seq')
