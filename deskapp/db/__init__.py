"""Database layer: the engine factory, models and migrations."""

from deskapp.db.engine import Database, make_engine

__all__ = ["Database", "make_engine"]
