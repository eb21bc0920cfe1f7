"""The models and the migrations describe the same schema (issue #18 part 4).

A database upgraded through every migration is compared with ``SQLModel.metadata`` by
Alembic's autogenerate; the difference must be empty. A model change without its migration
(or a migration that drifted from the model) fails here with the operations Alembic would
write. The full-text search tables are created by raw SQL in their migrations
(``services.textsearch.create_fts``: SQLite FTS5 virtual tables and their shadow tables) and
are not models, so they are left out of the comparison.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import deskapp.db.models  # noqa: F401  (every table on SQLModel.metadata)
from deskapp.db import migrate
from deskapp.db.engine import Database, make_engine


def _virtual_tables(engine: Engine) -> set[str]:
    if engine.dialect.name != "sqlite":
        return set()
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND sql LIKE 'CREATE VIRTUAL TABLE%'"))
        return {row[0] for row in rows}


def schema_differences(engine: Engine) -> list[Any]:
    """What autogenerate would write to bring the migrated database to the models."""
    virtual = _virtual_tables(engine)

    def include(obj: Any, name: str | None, type_: str, reflected: bool,
                compare_to: Any) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table is None or not any(table == v or table.startswith(v + "_") for v in virtual)

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_object": include})
        return list(compare_metadata(context, SQLModel.metadata))


def test_sqlite_migrations_match_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    migrate.upgrade(engine, backup=False)
    assert schema_differences(engine) == []
    engine.dispose()


@pytest.mark.pg
def test_postgresql_migrations_match_the_models(pg_db: Database) -> None:
    assert schema_differences(pg_db.engine) == []


def test_a_model_change_without_its_migration_is_caught(tmp_path: Path) -> None:
    """The comparison is not blind: a column the migrations never added shows up."""
    from sqlalchemy import Column, String

    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    migrate.upgrade(engine, backup=False)
    table = SQLModel.metadata.tables["unit"]
    column = Column("not_migrated_yet", String(10))
    table.append_column(column)
    try:
        found = schema_differences(engine)
    finally:
        table._columns.remove(column)  # noqa: SLF001  (undo the test's own change)
    engine.dispose()
    assert [d[0] for d in found] == ["add_column"]
    assert found[0][3].name == "not_migrated_yet"
