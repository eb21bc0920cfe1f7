"""门禁卡 / 梯控卡 — access and lift cards of the people in the customer file.

- :func:`issue` gives a current occupant a card (access, lift or both); a number is unique
  among active cards.
- :func:`cancel` ends a card (returned, lost, moved out …) with the reason; kept, never
  deleted.
- :func:`replace` ends a lost or damaged card and issues its replacement in ONE
  transaction, the old card first (a lost card never works beside its replacement), and
  puts the replacement fee (fee standard ``SV-CARD``, 门禁卡补办) on the unit as a bill
  the cashier collects; a supervisor may waive the fee with a reason.
- A move-out or a sale in the customer file cancels the leavers' cards with it (the
  dialog says which). Cards still active after their holder left some other way are
  flagged on the unit everywhere and listed in the handover until they are cancelled.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Occupant, OccupantKind, Staff, Unit
from deskapp.db.models.cards import AccessCard, CardEndReason, CardKind, CardStatus
from deskapp.db.models.cashier import Bill
from deskapp.errors import InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.money import format_fen
from deskapp.services import audit
from deskapp.services.cashier import fees
from deskapp.services.hooks import HandoverContext, OpenItem, RecordRef, UnitFlag
from deskapp.services.listing import AnySelect, FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.preview import ActionPreview
from deskapp.services.staff import Role, require_role
from deskapp.services.staff import names as staff_names
from deskapp.validators import optional_text

DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST)
FEE_CODE = "SV-CARD"  # 门禁卡补办 in the fee standards
REPLACE_REASONS = (CardEndReason.LOST, CardEndReason.DAMAGED)
_NUMBER = re.compile(r"[0-9A-Z]{4,20}")


def kind_label(kind: CardKind | str) -> str:
    return t(f"cards.kind.{CardKind(kind).value}")


def reason_label(reason: CardEndReason | str) -> str:
    return t(f"cards.reason.{CardEndReason(reason).value}")


def kind_options() -> list[tuple[str, str]]:
    return [(k.value, f"cards.kind.{k.value}") for k in CardKind]


def reason_options(*, replacing: bool = False) -> list[tuple[str, str]]:
    reasons = REPLACE_REASONS if replacing else tuple(CardEndReason)
    return [(r.value, f"cards.reason.{r.value}") for r in reasons]


def clean_number(value: str | None, *, field: str = "number") -> str:
    """A card number as printed on the card: 4–20 digits or letters (full-width and
    lower case accepted, spaces and dashes ignored)."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    text = re.sub(r"[\s\-]", "", text)
    if not text:
        raise ValidationError("cards.number_required", field=field)
    if not _NUMBER.fullmatch(text):
        raise ValidationError("cards.number_invalid", field=field, text=(value or "").strip())
    return text


def _kind(value: CardKind | str | None) -> CardKind:
    try:
        return CardKind(value or "")
    except ValueError:
        raise ValidationError("cards.kind_required", field="kind") from None


def _reason(value: CardEndReason | str | None, *, replacing: bool = False) -> CardEndReason:
    try:
        reason = CardEndReason(value or "")
    except ValueError:
        raise ValidationError("cards.reason_required", field="reason") from None
    if replacing and reason not in REPLACE_REASONS:
        raise ValidationError("cards.reason_not_replace", field="reason",
                              reason=reason_label(reason))
    return reason


def _note(value: str | None, *, field: str, max_len: int) -> str:
    try:
        return optional_text(value or "", t("cards.field.note"), max_len) or ""
    except ValidationError as err:
        raise ValidationError(err.key, field=field, **err.params) from None


def _card(session: Session, card_id: int) -> AccessCard:
    card = session.get(AccessCard, card_id)
    if card is None:
        raise NotFound("cards.not_found")
    return card


def _active(session: Session, card_id: int) -> AccessCard:
    card = _card(session, card_id)
    if card.status != CardStatus.ACTIVE:
        raise InvalidTransition("cards.ended_already", number=card.number)
    return card


def _holder(session: Session, occupant_id: int | None) -> Occupant:
    if occupant_id is None:
        raise ValidationError("cards.holder_required", field="occupant")
    occ = session.get(Occupant, occupant_id)
    if occ is None:
        raise NotFound("customer.occupant_not_found")
    if not occ.active or occ.moved_out is not None:
        raise ValidationError("cards.holder_moved_out", field="occupant", name=occ.name)
    return occ


def _number_free(session: Session, number: str, *, field: str = "number") -> None:
    row = session.execute(
        select(col(AccessCard.id), col(Unit.code)).join(Unit, col(Unit.id) == AccessCard.unit_id)
        .where(col(AccessCard.number) == number, col(AccessCard.status) == CardStatus.ACTIVE)).first()
    if row is not None:
        raise ValidationError("cards.number_in_use", field=field, number=number, unit=row[1])


def _unit_code(session: Session, unit_id: int) -> str:
    unit = session.get(Unit, unit_id)
    return unit.code if unit else ""


def _new_card(session: Session, *, by: Staff, holder: Occupant, kind: CardKind, number: str,
              note: str, replaces: AccessCard | None = None) -> AccessCard:
    card = AccessCard(number=number, kind=kind, unit_id=holder.unit_id,
                      occupant_id=holder.id or 0, note=note, issued_at=clock.now(),
                      issued_by=by.id or 0, replaces_id=replaces.id if replaces else None)
    session.add(card)
    session.flush()
    return card


def issue(session: Session, *, by: Staff, occupant_id: int | None, kind: CardKind | str,
          number: str, note: str = "") -> AccessCard:
    """Give a current occupant a card. The number must not be on another active card."""
    require_role(by, *DESK_ROLES)
    holder = _holder(session, occupant_id)
    kind = _kind(kind)
    number = clean_number(number)
    note = _note(note, field="note", max_len=100)
    _number_free(session, number)
    card = _new_card(session, by=by, holder=holder, kind=kind, number=number, note=note)
    audit.record(session, by=by, action="card.issue", entity="cust_card", entity_id=card.id,
                 detail={"number": number, "kind": kind.value,
                         "unit": _unit_code(session, holder.unit_id), "holder": holder.name})
    return card


def _end(session: Session, card: AccessCard, *, by: Staff, reason: CardEndReason,
         note: str) -> None:
    card.status = CardStatus.CANCELLED
    card.ended_at = clock.now()
    card.ended_by = by.id
    card.end_reason = reason
    card.end_note = note
    session.add(card)
    session.flush()  # the old number is free before a replacement takes it


def _cancel_checks(session: Session, *, by: Staff, card_id: int, reason: CardEndReason | str,
                   note: str) -> tuple[AccessCard, CardEndReason, str]:
    require_role(by, *DESK_ROLES)
    card = _active(session, card_id)
    why = _reason(reason)
    note = _note(note, field="end_note", max_len=200)
    if why == CardEndReason.OTHER and not note:
        raise ValidationError("cards.note_required", field="end_note")
    return card, why, note


def cancel_preview(session: Session, *, by: Staff, card_id: int,
                   reason: CardEndReason | str, note: str = "") -> ActionPreview:
    card, why, note = _cancel_checks(session, by=by, card_id=card_id, reason=reason, note=note)
    return ActionPreview(t("cards.cancel.title"), [
        *_card_lines(session, card),
        (t("cards.field.reason"), reason_label(why) + (f"（{note}）" if note else ""))],
        notes=[t("cards.cancel.note")])


def cancel(session: Session, *, by: Staff, card_id: int, reason: CardEndReason | str,
           note: str = "") -> AccessCard:
    """End a card (returned, lost, moved out …). Kept with who, when and why."""
    card, why, note = _cancel_checks(session, by=by, card_id=card_id, reason=reason, note=note)
    _end(session, card, by=by, reason=why, note=note)
    audit.record(session, by=by, action="card.cancel", entity="cust_card", entity_id=card.id,
                 detail={"number": card.number, "reason": why.value, "note": note,
                         "unit": _unit_code(session, card.unit_id)})
    return card


@dataclass(frozen=True)
class Replacement:
    old: AccessCard
    new: AccessCard
    bill: Bill | None
    fee_fen: int


def _replace_checks(session: Session, *, by: Staff, card_id: int, new_number: str,
                    reason: CardEndReason | str, waive_reason: str
                    ) -> tuple[AccessCard, Occupant, str, CardEndReason, str, int]:
    require_role(by, *DESK_ROLES)
    old = _active(session, card_id)
    holder = _holder(session, old.occupant_id)
    why = _reason(reason, replacing=True)
    number = clean_number(new_number, field="new_number")
    if number == old.number:
        raise ValidationError("cards.same_number", field="new_number")
    _number_free(session, number, field="new_number")
    waive = _note(waive_reason, field="waive_reason", max_len=200)
    if waive and by.role != Role.SUPERVISOR:
        raise ValidationError("cards.waive_supervisor", field="waive_reason")
    fee = 0 if waive else fees.standard_for(session, FEE_CODE, clock.today()).unit_price_fen
    return old, holder, number, why, waive, fee


def replace_preview(session: Session, *, by: Staff, card_id: int, new_number: str,
                    reason: CardEndReason | str, waive_reason: str = "") -> ActionPreview:
    old, holder, number, why, waive, fee = _replace_checks(
        session, by=by, card_id=card_id, new_number=new_number, reason=reason,
        waive_reason=waive_reason)
    return ActionPreview(t("cards.replace.title"), [
        *_card_lines(session, old),
        (t("cards.field.reason"), reason_label(why)),
        (t("cards.replace.new"), number),
        (t("cards.replace.fee"), t("cards.replace.waived", reason=waive) if waive
         else format_fen(fee))],
        notes=[t("cards.replace.note_order", old=old.number, new=number)]
        + ([] if waive else [t("cards.replace.note_fee", amount=format_fen(fee))]))


def replace(session: Session, *, by: Staff, card_id: int, new_number: str,
            reason: CardEndReason | str, waive_reason: str = "") -> Replacement:
    """Cancel a lost or damaged card, then issue its replacement to the same holder and
    charge the fee (a bill on the unit), all in the caller's one transaction."""
    old, holder, number, why, waive, fee = _replace_checks(
        session, by=by, card_id=card_id, new_number=new_number, reason=reason,
        waive_reason=waive_reason)
    _end(session, old, by=by, reason=why, note=t("cards.replace.by", number=number))
    new = _new_card(session, by=by, holder=holder, kind=old.kind, number=number,
                    note=old.note, replaces=old)
    bill = None
    if fee:
        bill = fees.add_charge(session, by=by, unit_id=old.unit_id, fee_code=FEE_CODE,
                               amount_fen=fee, source_kind="card", source_id=new.id,
                               description=t("cards.replace.bill", old=old.number,
                                             new=number))
        new.fee_bill_id = bill.id
        session.add(new)
    audit.record(session, by=by, action="card.replace", entity="cust_card", entity_id=new.id,
                 detail={"old": old.number, "new": number, "reason": why.value,
                         "unit": _unit_code(session, old.unit_id), "holder": holder.name,
                         "fee_fen": fee, "bill": bill.id if bill else None,
                         "waived": waive})
    return Replacement(old, new, bill, fee)


def _card_lines(session: Session, card: AccessCard) -> list[tuple[str, str]]:
    occ = session.get(Occupant, card.occupant_id)
    return [(t("cards.col.number"), card.number),
            (t("cards.col.kind"), kind_label(card.kind)),
            (t("customer.col.unit"), _unit_code(session, card.unit_id)),
            (t("cards.col.holder"), occ.name if occ else "")]


def held_by(session: Session, occupant_ids: list[int]) -> list[AccessCard]:
    """The active cards of these people."""
    if not occupant_ids:
        return []
    return list(session.execute(select(AccessCard).where(
        col(AccessCard.occupant_id).in_(occupant_ids),
        col(AccessCard.status) == CardStatus.ACTIVE).order_by(col(AccessCard.id))).scalars())


def leaver_note(session: Session, people: list[Occupant]) -> str | None:
    """For the move-out and sale dialogs: the cards that will be cancelled with them."""
    held = held_by(session, [p.id for p in people if p.id is not None])
    if not held:
        return None
    names = {p.id: p.name for p in people}
    return t("cards.leaver_note", cards="、".join(
        f"{names.get(c.occupant_id, '')} {c.number}" for c in held))


def end_for_leavers(session: Session, *, by: Staff, people: list[Occupant]) -> list[AccessCard]:
    """Cancel the active cards of people moving out (a move-out or a sale), in the
    caller's transaction, each audited with the reason 迁出."""
    held = held_by(session, [p.id for p in people if p.id is not None])
    for card in held:
        _end(session, card, by=by, reason=CardEndReason.MOVED_OUT, note="")
        audit.record(session, by=by, action="card.cancel", entity="cust_card",
                     entity_id=card.id,
                     detail={"number": card.number, "reason": CardEndReason.MOVED_OUT.value,
                             "note": "", "unit": _unit_code(session, card.unit_id)})
    return held


def history(session: Session, card_id: int) -> list[str]:
    """One card's story, a line each: issued (by whom, which card it replaced, the fee
    bill), ended (when, why, by whom) — translated, for the card screen's Enter."""
    card = _card(session, card_id)
    occ = session.get(Occupant, card.occupant_id)
    names = staff_names(session, card.issued_by, card.ended_by)
    lines = [t("cards.history.issued", number=card.number, kind=kind_label(card.kind),
               holder=occ.name if occ else "", at=card.issued_at.strftime("%Y-%m-%d %H:%M"),
               by=names.get(card.issued_by, ""))]
    if card.replaces_id is not None:
        old = session.get(AccessCard, card.replaces_id)
        lines.append(t("cards.history.replaces", number=old.number if old else ""))
    if card.fee_bill_id is not None:
        bill = session.get(Bill, card.fee_bill_id)
        if bill is not None:
            lines.append(t("cards.history.fee", amount=format_fen(bill.amount_fen),
                           status=t(f"cards.bill.{bill.status.value}")))
    if card.ended_at is not None and card.end_reason is not None:
        lines.append(t("cards.history.ended", at=card.ended_at.strftime("%Y-%m-%d %H:%M"),
                       reason=reason_label(card.end_reason), note=card.end_note,
                       by=names.get(card.ended_by or 0, "")))
    return lines


# --------------------------------------------------------------------------------------
# Reading: a unit's cards, the flags and the handover
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardView:
    id: int
    number: str
    kind: CardKind
    holder: str
    holder_id: int
    holder_gone: bool
    issued_at: datetime


def unit_cards(session: Session, unit_id: int) -> list[CardView]:
    """The unit's active cards with their holders (holders who moved out marked)."""
    rows = session.execute(
        select(AccessCard, col(Occupant.name), col(Occupant.active), col(Occupant.moved_out))
        .join(Occupant, col(Occupant.id) == AccessCard.occupant_id)
        .where(col(AccessCard.unit_id) == unit_id, col(AccessCard.status) == CardStatus.ACTIVE)
        .order_by(col(AccessCard.issued_at))).all()
    return [CardView(c.id or 0, c.number, c.kind, name, c.occupant_id,
                     not active or moved_out is not None, c.issued_at)
            for c, name, active, moved_out in rows]


def holders(session: Session, unit_id: int) -> list[tuple[str, str]]:
    """The unit's current people as ``(occupant id, label)`` choices for a new card."""
    rows = session.execute(
        select(col(Occupant.id), col(Occupant.name), col(Occupant.kind))
        .where(col(Occupant.unit_id) == unit_id, col(Occupant.active) == True,  # noqa: E712
               col(Occupant.moved_out).is_(None))
        .order_by(col(Occupant.id))).all()
    return [(str(i), f"{name}（{t('occupant.' + OccupantKind(kind).value)}）")
            for i, name, kind in rows]


def _gone_holders(session: Session, unit_ids: list[int] | None = None) -> AnySelect:
    query = (select(col(AccessCard.unit_id), col(Unit.code), col(Occupant.name),
                    func.count(col(AccessCard.id)), func.min(col(AccessCard.issued_at)))
             .join(Occupant, col(Occupant.id) == AccessCard.occupant_id)
             .join(Unit, col(Unit.id) == AccessCard.unit_id)
             .where(col(AccessCard.status) == CardStatus.ACTIVE,
                    (col(Occupant.active) == False) | col(Occupant.moved_out).is_not(None)))  # noqa: E712
    if unit_ids is not None:
        query = query.where(col(AccessCard.unit_id).in_(unit_ids))
    return query.group_by(col(AccessCard.unit_id), col(Unit.code), col(Occupant.name))


def moved_out_flags(session: Session, unit_ids: list[int]) -> dict[int, list[UnitFlag]]:
    """Warn on a unit whose former occupant still holds active cards."""
    flags: dict[int, list[UnitFlag]] = {}
    for unit_id, _code, name, n, _since in session.execute(_gone_holders(session, unit_ids)):
        flags.setdefault(int(unit_id), []).append(
            UnitFlag("warning", t("cards.flag.moved_out", name=name, n=n)))
    return flags


def open_card_items(session: Session, ctx: HandoverContext) -> list[OpenItem]:
    """Cards still active after their holder moved out: in the handover until cancelled."""
    return [OpenItem("cards.section", t("cards.open.moved_out", unit=code, name=name, n=n),
                     RecordRef("unit_card", int(unit_id)), since, True)
            for unit_id, code, name, n, since in session.execute(_gone_holders(session))]


@dataclass(frozen=True)
class CardsMonth:
    issued: int
    replaced: int
    cancelled: int
    active: int


def monthly_summary(session: Session, *, year: int, month: int) -> CardsMonth:
    """Cards issued new, replaced and cancelled (not by a replacement) in the month, and
    active at its end."""
    start, end = clock.month_range(year, month)

    def count(*where: Any) -> int:
        return int(session.execute(select(func.count(col(AccessCard.id))).where(*where))
                   .scalar_one())

    issued_in = (AccessCard.issued_at >= start, col(AccessCard.issued_at) < end)
    successor = aliased(AccessCard)
    replaced_by = select(col(successor.id)).where(col(successor.replaces_id) == AccessCard.id).exists()
    return CardsMonth(
        issued=count(*issued_in, col(AccessCard.replaces_id).is_(None)),
        replaced=count(*issued_in, col(AccessCard.replaces_id).is_not(None)),
        cancelled=count(col(AccessCard.ended_at) >= start, col(AccessCard.ended_at) < end,
                        ~replaced_by),
        active=count(AccessCard.issued_at < end,
                     col(AccessCard.ended_at).is_(None) | (col(AccessCard.ended_at) >= end)),
    )


# --------------------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------------------


class CardSource(SqlListSource):
    """Cards, active first (the fixed filter ``unit`` shows one unit's)."""

    columns = [
        ListColumn("number", "cards.col.number", 12, priority=0),
        ListColumn("kind", "cards.col.kind", 8, priority=1, fits=("cards.kind.",)),
        ListColumn("unit", "customer.col.unit", 11, priority=1),
        ListColumn("holder", "cards.col.holder", 10, priority=0),
        ListColumn("status", "cards.col.status", 6, priority=0, fits=("cards.status.",)),
        ListColumn("issued", "cards.col.issued", 10, priority=2),
        ListColumn("note", "cards.col.note", 28, min_width=6, priority=3),
    ]
    model = AccessCard
    order_by = (col(AccessCard.status).asc(), col(AccessCard.id).desc())
    search_like_columns = (col(AccessCard.number), col(Occupant.name), col(Unit.code))
    def __init__(self) -> None:
        self.filters = [FilterSpec("status", "cards.col.status", "choice",
                                   [(s.value, t(f"cards.status.{s.value}")) for s in CardStatus])]
        self.filter_columns = {"status": col(AccessCard.status)}

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "unit":
            return col(AccessCard.unit_id) == int(str(value))
        return super().filter_clause(key, value)

    def select(self) -> AnySelect:
        return (select(AccessCard, col(Unit.code), col(Occupant.name))
                .join(Unit, col(Unit.id) == AccessCard.unit_id)
                .join(Occupant, col(Occupant.id) == AccessCard.occupant_id))

    def to_row(self, item: Any) -> ListRow:
        c: AccessCard = item[0]
        active = c.status == CardStatus.ACTIVE
        if active:
            note = c.note
        else:
            why = reason_label(c.end_reason) if c.end_reason else ""
            note = " ".join(x for x in (why, c.end_note) if x)
        return ListRow(c.id or 0, (c.number, kind_label(c.kind), item[1], item[2],
                                   t(f"cards.status.{c.status.value}"),
                                   c.issued_at.strftime("%Y-%m-%d"), note),
                       "" if active else "muted")

