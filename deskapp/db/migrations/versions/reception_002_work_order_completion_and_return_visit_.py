"""work order completion and return-visit indexes

Revision ID: reception_002
Revises: reception_001
Create Date: 2026-11-30 08:54:15.395532
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'reception_002'
down_revision: str | Sequence[str] | None = 'reception_001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain CREATE INDEX (no batch mode): the table and its FTS triggers stay as they are.
    op.create_index('ix_work_order_completed', 'work_order', ['completed_at'], unique=False)
    op.create_index('ix_work_order_visited', 'work_order', ['visited_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_work_order_visited', table_name='work_order')
    op.drop_index('ix_work_order_completed', table_name='work_order')
