"""handover read mark (已阅): which supervisor read a handover in the log, and when

Revision ID: reception_003_h14b
Revises: reception_002
Create Date: 2026-12-05 16:23:17
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'reception_003_h14b'
down_revision: str | Sequence[str] | None = 'reception_002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_handover_reviewed_by_staff', 'staff',
                                    ['reviewed_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.drop_constraint('fk_handover_reviewed_by_staff', type_='foreignkey')
        batch_op.drop_column('reviewed_by')
        batch_op.drop_column('reviewed_at')
