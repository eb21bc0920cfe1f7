"""The renovation deposit (装修押金): its standard, collection, refund conditions and refund; the
charge, receipt and refund are the cashier's (:mod:`deskapp.services.cashier`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Role, Staff, Unit
from deskapp.db.models.renovation import (
    RenovationFiling,
    RenovationInspection,
    RenovationStatus,
)
from deskapp.errors import Conflict
from deskapp.i18n import t
from deskapp.money import chinese_capital, format_fen
from deskapp.services import hooks
from deskapp.services.cashier import fees, payments, refunds
from deskapp.services.preview import ActionPreview
from deskapp.services.renovation.queries import (
    _locked,
    get_filing,
    missing_items,
    outstanding_passes,
)
from deskapp.services.renovation.rules import (
    DEPOSIT_CODE_PREFIX,
    DESK,
    Blocked,
    MissingItem,
    _audit,
    _require_state,
    latest_end,
)
from deskapp.services.staff import require_role

__all__ = [
    "collect_deposit",
    "deposit_standard",
    "refund_blockers",
    "refund_deposit",
]


def deposit_standard(session: Session, unit: Unit) -> tuple[str, int, str]:
    """``(fee code, amount in fen, name)`` of the renovation deposit for this unit's use,
    from the fee standards in force today: kind ``deposit``, code starting with
    :data:`DEPOSIT_CODE_PREFIX`, ``applies_to`` the unit's use, else ``all``. The site
    sets the amounts in ``data/fee-standards.toml``."""
    from deskapp.db.models.cashier import FeeKind, FeeScope

    standards = [s for s in fees.list_standards(session, on=clock.today(),
                                              kinds=[FeeKind.DEPOSIT])
                 if s.code.startswith(DEPOSIT_CODE_PREFIX)]
    for scope in (FeeScope(unit.use.value), FeeScope.ALL):
        for std in sorted(standards, key=lambda s: s.code):
            if std.applies_to == scope:
                return std.code, std.unit_price_fen, std.name
    raise Conflict("renovation.deposit.no_standard")


def collect_deposit(session: Session, *, by: Staff, filing_id: int, request_id: str,
                    tenders: list[Any], payer_name: str = "") -> RenovationFiling:
    """Charge the deposit from the fee standards and take the payment — one cashier
    receipt, the cashier's ledger. Only once the document set is complete and the
    agreement is signed, so money is never taken for a filing that cannot be approved."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "collect_deposit", RenovationStatus.REVIEWED)
    if filing.deposit_receipt_id is not None:
        raise Conflict("renovation.deposit.already_paid", receipt=filing.deposit_receipt_no)
    missing = missing_items(session, filing)
    if missing:
        raise Blocked("renovation.approve.missing", missing)
    if filing.agreement_signed_at is None:
        raise Conflict("renovation.agreement.missing")
    unit = session.get(Unit, filing.unit_id)
    assert unit is not None
    code, amount, name = deposit_standard(session, unit)
    bill = fees.add_charge(session, by=by, unit_id=unit.id, fee_code=code,
                              amount_fen=amount,
                              description=t("renovation.deposit.description", number=filing.number,
                                            name=name),
                              source_kind="renovation", source_id=filing.id)
    receipt = payments.take_payment(session, by=by, request_id=request_id, unit_id=unit.id,
                                   bill_ids=[bill.id], tenders=tenders,
                                   payer_name=payer_name or filing.owner_name)
    filing.deposit_fen = amount
    filing.deposit_fee_code = code
    filing.deposit_bill_id = bill.id
    filing.deposit_receipt_id = receipt.id
    filing.deposit_receipt_no = str(getattr(receipt, "number", "") or receipt.id)
    filing.deposit_paid_at = clock.now()
    session.add(filing)
    _audit(session, by, "deposit.collect", filing, amount_fen=amount,
           receipt=filing.deposit_receipt_no)
    return filing


def refund_blockers(session: Session, filing: RenovationFiling, *, receipt_presented: bool,
                    certificate_presented: bool, owner_signed: bool,
                    today: date | None = None) -> list[MissingItem]:
    """Every refund condition of SPEC §7 that does not hold, each named."""
    today = today or clock.today()
    blockers: list[MissingItem] = []
    if filing.deposit_receipt_id is None:
        blockers.append(MissingItem("deposit", t("renovation.refund.no_deposit")))
    elif filing.deposit_refunded_at is not None:
        blockers.append(MissingItem("refunded", t("renovation.refund.already")))
    latest = session.exec(select(RenovationInspection.passed).where(
        RenovationInspection.filing_id == filing.id)
        .order_by(RenovationInspection.id.desc())).first()
    if not latest:
        blockers.append(MissingItem("inspection", t("renovation.refund.inspection")))
    if filing.lived_in_since is None:
        blockers.append(MissingItem("lived_in", t("renovation.refund.lived_in_unknown")))
    elif latest_end(filing.lived_in_since) > today:
        blockers.append(MissingItem("lived_in", t(
            "renovation.refund.lived_in_short", since=filing.lived_in_since.isoformat(),
            date=latest_end(filing.lived_in_since).isoformat())))
    if filing.downstairs_signed_at is None:
        blockers.append(MissingItem("downstairs", t("renovation.refund.downstairs")))
    out = outstanding_passes(session, filing.id or 0)
    if out:
        blockers.append(MissingItem("passes", t("renovation.refund.passes", n=len(out),
                                                numbers="、".join(p.number for p in out))))
    docs = [m for m in missing_items(session, filing) if m.code != "owner_confirmed"]
    if docs:
        blockers.append(MissingItem("documents", t("renovation.refund.documents",
                                                   items="、".join(m.text for m in docs))))
    if not receipt_presented:
        blockers.append(MissingItem("receipt", t("renovation.refund.receipt")))
    if not certificate_presented:
        blockers.append(MissingItem("certificate", t("renovation.refund.certificate")))
    if not owner_signed:
        blockers.append(MissingItem("owner_signed", t("renovation.refund.owner_signed")))
    return blockers


def refund_deposit(session: Session, *, by: Staff, filing_id: int, request_id: str,
                   receipt_presented: bool, certificate_presented: bool, owner_signed: bool,
                   ) -> RenovationFiling:
    """Refund the whole deposit through the cashier (a supervisor signs the ledger) —
    only when every condition holds; otherwise :class:`RefundBlocked` lists them."""
    require_role(by, Role.SUPERVISOR)
    filing = _locked(session, filing_id)
    blockers = refund_blockers(session, filing, receipt_presented=receipt_presented,
                               certificate_presented=certificate_presented,
                               owner_signed=owner_signed)
    if blockers:
        raise Blocked("renovation.refund.blocked", blockers)
    _require_state(filing, "refund", RenovationStatus.INSPECTED)
    refund = refunds.refund(session, by=by, receipt_id=filing.deposit_receipt_id,
                               amount_fen=filing.deposit_fen,
                               reason=t("renovation.refund.reason", number=filing.number),
                               request_id=request_id,
                               bill_ids=[filing.deposit_bill_id] if filing.deposit_bill_id
                               else None, origin="renovation")
    filing.status = RenovationStatus.REFUNDED
    filing.deposit_refund_id = refund.id
    filing.deposit_refunded_at = clock.now()
    filing.deposit_refunded_by = by.id
    filing.deposit_refunded_fen = filing.deposit_fen
    session.add(filing)
    _audit(session, by, "deposit.refund", filing, amount_fen=filing.deposit_fen,
           owner_signed=True)
    return filing


def refund_preview(session: Session, *, by: Staff, filing_id: int, receipt_presented: bool,
                   certificate_presented: bool, owner_signed: bool) -> ActionPreview:
    """What the deposit refund will do, for the confirmation — refused first exactly as
    :func:`refund_deposit` would refuse."""
    require_role(by, Role.SUPERVISOR)
    filing = get_filing(session, filing_id)
    blockers = refund_blockers(session, filing, receipt_presented=receipt_presented,
                               certificate_presented=certificate_presented,
                               owner_signed=owner_signed)
    if blockers:
        raise Blocked("renovation.refund.blocked", blockers)
    _require_state(filing, "refund", RenovationStatus.INSPECTED)
    return ActionPreview(t("renovation.confirm.refund_title", number=filing.number), [
        (t("renovation.confirm.filing"), filing.number),
        (t("renovation.confirm.unit"), filing.unit_code),
        (t("renovation.confirm.payee"), filing.owner_name),
        (t("renovation.confirm.receipt"), filing.deposit_receipt_no),
        (t("renovation.confirm.amount"), f"{format_fen(filing.deposit_fen)}"
                                         f"（{chinese_capital(filing.deposit_fen)}）"),
        (t("renovation.confirm.effect"), t("renovation.confirm.refund_effect")),
    ])


def deposit_receipt_dependents(session: Session, action: hooks.DocumentAction
                               ) -> list[hooks.DocumentDependent]:
    """A cashier receipt that is a filing's deposit still held (docs/renovation.md):

    * void while the filing is *reviewed* (deposit taken, no permit yet) — the deposit
      was taken by mistake: the void goes on and, in the same transaction, the filing
      forgets the deposit (back to "deposit unpaid") and its deposit bill is cancelled;
    * void once the permit is issued (approved … inspected) — refused: the permit and
      the work rest on that deposit; it goes back only by the deposit refund in F4;
    * refund from the cashier — refused, for the same reason: the deposit refund in F4
      checks the inspection, the lived-in period, the downstairs sign-off … (the F4
      refund itself calls the cashier with ``origin="renovation"``).
    """
    if action.kind != "receipt" or action.origin == "renovation":
        return []
    filing = session.exec(select(RenovationFiling).where(
        RenovationFiling.deposit_receipt_id == action.id,
        RenovationFiling.deposit_refunded_at.is_(None))).first()
    if filing is None:
        return []
    amount = format_fen(filing.deposit_fen)
    if action.action == "void" and filing.status == RenovationStatus.REVIEWED:
        filing_id = filing.id

        def reverse(session: Session, by: Staff) -> None:
            held = _locked(session, filing_id or 0)
            receipt_no, bill_id = held.deposit_receipt_no, held.deposit_bill_id
            held.deposit_fen, held.deposit_fee_code = 0, ""
            held.deposit_bill_id = held.deposit_receipt_id = None
            held.deposit_receipt_no, held.deposit_paid_at = "", None
            session.add(held)
            if bill_id is not None:
                fees.cancel_bill(session, by=by, bill_id=bill_id, reason=t(
                    "renovation.deposit.void_reason", receipt=receipt_no, number=held.number))
            _audit(session, by, "deposit.void", held, receipt=receipt_no)

        return [hooks.DocumentDependent(t("renovation.deposit.void_reverses",
                                          number=filing.number, unit=filing.unit_code,
                                          amount=amount), reverse=reverse)]
    key = ("renovation.deposit.void_refused" if action.action == "void"
           else "renovation.deposit.refund_refused")
    return [hooks.DocumentDependent(t(key, number=filing.number, unit=filing.unit_code,
                                      amount=amount,
                                      status=t(f"renovation.status.{filing.status.value}")),
                                    veto=True)]
