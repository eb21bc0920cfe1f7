"""one-character search index beside every trigram FTS table (1–2 character searches)

Revision ID: ops_002_h17
Revises: ops_002_h15b
Create Date: 2026-12-05 16:20:00

Issue #17: every trigram FTS5 table ``<name>`` gets ``<name>_chars`` (see
:func:`deskapp.services.textsearch.create_chars_index`). The tables are found in the
schema, so this works whichever area branches ran before it; an area whose FTS table is
created later gets its ``_chars`` index from ``create_fts`` itself. SQLite only.
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from deskapp.services.textsearch import CHARS_SUFFIX, create_chars_index

revision: str = 'ops_002_h17'
down_revision: str | Sequence[str] | None = 'ops_002_h15b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DEF = re.compile(r"fts5\((?P<cols>[^']*?),\s*content='(?P<src>\w+)',\s*"
                  r"content_rowid='(?P<rowid>\w+)',\s*tokenize='trigram'")


def _trigram_tables() -> list[tuple[str, str, list[str], str]]:
    rows = op.get_bind().execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%fts5(%'"))
    found = []
    for name, sql in rows:
        m = _DEF.search(sql or "")
        if m and not name.endswith(CHARS_SUFFIX):
            cols = [c.strip() for c in m["cols"].split(",")]
            found.append((name, m["src"], cols, m["rowid"]))
    return found


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for fts, src, cols, rowid in _trigram_tables():
        create_chars_index(op, table=src, fts_table=fts, columns=cols, id_column=rowid)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for fts, _src, _cols, _rowid in _trigram_tables():
        # drop only the _chars index: drop_fts would drop the trigram table too
        chars = fts + CHARS_SUFFIX
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {chars}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {chars}")


