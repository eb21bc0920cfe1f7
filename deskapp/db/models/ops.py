"""Operations tables: the request log that makes a business action safe to retry."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from deskapp.db.types import LocalDateTime


class RequestLog(SQLModel, table=True):
    """One row per business action that committed, keyed by the id the desk gave it.

    Written in the action's own transaction (:meth:`deskapp.db.engine.Database.run_write`),
    so the row exists exactly when the action's records do. Running the same request id
    again finds the row and does not repeat the action: a retry after a lost connection, a
    second Ctrl+S, a deadlock victim re-run — each saves once. ``entity`` / ``entity_id``
    name the record the action returned, so a replay can hand back that record.
    """

    __tablename__ = "request_log"
    request_id: str = Field(primary_key=True, max_length=64)
    at: LocalDateTime = Field(index=True)
    entity: str = Field(default="", max_length=60)
    entity_id: int | None = None
