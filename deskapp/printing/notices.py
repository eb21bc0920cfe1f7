"""Payment papers of the cashier (收费): the statement / payment notice of one unit
(缴费通知单 / 对账单: every open bill, the aged arrears, how to pay) and the batch of
reminder notices (催缴通知) for every unit in arrears, one page each in building and unit
order — what the reminder log refers to when it says a notice was delivered.

Notices go to the unit's door: the owner's name prints with the surname only, no phone."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Staff, Unit
from deskapp.errors import Conflict, NotFound
from deskapp.i18n import t
from deskapp.money import chinese_capital, format_fen
from deskapp.printing.documents import Built
from deskapp.printing.pdf import Document, Unmasked
from deskapp.services import site, units
from deskapp.services.cashier import arrears as cashier_arrears
from deskapp.services.cashier import fees as cashier_fees


def _unit(session: Session, ref: int | str) -> Unit:
    if isinstance(ref, int) or str(ref).strip().isdigit():
        found = session.get(Unit, int(ref))
    else:
        found = units.find_unit_by_code(session, str(ref).strip())
    if found is None:
        raise NotFound("print.unit_not_found", unit=str(ref))
    return found


def _salutation(name: str) -> str:
    """``张三`` → ``张先生/女士``: a notice on a door names the household politely, no more."""
    surname = name.strip()[:1]
    return t("print.notice.salutation", surname=surname) if surname else \
        t("print.notice.salutation_plain")


def _owner(session: Session, unit: Unit) -> str:
    assert unit.id is not None
    owner = units.owner_of(session, unit.id)
    if owner is not None:
        return owner.name
    people = units.occupants_of(session, unit.id)
    return people[0].name if people else ""


def _aged_table(doc: Document, row: cashier_arrears.ArrearsRow | None) -> None:
    values = ([row.d0_30_fen, row.d31_90_fen, row.d91_180_fen, row.over_180_fen, row.total_fen]
              if row else [0, 0, 0, 0, 0])
    doc.table([t("print.notice.age.0_30"), t("print.notice.age.31_90"),
               t("print.notice.age.91_180"), t("print.notice.age.over_180"),
               t("print.notice.age.total")],
              [[format_fen(v) for v in values]], align=["right"] * 5)


def _how_to_pay(doc: Document, session: Session) -> None:
    profile = site.get_site(session)
    phone = profile.service_phone if profile else ""
    # The service centre's own number, not a person's: printed as it is.
    doc.paragraph(Unmasked(t("print.notice.how_to_pay", phone=phone or "—")), size=9)


def _unit_page(session: Session, doc: Document, unit: Unit, as_of: date, *,
               reminder: bool) -> int:
    assert unit.id is not None
    bills = cashier_fees.open_bills(session, unit.id)
    aged = cashier_arrears.arrears(session, as_of=as_of, unit_id=unit.id)
    row = aged[0] if aged else None
    owner = _owner(session, unit)
    doc.field_rows([
        (t("print.notice.unit"), unit.code),
        (t("print.notice.to"), _salutation(owner)),
        (t("print.notice.as_of"), f"{as_of:%Y-%m-%d}"),
        (t("print.notice.open_bills"), str(len(bills))),
    ], columns=2)
    if reminder:
        doc.paragraph(t("print.notice.reminder_text", salutation=_salutation(owner),
                        amount=format_fen(row.total_fen if row else 0),
                        since=f"{row.oldest_due:%Y-%m-%d}" if row else "—"))
    doc.heading(t("print.notice.aged"))
    _aged_table(doc, row)
    doc.heading(t("print.notice.items"))
    total = sum(b.amount_fen for b in bills)
    doc.table([t("print.notice.col.item"), t("print.notice.col.period"),
               t("print.notice.col.due"), t("print.notice.col.amount")],
              [[b.description, b.period or "", f"{b.due_date:%Y-%m-%d}", format_fen(b.amount_fen)]
               for b in bills], col_widths=[4, 1.2, 1.4, 1.4],
              align=["left", "center", "center", "right"])
    doc.paragraph(t("print.notice.total", amount=format_fen(total),
                    capital=chinese_capital(total)))
    _how_to_pay(doc, session)
    return total


def build_statement(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``statement``: one unit (by id or room code)."""
    unit = _unit(session, ref)
    today = clock.today()
    profile = site.get_site(session)
    number = f"DZ{today:%Y%m%d}-{unit.code}"
    doc = Document(t("print.statement.title"), subtitle=profile.name if profile else "",
                   copies=[t("print.copy.customer")],
                   number=number,
                   footer=t("print.printed_at", at=clock.now().strftime("%Y-%m-%d %H:%M")))
    _unit_page(session, doc, unit, today, reminder=False)
    doc.stamp_note(t("print.notice.stamp"))
    return Built(number, doc)


def build_arrears_notices(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``arrears-notices``: every unit in arrears
    today (``ref`` = ``all``, a building code, or a minimum number of days overdue such as
    ``90d``), one reminder notice (催缴通知) per page, in building and unit order; or one
    unit's notice (``ref`` = its room code, ``3-1-1201``)."""
    today = clock.today()
    text = str(ref).strip()
    one = _unit(session, ref) if isinstance(ref, int) or "-" in text else None
    if one is not None:
        text = one.code  # one unit's reminder (the one the reminder log records)
        rows = cashier_arrears.arrears(session, as_of=today, unit_id=one.id)
    else:
        building = None if text in ("", "all", "全部") or text.endswith("d") else text
        min_days = int(text[:-1]) if text.endswith("d") and text[:-1].isdigit() else 0
        rows = cashier_arrears.arrears(session, as_of=today, building=building,
                                       min_days=min_days)
    if not rows:
        raise Conflict("print.notice.none")
    rows.sort(key=lambda r: (r.building, r.unit_code))
    profile = site.get_site(session)
    number = f"CJ{today:%Y%m%d}-{text or 'all'}"
    doc = Document(t("print.reminder.title"), subtitle=profile.name if profile else "",
                   copies=[t("print.copy.customer")],
                   number=number)
    for index, row in enumerate(rows):
        if index:
            doc.page_break()
        unit = session.get(Unit, row.unit_id)
        assert unit is not None
        _unit_page(session, doc, unit, today, reminder=True)
        doc.stamp_note(t("print.notice.stamp"))
    return Built(number, doc)
