"""Least privilege on PostgreSQL: the login role the desks connect with.

The schema belongs to the owner role that runs ``deskapp db upgrade`` (migrations); the
desks connect as a separate login role made by ``deskapp db grant --role NAME``. That role:

* may not change the schema: it owns nothing and gets no CREATE on the schema, and only a
  table's owner may ALTER or DROP it (or its triggers);
* may never UPDATE or DELETE issued documents or the audit log: ``audit_entry``,
  receipts' lines and tenders, refunds and their lines get SELECT and INSERT only; a
  receipt may only have its void columns set (column-level UPDATE) and a daily close only
  its supervisor's sign-off; the cashier triggers of ``cashier_001`` refuse the rest on
  top of this;
* may DELETE only from the few tables the desk really deletes from (:data:`DELETES`);
* gets SELECT, INSERT and UPDATE on every other table and the sequences of the ids.

Run it again after every ``deskapp db upgrade`` so that new tables get their grants.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, inspect, text

# Table → the columns the desk may still UPDATE (empty: none). Issued documents and the log.
PROTECTED: dict[str, tuple[str, ...]] = {
    "audit_entry": (),
    "receipt": ("voided", "void_reason", "voided_at", "voided_by"),
    "receipt_line": (),
    "receipt_tender": (),
    "refund": (),
    "refund_line": (),
    "daily_close": ("status", "signed_by", "signed_at", "signoff_note"),
}
# The only tables the services delete rows from (grep ``session.delete`` / ``delete(``):
# a login's failure count, a renovation document ticked off again, the reference data
# reloaded by a supervisor.
DELETES = frozenset({"login_throttle", "renovation_document", "reference_entry"})
# Tables only the owner writes (migrations).
READ_ONLY = frozenset({"alembic_version"})

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def valid_role(name: str) -> bool:
    return bool(_NAME.match(name))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_statements(role: str, tables: list[str], *, database: str,
                     password: str | None = None, create: bool = True) -> list[str]:
    """The SQL that makes ``role`` a desk login on ``database`` with least privilege over
    ``tables`` (all of the public schema). Idempotent: it revokes first, then grants."""
    if not valid_role(role):
        raise ValueError(role)
    r = _quote(role)
    sql: list[str] = []
    if create:
        secret = "" if password is None else " PASSWORD " + "'" + password.replace("'", "''") + "'"
        sql.append(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            f"'{role}') THEN CREATE ROLE {r} LOGIN; END IF; END $$")
        sql.append(f"ALTER ROLE {r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                   f"NOBYPASSRLS{secret}")
    sql += [
        f"GRANT CONNECT ON DATABASE {_quote(database)} TO {r}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"REVOKE ALL ON SCHEMA public FROM {r}",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
    ]
    for table in sorted(tables):
        t = _quote(table)
        if table in READ_ONLY:
            sql.append(f"GRANT SELECT ON {t} TO {r}")
        elif table in PROTECTED:
            sql.append(f"GRANT SELECT, INSERT ON {t} TO {r}")
            columns = PROTECTED[table]
            if columns:
                sql.append(f"GRANT UPDATE ({', '.join(_quote(c) for c in columns)}) ON {t} TO {r}")
        else:
            rights = "SELECT, INSERT, UPDATE" + (", DELETE" if table in DELETES else "")
            sql.append(f"GRANT {rights} ON {t} TO {r}")
    return sql


def public_tables(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names(schema="public"))


def apply_grants(engine: Engine, role: str, *, password: str | None = None) -> list[str]:
    """Run :func:`grant_statements` as the connected (owner) role; returns the SQL run."""
    if engine.dialect.name != "postgresql":
        raise RuntimeError("PostgreSQL only")
    database = engine.url.database or ""
    sql = grant_statements(role, public_tables(engine), database=database, password=password)
    with engine.begin() as conn:
        for statement in sql:
            conn.execute(text(statement))
    return sql
