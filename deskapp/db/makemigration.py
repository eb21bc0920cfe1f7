"""Write a new migration for ONE area's models (developer tool).

    python -m deskapp.db.makemigration reception "contacts and work orders"

Compares the tables defined in ``deskapp/db/models/<area>.py`` with a scratch database
upgraded to the current heads, and writes only their differences. Each area's migrations
form their own Alembic branch (label = area) off ``0001_foundation``; the first migration
of an area starts the branch, later ones continue it. ``--depends-on`` names another
area's revision this one needs (e.g. renovation's deposits need the cashier's tables).
"""

from __future__ import annotations

import argparse
import importlib
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from deskapp.db import migrate
from deskapp.db.engine import make_engine


def area_tables(area: str) -> set[str]:
    module = importlib.import_module(f"deskapp.db.models.{area}")
    names = set()
    for obj in vars(module).values():
        table = getattr(obj, "__table__", None)
        if isinstance(obj, type) and issubclass(obj, SQLModel) and table is not None:
            if obj.__module__ == module.__name__:
                names.add(table.name)
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("area")
    parser.add_argument("message")
    parser.add_argument("--depends-on", default=None)
    args = parser.parse_args()
    tables = area_tables(args.area)
    script = ScriptDirectory.from_config(migrate.alembic_config())
    branch_heads = [r for r in script.get_revisions("heads")
                    if r is not None and args.area in (r.branch_labels or set())]
    existing = [r for r in script.walk_revisions() if r.revision.startswith(f"{args.area}_")]
    n = len(existing) + 1
    rev_id = f"{args.area}_{n:03d}"
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.sqlite3'}")
        migrate.upgrade(engine, backup=False)
        cfg = migrate.alembic_config(engine)

        def include(obj: object, name: str | None, type_: str, reflected: bool,
                    compare_to: object) -> bool:
            if type_ == "table":
                return name in tables
            table = getattr(obj, "table", None)
            return table is None or table.name in tables

        cfg.attributes["include_object"] = include
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            if branch_heads:
                command.revision(cfg, message=args.message, autogenerate=True, rev_id=rev_id,
                                 head=f"{args.area}@head", depends_on=args.depends_on)
            else:
                command.revision(cfg, message=args.message, autogenerate=True, rev_id=rev_id,
                                 head="0001_foundation", branch_label=args.area,
                                 depends_on=args.depends_on, splice=True)
    print(f"wrote {rev_id} for tables: {', '.join(sorted(tables))}")


if __name__ == "__main__":
    main()
