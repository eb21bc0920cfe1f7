"""失物招领 — lost and found: an item found on site is registered and held at the desk
until its owner claims it (name, phone and, when checked, the ID number), or disposed of
once the holding period is over (settings ``registers.lost_hold_days``, default 90 days).
Disposing of it earlier needs the supervisor."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.db.models.registers import LostItem, LostStatus
from deskapp.errors import InvalidTransition, PermissionDenied, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_id, mask_phone
from deskapp.services import audit
from deskapp.services.listing import AnySelect, FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.registers.common import (
    DEFAULT_LOST_HOLD_DAYS,
    desk,
    fmt_time,
    get,
    id_number,
    phone,
    text,
    void,
)

OPEN = (LostStatus.HELD,)


def _found_time(value: str | datetime | None, now: datetime) -> datetime:
    """When it was found: empty → now; ``HH:MM`` → today; ``MM-DD HH:MM`` /
    ``YYYY-MM-DD HH:MM`` / ``YYYY-MM-DD``. Not in the future."""
    found: datetime | None
    if isinstance(value, datetime):
        found = value
    else:
        import re
        import unicodedata

        raw = unicodedata.normalize("NFKC", value or "").strip().replace("：", ":")
        found = None
        try:
            if not raw:
                found = now
            elif m := re.fullmatch(r"(\d{1,2}):(\d{2})", raw):
                found = now.replace(hour=int(m[1]), minute=int(m[2]), second=0)
            elif m := re.fullmatch(r"(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?", raw):
                found = datetime(now.year, int(m[1]), int(m[2]), int(m[3] or 0), int(m[4] or 0))
            elif m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?", raw):
                found = datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0))
        except ValueError:
            found = None
        if found is None:
            raise ValidationError("registers.lost.found_at_invalid", field="found_at")
    if found > now:
        raise ValidationError("registers.lost.found_in_future", field="found_at")
    return found


def register_found(session: Session, *, by: Staff, description: str, found_place: str,
                   found_at: str | datetime | None = None, finder: str = "",
                   finder_phone: str = "", storage: str = "",
                   hold_days: int = DEFAULT_LOST_HOLD_DAYS) -> LostItem:
    desk(by)
    now = clock.now()
    description = text(description, field="description", label_key="registers.field.item",
                       max_len=100, required=True)
    found_place = text(found_place, field="found_place", label_key="registers.field.found_place",
                       max_len=60, required=True)
    found = _found_time(found_at, now)
    finder = text(finder, field="finder", label_key="registers.field.finder")
    finder_phone = phone(finder_phone, field="finder_phone")
    storage = text(storage, field="storage", label_key="registers.field.storage", max_len=40)
    if hold_days < 1:
        raise ValidationError("registers.lost.hold_days", field="hold_days")
    assert by.id is not None
    item = LostItem(description=description, found_at=found, found_place=found_place,
                    finder=finder, finder_phone=finder_phone, storage=storage,
                    hold_until=found.date() + timedelta(days=hold_days),
                    status=LostStatus.HELD, registered_at=now, registered_by_id=by.id)
    session.add(item)
    session.flush()
    audit.record(session, by=by, action="lost.register", entity="lost_item", entity_id=item.id,
                 detail={"item": description, "place": found_place, "finder": finder,
                         "phone": mask_phone(finder_phone) if finder_phone else "",
                         "hold_until": item.hold_until.isoformat()})
    return item


def claim(session: Session, *, by: Staff, item_id: int, claimant: str, claimant_phone: str,
          id_no: str = "", id_checked: bool = False) -> LostItem:
    """The owner takes it back: name and phone required; "ID checked" needs the number."""
    desk(by)
    item: LostItem = get(session, LostItem, item_id, missing="registers.lost.not_found")
    if item.status != LostStatus.HELD:
        raise InvalidTransition("registers.lost.not_held",
                                status=t(f"registers.status.{item.status.value}"))
    claimant = text(claimant, field="claimant", label_key="registers.field.claimant",
                    required=True)
    claimant_phone = phone(claimant_phone, field="claimant_phone", required=True)
    id_clean = id_number(id_no, field="id_number")
    if id_checked and id_clean is None:
        raise ValidationError("registers.lost.id_required", field="id_number")
    item.status = LostStatus.CLAIMED
    item.claimed_at = clock.now()
    item.claimant, item.claimant_phone = claimant, claimant_phone
    item.claimant_id_number, item.id_checked = id_clean, bool(id_checked and id_clean)
    item.handed_by_id = by.id
    session.add(item)
    session.flush()
    audit.record(session, by=by, action="lost.claim", entity="lost_item", entity_id=item.id,
                 detail={"claimant": claimant, "phone": mask_phone(claimant_phone),
                         "id": mask_id(id_clean) if id_clean else "",
                         "id_checked": item.id_checked})
    return item


def dispose(session: Session, *, by: Staff, item_id: int, disposal: str,
            today: date | None = None) -> LostItem:
    """Dispose of an unclaimed item (how: handed to the police, donated, discarded …).
    Before the holding period ends only a supervisor may."""
    desk(by)
    item: LostItem = get(session, LostItem, item_id, missing="registers.lost.not_found")
    if item.status != LostStatus.HELD:
        raise InvalidTransition("registers.lost.not_held",
                                status=t(f"registers.status.{item.status.value}"))
    disposal = text(disposal, field="disposal", label_key="registers.field.disposal",
                    max_len=100, required=True)
    today = today or clock.today()
    early = today < item.hold_until
    if early and by.role != Role.SUPERVISOR:
        raise PermissionDenied("registers.lost.too_early", until=item.hold_until.isoformat())
    item.status = LostStatus.DISPOSED
    item.disposed_at = clock.now()
    item.disposal = disposal
    item.disposed_by_id = by.id
    session.add(item)
    session.flush()
    audit.record(session, by=by, action="lost.dispose", entity="lost_item", entity_id=item.id,
                 detail={"how": disposal, "early": early})
    return item


def void_item(session: Session, *, by: Staff, item_id: int, reason: str) -> LostItem:
    item: LostItem = get(session, LostItem, item_id, missing="registers.lost.not_found")
    return void(session, item, by=by, reason=reason, entity="lost_item", open_states=OPEN,
                void_state=LostStatus.VOIDED, label=item.description)


def is_due(item: LostItem, today: date | None = None) -> bool:
    """Held past its holding period: due for disposal."""
    return item.status == LostStatus.HELD and (today or clock.today()) >= item.hold_until


class LostItemSource(SqlListSource):
    columns = [
        ListColumn("found", "registers.col.found_at", 11),
        ListColumn("status", "registers.col.status", 6, fits=("registers.status.",)),
        ListColumn("item", "registers.col.item", 14),
        ListColumn("place", "registers.col.found_place", 10),
        ListColumn("finder", "registers.col.finder", 8),
        ListColumn("storage", "registers.col.storage", 8),
        ListColumn("until", "registers.col.hold_until", 10),
        ListColumn("claimant", "registers.col.claimant", 8),
        ListColumn("phone", "registers.col.phone", 11),
    ]
    model = LostItem
    order_by = (col(LostItem.found_at).desc(), col(LostItem.id).desc())
    search_columns = ("description", "found_place", "storage", "claimant")
    fts_table = "reg_lost_item_fts"

    def __init__(self) -> None:
        self.filters = [
            FilterSpec("status", "registers.col.status", "choice",
                       [(s.value, t(f"registers.status.{s.value}")) for s in LostStatus]),
            FilterSpec("due", "registers.filter.due", "choice",
                       [("1", t("registers.filter.due_only"))]),
            FilterSpec("from", "registers.filter.from", "date_from"),
        ]
        self.filter_columns = {"status": col(LostItem.status), "from": col(LostItem.found_at)}

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "due":
            return (LostItem.status == LostStatus.HELD) & (LostItem.hold_until <= clock.today())
        return super().filter_clause(key, value)

    def select(self) -> AnySelect:
        return select(LostItem)

    def to_row(self, item: LostItem) -> ListRow:
        style = "muted" if item.status == LostStatus.VOIDED else (
            "overdue" if is_due(item) else "")
        return ListRow(item.id or 0, (
            fmt_time(item.found_at), t(f"registers.status.{item.status.value}"),
            item.description, item.found_place, item.finder, item.storage,
            item.hold_until.isoformat(), item.claimant,
            mask_phone(item.claimant_phone) if item.claimant_phone else "",
        ), style)
