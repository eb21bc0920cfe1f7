"""The site's move-in checklist (issue #20 part 2): inspection points and documents to sign,\nedited by a supervisor; retired lines are kept."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.db.models.movein import (
    MoveInItem,
    MoveInItemKind,
)
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.services import audit
from deskapp.services.customer.common import text as _text
from deskapp.services.staff import require_role


def checklist(session: Session, *, kind: MoveInItemKind | None = None,
              active_only: bool = True) -> list[MoveInItem]:
    stmt = select(MoveInItem)
    if kind is not None:
        stmt = stmt.where(col(MoveInItem.kind) == kind)
    if active_only:
        stmt = stmt.where(col(MoveInItem.active).is_(True))
    return list(session.execute(stmt.order_by(col(MoveInItem.kind), col(MoveInItem.sort),
                                              col(MoveInItem.id))).scalars())


def add_item(session: Session, *, by: Staff, kind: MoveInItemKind | str,
             name: str) -> MoveInItem:
    """A supervisor adds an inspection point or a document to the site's checklist."""
    require_role(by, Role.SUPERVISOR)
    try:
        kind = MoveInItemKind(kind)
    except ValueError:
        raise ValidationError("movein.item.kind_required", field="item_kind") from None
    name = _text(name, field="item_name", label_key="movein.field.item_name", max_len=50,
                 required=True)
    same = session.execute(select(MoveInItem).where(
        col(MoveInItem.kind) == kind, col(MoveInItem.name) == name)).scalars().first()
    if same is not None and same.active:
        raise Conflict("movein.item.exists", name=name)
    last = session.execute(select(func.max(MoveInItem.sort)).where(
        col(MoveInItem.kind) == kind)).scalar_one()
    if same is not None:  # a retired line comes back rather than a second of the same name
        item = same
        item.active = True
    else:
        item = MoveInItem(kind=kind, name=name, sort=(last or 0) + 10)
    item.updated_by, item.updated_at = by.id, clock.now()
    session.add(item)
    session.flush()
    audit.record(session, by=by, action="movein.item.add", entity="movein_item",
                 entity_id=item.id, detail={"kind": kind.value, "name": name})
    return item


def retire_item(session: Session, *, by: Staff, item_id: int) -> MoveInItem:
    """A supervisor takes a line off the checklist (kept: move-ins made with it keep it)."""
    require_role(by, Role.SUPERVISOR)
    item = session.get(MoveInItem, item_id)
    if item is None:
        raise NotFound("movein.item.not_found")
    if not item.active:
        raise InvalidTransition("movein.item.retired_already", name=item.name)
    item.active = False
    item.updated_by, item.updated_at = by.id, clock.now()
    session.add(item)
    session.flush()
    audit.record(session, by=by, action="movein.item.retire", entity="movein_item",
                 entity_id=item.id, detail={"kind": item.kind.value, "name": item.name})
    return item
