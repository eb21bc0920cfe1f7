"""Renovation commands on the filing: create, edit, documents, owner confirmation, review,
approval, work, extension, completion, inspection, close and cancel. Every action is
audited.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Staff
from deskapp.db.models.renovation import (
    RenovationDocument,
    RenovationExtension,
    RenovationFiling,
    RenovationInspection,
    RenovationPassMark,
    RenovationStatus,
    TaxStatus,
)
from deskapp.errors import Conflict, InvalidTransition, ValidationError
from deskapp.i18n import t
from deskapp.services import numbering
from deskapp.services.preview import ActionPreview
from deskapp.services.renovation.queries import (
    _locked,
    get_filing,
    missing_items,
    outstanding_passes,
)
from deskapp.services.renovation.rules import (
    ACTIVE_STATES,
    CANCELLABLE_STATES,
    DESK,
    DOCUMENTS,
    EDITABLE_STATES,
    MAX_MONTHS,
    WORKING_STATES,
    Blocked,
    FilingInput,
    MissingItem,
    _audit,
    _date,
    _require_state,
    _text,
    _validated,
    latest_end,
    validate_period,
)
from deskapp.services.staff import require_role

__all__ = [
    "apply_completion",
    "cancel",
    "close",
    "confirm_with_owner",
    "create_filing",
    "extend",
    "inspect",
    "mark_document",
    "record_downstairs_signoff",
    "record_lived_in",
    "review",
    "set_tax_status",
    "sign_agreement",
    "start_work",
    "submit",
    "update_filing",
    "approve",
]


# --------------------------------------------------------------------------------------
# Filing
# --------------------------------------------------------------------------------------


def create_filing(session: Session, *, by: Staff, data: FilingInput) -> RenovationFiling:
    """Register a filing (draft) from the form; numbered ``ZX<year>-<n>`` gap-free."""
    require_role(by, *DESK)
    values = _validated(session, data)
    now = clock.now()
    n = numbering.next_value(session, f"renovation:{now.year}")
    filing = RenovationFiling(number=f"ZX{now.year}-{n:04d}", created_at=now,
                              created_by=by.id, original_end=values["permit_end"], **values)
    session.add(filing)
    session.flush()
    _audit(session, by, "create", filing, unit=filing.unit_code,
           kind=filing.work_kind.value, period=f"{filing.permit_start}~{filing.permit_end}")
    return filing


def update_filing(session: Session, *, by: Staff, filing_id: int,
                  data: FilingInput) -> RenovationFiling:
    """Correct the form while it is a draft (after submission it is the record)."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "edit", *EDITABLE_STATES)
    values = _validated(session, data)
    changed = {k: v for k, v in values.items() if getattr(filing, k) != v}
    for key, value in values.items():
        setattr(filing, key, value)
    filing.original_end = filing.permit_end
    session.add(filing)
    session.flush()
    _audit(session, by, "update", filing, fields=sorted(changed))
    return filing


def mark_document(session: Session, *, by: Staff, filing_id: int, code: str,
                  received: bool = True, note: str = "") -> RenovationFiling:
    """Tick (or untick, while still a draft/submitted) a checklist document."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    if code not in DOCUMENTS:
        raise ValidationError("renovation.doc.unknown", field="code", code=code)
    if received:
        _require_state(filing, "documents", RenovationStatus.DRAFT, RenovationStatus.SUBMITTED,
                       RenovationStatus.REVIEWED, *ACTIVE_STATES, RenovationStatus.INSPECTED)
    else:
        _require_state(filing, "documents", RenovationStatus.DRAFT, RenovationStatus.SUBMITTED)
    existing = session.exec(select(RenovationDocument).where(
        RenovationDocument.filing_id == filing.id, RenovationDocument.code == code)).first()
    if received and existing is None:
        session.add(RenovationDocument(filing_id=filing.id, code=code, received_at=clock.now(),
                                       received_by=by.id, note=note.strip()[:200]))
    elif not received and existing is not None:
        session.delete(existing)
    session.flush()
    _audit(session, by, "document", filing, code=code, received=received)
    return filing


def confirm_with_owner(session: Session, *, by: Staff, filing_id: int,
                       note: str) -> RenovationFiling:
    """A non-owner's filing: the owner's written consent was confirmed with the owner
    (与业主确认) — how (phone call, in person) goes in ``note``."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    if filing.applicant_is_owner:
        raise Conflict("renovation.owner.is_applicant")
    _require_state(filing, "confirm_owner", RenovationStatus.DRAFT, RenovationStatus.SUBMITTED,
                   RenovationStatus.REVIEWED)
    filing.owner_confirm_note = _text(note, "owner_confirm_note", 200)
    filing.owner_confirmed_at = clock.now()
    filing.owner_confirmed_by = by.id
    session.add(filing)
    _audit(session, by, "confirm_owner", filing)
    return filing


# --------------------------------------------------------------------------------------
# Workflow
# --------------------------------------------------------------------------------------


def submit(session: Session, *, by: Staff, filing_id: int) -> RenovationFiling:
    """The desk has checked the form and hands it to the renovation officer."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "submit", RenovationStatus.DRAFT)
    filing.status = RenovationStatus.SUBMITTED
    filing.submitted_at, filing.submitted_by = clock.now(), by.id
    session.add(filing)
    _audit(session, by, "submit", filing)
    return filing


def review(session: Session, *, by: Staff, filing_id: int, officer: str, accepted: bool,
           note: str = "") -> RenovationFiling:
    """The renovation officer's review (装修负责人审核), recorded by the desk. Accepted →
    reviewed (the owner is notified); not accepted → back to draft with the reason."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "review", RenovationStatus.SUBMITTED)
    filing.review_officer = _text(officer, "review_officer")
    filing.review_note = _text(note, "review_note", 500, required=not accepted)
    filing.reviewed_at, filing.reviewed_by = clock.now(), by.id
    filing.status = RenovationStatus.REVIEWED if accepted else RenovationStatus.DRAFT
    session.add(filing)
    _audit(session, by, "review", filing, accepted=accepted, officer=filing.review_officer)
    return filing


def sign_agreement(session: Session, *, by: Staff, filing_id: int) -> RenovationFiling:
    """Owner, contractor and centre signed the service agreement in triplicate."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "sign_agreement", RenovationStatus.REVIEWED)
    if filing.agreement_signed_at is not None:
        raise Conflict("renovation.agreement.already")
    filing.agreement_signed_at, filing.agreement_signed_by = clock.now(), by.id
    session.add(filing)
    _audit(session, by, "agreement", filing)
    return filing


def approve(session: Session, *, by: Staff, filing_id: int) -> RenovationFiling:
    """Issue the permit: refused while a document is missing, the owner is not confirmed,
    the agreement is unsigned or the deposit unpaid (each named)."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "approve", RenovationStatus.REVIEWED)
    missing = missing_items(session, filing)
    if filing.agreement_signed_at is None:
        missing.append(MissingItem("agreement", t("renovation.missing.agreement")))
    if filing.deposit_receipt_id is None:
        missing.append(MissingItem("deposit", t("renovation.missing.deposit")))
    if missing:
        raise Blocked("renovation.approve.missing", missing)
    validate_period(filing.permit_start, filing.permit_end)
    filing.status = RenovationStatus.APPROVED
    filing.approved_at, filing.approved_by = clock.now(), by.id
    session.add(filing)
    _audit(session, by, "approve", filing, period=f"{filing.permit_start}~{filing.permit_end}")
    return filing


def record_certificate_print(session: Session, *, by: Staff,
                             filing_id: int) -> RenovationFiling:
    """The rules of printing the registration certificate (装修备案登记证): who may, in which
    states; counts the copy handed over. The paper itself is made by the documents service
    (kind ``certificate``)."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "print", *ACTIVE_STATES, RenovationStatus.INSPECTED)
    filing.certificate_prints += 1
    filing.certificate_printed_at = clock.now()
    session.add(filing)
    _audit(session, by, "certificate.print", filing, copy=filing.certificate_prints)
    return filing


def start_work(session: Session, *, by: Staff, filing_id: int) -> RenovationFiling:
    """Work begins: the certificate has been printed and handed over."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "start", RenovationStatus.APPROVED)
    if filing.certificate_prints == 0:
        raise Conflict("renovation.start.no_certificate")
    filing.status = RenovationStatus.IN_PROGRESS
    filing.started_at = clock.now()
    session.add(filing)
    _audit(session, by, "start", filing)
    return filing


def extend(session: Session, *, by: Staff, filing_id: int, new_end: date | str,
           reason: str = "") -> RenovationExtension:
    """Extend the permit to ``new_end`` (at most 3 months from the current end); every
    pass still out is marked "延期至 new_end" and stays valid until then."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "extend", *WORKING_STATES)
    end = _date(new_end, "new_end")
    if end <= filing.permit_end:
        raise ValidationError("renovation.extend.not_later", field="new_end",
                              end=filing.permit_end.isoformat())
    limit = latest_end(filing.permit_end)
    if end > limit:
        raise ValidationError("renovation.extend.too_long", field="new_end", months=MAX_MONTHS,
                              latest=limit.isoformat())
    seq = len(session.exec(select(RenovationExtension.id).where(
        RenovationExtension.filing_id == filing.id)).all()) + 1
    ext = RenovationExtension(filing_id=filing.id, seq=seq, old_end=filing.permit_end,
                              new_end=end, reason=_text(reason, "reason", 200, required=False),
                              at=clock.now(), by=by.id)
    session.add(ext)
    session.flush()
    moved = []
    for issued in outstanding_passes(session, filing.id or 0):
        issued.valid_until = end
        session.add(issued)
        session.add(RenovationPassMark(pass_id=issued.id, extension_id=ext.id))
        moved.append(issued.number)
    filing.permit_end = end
    session.add(filing)
    session.flush()
    _audit(session, by, "extend", filing, old_end=ext.old_end, new_end=end, passes=moved)
    return ext


def apply_completion(session: Session, *, by: Staff, filing_id: int) -> RenovationFiling:
    """Work finished: the owner applies for the completion inspection (装修核查)."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "apply_completion", RenovationStatus.IN_PROGRESS)
    filing.status = RenovationStatus.COMPLETION_APPLIED
    filing.completion_applied_at = clock.now()
    session.add(filing)
    _audit(session, by, "completion", filing)
    return filing


def inspect(session: Session, *, by: Staff, filing_id: int, passed: bool, inspector: str,
            notes: str = "") -> RenovationInspection:
    """Record the inspection. Passed → inspected; failed (notes required: what to put
    right) → back to in progress, to apply again once fixed."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "inspect", RenovationStatus.COMPLETION_APPLIED)
    record = RenovationInspection(
        filing_id=filing.id, passed=passed, inspector=_text(inspector, "inspector"),
        notes=_text(notes, "inspection_notes", 500, required=not passed),
        at=clock.now(), by=by.id)
    session.add(record)
    if passed:
        filing.status = RenovationStatus.INSPECTED
    else:
        filing.status = RenovationStatus.IN_PROGRESS
        filing.completion_applied_at = None
    session.add(filing)
    session.flush()
    _audit(session, by, "inspect", filing, passed=passed, inspector=record.inspector)
    return record


def record_lived_in(session: Session, *, by: Staff, filing_id: int,
                    since: date | str) -> RenovationFiling:
    """The date the owner moved in after the renovation (the refund waits 3 months)."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "lived_in", *ACTIVE_STATES, RenovationStatus.INSPECTED)
    day = _date(since, "lived_in_since")
    if day > clock.today():
        raise ValidationError("renovation.lived_in.future", field="lived_in_since")
    if day < filing.permit_start:
        raise ValidationError("renovation.lived_in.before_start", field="lived_in_since",
                              start=filing.permit_start.isoformat())
    filing.lived_in_since = day
    session.add(filing)
    _audit(session, by, "lived_in", filing, since=day)
    return filing


def record_downstairs_signoff(session: Session, *, by: Staff, filing_id: int,
                              name: str) -> RenovationFiling:
    """The downstairs owner signed that the renovation did them no harm (楼下业主签字认可)."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "downstairs", RenovationStatus.IN_PROGRESS,
                   RenovationStatus.COMPLETION_APPLIED, RenovationStatus.INSPECTED)
    filing.downstairs_name = _text(name, "downstairs_name")
    filing.downstairs_signed_at, filing.downstairs_signed_by = clock.now(), by.id
    session.add(filing)
    _audit(session, by, "downstairs", filing)
    return filing


def set_tax_status(session: Session, *, by: Staff, filing_id: int,
                   status: TaxStatus | str) -> RenovationFiling:
    """The tax status (交税情况) shown in the archive index."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    if filing.status == RenovationStatus.CANCELLED:
        raise InvalidTransition("renovation.transition.refused",
                                action=t("renovation.action.tax"),
                                status=t("renovation.status.cancelled"))
    try:
        filing.tax_status = TaxStatus(status)
    except ValueError:
        raise ValidationError("renovation.tax.invalid", field="tax_status") from None
    session.add(filing)
    _audit(session, by, "tax", filing, tax=filing.tax_status.value)
    return filing


def cancel_preview(session: Session, *, by: Staff, filing_id: int, reason: str
                   ) -> ActionPreview:
    """What cancelling the filing will do, for the confirmation (refused as
    :func:`cancel` would)."""
    require_role(by, *DESK)
    filing = get_filing(session, filing_id)
    _require_state(filing, "cancel", *CANCELLABLE_STATES)
    if filing.deposit_receipt_id is not None:
        raise Conflict("renovation.cancel.deposit_paid")
    reason = _text(reason, "cancel_reason", 200)
    return ActionPreview(t("renovation.confirm.cancel_title", number=filing.number), [
        (t("renovation.confirm.filing"), filing.number),
        (t("renovation.confirm.unit"), filing.unit_code),
        (t("renovation.confirm.owner"), filing.owner_name),
        (t("renovation.confirm.status"), t(f"renovation.status.{filing.status.value}")),
        (t("renovation.confirm.reason"), reason),
        (t("renovation.confirm.effect"), t("renovation.confirm.cancel_effect")),
    ])


def close(session: Session, *, by: Staff, filing_id: int) -> RenovationFiling:
    """Archive the filing once the deposit is back (or none was taken)."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    if filing.status == RenovationStatus.INSPECTED and filing.deposit_receipt_id is not None:
        raise Conflict("renovation.close.deposit_held")
    _require_state(filing, "close", RenovationStatus.REFUNDED, RenovationStatus.INSPECTED)
    out = outstanding_passes(session, filing.id or 0)
    if out:
        raise Conflict("renovation.close.passes_out", n=len(out))
    filing.status = RenovationStatus.CLOSED
    filing.closed_at, filing.closed_by = clock.now(), by.id
    session.add(filing)
    _audit(session, by, "close", filing)
    return filing


def cancel(session: Session, *, by: Staff, filing_id: int, reason: str) -> RenovationFiling:
    """Withdraw a filing before approval (kept, with who, when and why)."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "cancel", *CANCELLABLE_STATES)
    if filing.deposit_receipt_id is not None:
        raise Conflict("renovation.cancel.deposit_paid")
    filing.cancel_reason = _text(reason, "cancel_reason", 200)
    filing.status = RenovationStatus.CANCELLED
    filing.cancelled_at, filing.cancelled_by = clock.now(), by.id
    session.add(filing)
    _audit(session, by, "cancel", filing, reason=filing.cancel_reason)
    return filing
