"""钥匙托管 — unit keys the desk holds in trust, and who may collect them.

The owner names the people allowed to collect a unit key (name and phone). When a key of
a unit with such a list is checked out in the keys register, the holder must be on it (or
be a current owner of the unit), and the phone typed must match the one on file. A key
without a list is checked out as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Occupant, OccupantKind, Staff, Unit
from deskapp.db.models.customer import TrustKeyCollector
from deskapp.db.models.registers import KeyCategory, KeyItem
from deskapp.errors import InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services import audit
from deskapp.services.listing import AnySelect, FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.preview import ActionPreview
from deskapp.services.staff import Role, require_role
from deskapp.validators import has_visible, optional_text
from deskapp.validators import phone as any_phone

DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def _item(session: Session, key_item_id: int | None) -> KeyItem:
    if key_item_id is None:
        raise ValidationError("customer.trust.key_required", field="key")
    item = session.get(KeyItem, key_item_id)
    if item is None:
        raise NotFound("registers.key.not_found")
    if item.category != KeyCategory.UNIT:
        raise ValidationError("customer.trust.not_unit_key", field="key", code=item.code)
    return item


def add_collector(session: Session, *, by: Staff, key_item_id: int | None, name: str,
                  phone: str, note: str = "") -> TrustKeyCollector:
    """Authorise someone to collect a unit key (the owner's instruction; name and phone)."""
    require_role(by, *DESK_ROLES)
    item = _item(session, key_item_id)
    name = (name or "").strip()
    if not has_visible(name):
        raise ValidationError("customer.trust.name_required", field="name")
    if len(name) > 50:
        raise ValidationError("customer.name_too_long", field="name")
    if not (phone or "").strip():
        raise ValidationError("customer.trust.phone_required", field="phone")
    phone = any_phone(phone, field="phone")
    note = optional_text(note or "", t("customer.field.note"), 100) or ""
    for c in collectors(session, item.id or 0):
        if c.name == name:
            raise ValidationError("customer.trust.duplicate", field="name", name=name)
    collector = TrustKeyCollector(key_item_id=item.id or 0, name=name, phone=phone, note=note,
                                  created_by=by.id or 0, created_at=clock.now())
    session.add(collector)
    session.flush()
    audit.record(session, by=by, action="trust_key.authorise", entity="cust_trust_collector",
                 entity_id=collector.id,
                 detail={"key": item.code, "name": name, "phone": mask_phone(phone)})
    return collector


def _collector(session: Session, collector_id: int) -> TrustKeyCollector:
    collector = session.get(TrustKeyCollector, collector_id)
    if collector is None:
        raise NotFound("customer.trust.not_found")
    if not collector.active:
        raise InvalidTransition("customer.trust.removed_already", name=collector.name)
    return collector


def remove_preview(session: Session, *, by: Staff, collector_id: int) -> ActionPreview:
    require_role(by, *DESK_ROLES)
    collector = _collector(session, collector_id)
    item = session.get(KeyItem, collector.key_item_id)
    return ActionPreview(t("customer.trust.remove_title"), [
        (t("customer.trust.col.key"), item.code if item else ""),
        (t("customer.trust.col.name"), collector.name),
        (t("customer.trust.col.phone"), mask_phone(collector.phone) if collector.phone else "")])


def remove_collector(session: Session, *, by: Staff, collector_id: int) -> TrustKeyCollector:
    """The owner withdrew the authorisation (kept, inactive, for the audit trail)."""
    require_role(by, *DESK_ROLES)
    collector = _collector(session, collector_id)
    collector.active = False
    session.add(collector)
    item = session.get(KeyItem, collector.key_item_id)
    audit.record(session, by=by, action="trust_key.revoke", entity="cust_trust_collector",
                 entity_id=collector.id,
                 detail={"key": item.code if item else "", "name": collector.name})
    return collector


def collectors(session: Session, key_item_id: int) -> list[TrustKeyCollector]:
    return list(session.execute(select(TrustKeyCollector).where(
        col(TrustKeyCollector.key_item_id) == key_item_id,
        col(TrustKeyCollector.active) == True)  # noqa: E712
        .order_by(col(TrustKeyCollector.id))).scalars())


@dataclass(frozen=True)
class TrustKey:
    item: KeyItem
    unit_code: str
    collectors: list[TrustKeyCollector]


def unit_keys(session: Session, unit_id: int | None = None) -> list[TrustKey]:
    """Unit keys held in trust (one unit's, or all) with their authorised collectors."""
    query = select(KeyItem, col(Unit.code)).outerjoin(Unit, col(Unit.id) == KeyItem.unit_id).where(
        col(KeyItem.category) == KeyCategory.UNIT, col(KeyItem.active) == True)  # noqa: E712
    if unit_id is not None:
        query = query.where(col(KeyItem.unit_id) == unit_id)
    return [TrustKey(item, code or "", collectors(session, item.id or 0))
            for item, code in session.execute(query.order_by(KeyItem.code)).all()]


def check_collector(session: Session, item: KeyItem, holder: str, holder_phone: str) -> None:
    """Called by the keys register before a unit key goes out: refuse anyone who is not
    authorised (when the key has a list), or whose phone does not match."""
    if item.category != KeyCategory.UNIT:
        return
    allowed = collectors(session, item.id or 0)
    if not allowed:
        return
    owners = []
    if item.unit_id is not None:
        owners = list(session.execute(select(Occupant).where(
            col(Occupant.unit_id) == item.unit_id, col(Occupant.active) == True,  # noqa: E712
            col(Occupant.kind).in_((OccupantKind.OWNER, OccupantKind.CO_OWNER)))).scalars())
    people = [(c.name, c.phone) for c in allowed] + [(o.name, o.phone) for o in owners]
    matches = [phone for name, phone in people if name == holder.strip()]
    if not matches:
        raise ValidationError("customer.trust.not_authorised", field="holder", code=item.code,
                              names="、".join(c.name for c in allowed))
    typed = _digits(holder_phone)
    if any(not _digits(p) for p in matches):
        return  # someone of that name has no phone on file (an owner): the name suffices
    if not typed:
        raise ValidationError("customer.trust.phone_needed", field="holder_phone",
                              name=holder.strip())
    if not any(_digits(p) == typed for p in matches):
        raise ValidationError("customer.trust.phone_mismatch", field="holder_phone",
                              name=holder.strip())


class CollectorSource(SqlListSource):
    """Authorised collectors of unit keys (one unit's: the fixed filter ``unit``)."""

    columns = [
        ListColumn("key", "customer.trust.col.key", 14, priority=0),
        ListColumn("unit", "customer.col.unit", 11, priority=1),
        ListColumn("name", "customer.trust.col.name", 10, priority=0),
        ListColumn("phone", "customer.trust.col.phone", 13),
        ListColumn("note", "customer.trust.col.note", 16, min_width=6, priority=2),
    ]
    model = TrustKeyCollector
    order_by = (col(TrustKeyCollector.id).desc(),)
    search_like_columns = (col(TrustKeyCollector.name), col(KeyItem.code), col(Unit.code))
    filters: list[FilterSpec] = []

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "unit":
            return KeyItem.unit_id == int(str(value))
        return super().filter_clause(key, value)

    def select(self) -> AnySelect:
        return (select(TrustKeyCollector, col(KeyItem.code), col(Unit.code))
                .join(KeyItem, col(KeyItem.id) == TrustKeyCollector.key_item_id)
                .outerjoin(Unit, col(Unit.id) == KeyItem.unit_id)
                .where(col(TrustKeyCollector.active) == True))  # noqa: E712

    def to_row(self, item: Any) -> ListRow:
        c: TrustKeyCollector = item[0]
        return ListRow(c.id or 0, (item[1], item[2] or "", c.name,
                                   mask_phone(c.phone) if c.phone else "", c.note))
