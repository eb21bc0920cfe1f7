"""audit_entry is append-only: triggers refuse UPDATE and DELETE (SQLite and PostgreSQL)

Revision ID: ops_002_h15b
Revises: ops_001
Create Date: 2026-12-05 16:10:00

``deskapp audit verify`` checks that both triggers are still there. (The keyed chain and
its head anchors need no schema: see deskapp/services/audit.py.)
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'ops_002_h15b'
down_revision: str | Sequence[str] | None = 'ops_001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MESSAGE = "audit: the audit log is append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_entry_refuse() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$")
        op.execute("CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
                   "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse()")
        op.execute("CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
                   "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse()")
        op.execute("CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse()")
    else:
        for name, what in (("audit_entry_no_update", "UPDATE"),
                           ("audit_entry_no_delete", "DELETE")):
            op.execute(f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {what} ON audit_entry "
                       f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("audit_entry_no_update", "audit_entry_no_delete", "audit_entry_no_truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_refuse()")
    else:
        for name in ("audit_entry_no_update", "audit_entry_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
