"""Renovation management (装修管理): filing, document checklist, permit and its states,
workers and temporary passes, extensions, completion inspection and the deposit.

The rules, after the service plan's section 五 (SPEC §7):

* **Checklist** (:func:`required_documents`): what must be collected follows from the kind
  of work and the answers on the form. General work: licence, qualification, drawings and
  plan, the lead's ID copy and photo. Simple work (floor, paint, wallpaper) may omit the
  qualification and the drawings — the licence is still collected (the plan's own words:
  "可不提供装修单位承建资格证书及施工图纸"). A supplier's free service needs only the
  workers' items. Whatever the kind: each worker's ID copy and photo, the fire authority's
  approval for hot work, the owner's written consent for a non-owner applicant, the
  owner's pledge when the original waterproofing is broken. A contractor that cannot
  supply its licence or (for general work) qualification → the owner signs the renovation
  statement (装修声明) instead. Changing water/electric lines → the line drawing (not asked
  of a supplier's free service).
* **Period**: calendar months with ``dateutil.relativedelta``. The end date is the last
  day of work, **inclusive**; the latest end is ``start + 3 months`` (clamped to the month's
  end: 2026-11-30 → 2027-02-28, 2027-11-30 → 2028-02-29, 2027-01-31 → 2027-04-30). One
  day more is refused. An extension moves the end by at most 3 months from the current end
  (2027-02-28 → at most 2027-05-28), and every pass still out moves with it.
* **States**: draft → submitted → reviewed → approved → in_progress → completion_applied
  → inspected → refunded → closed; a failed inspection returns to in_progress; a review
  may return the filing to draft; draft/submitted/reviewed may be cancelled.
  Approval needs the full document set, the owner's confirmation for a non-owner, the
  agreement signed in triplicate and the deposit paid.
* **Deposit**: the amount comes from the fee standards (kind ``deposit``); the charge, the
  receipt and the refund are the cashier's (:mod:`deskapp.services.cashier.cashier`). The refund
  needs every condition of :func:`refund_blockers`; otherwise it is refused with the list.

Every function takes the caller's session (one business action, one transaction) and
``by``; every action is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Building, Occupant, OccupantKind, Role, Staff, Unit
from deskapp.db.models.renovation import (
    PassStatus,
    RenovationDocument,
    RenovationExtension,
    RenovationFiling,
    RenovationInspection,
    RenovationPass,
    RenovationPassMark,
    RenovationStatus,
    RenovationWorker,
    TaxStatus,
    WorkKind,
)
from deskapp.errors import Conflict, DeskError, InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.money import chinese_capital, format_fen
from deskapp.services import audit, hooks, numbering
from deskapp.services.preview import ActionPreview
from deskapp.services.staff import require_role
from deskapp.validators import credit_code, required_text, resident_id
from deskapp.validators import phone as any_phone

__all__ = [
    "ACTIVE_STATES",
    "DESK",
    "DOCUMENTS",
    "EXPIRING_DAYS",
    "MAX_MONTHS",
    "FilingInput",
    "MissingItem",
    "Blocked",
    "RenovationMonth",
    "add_worker",
    "apply_completion",
    "cancel",
    "close",
    "collect_deposit",
    "confirm_with_owner",
    "create_filing",
    "deposit_held_total",
    "deposit_standard",
    "extend",
    "get_filing",
    "inspect",
    "issue_pass",
    "latest_end",
    "mark_document",
    "missing_items",
    "monthly_summary",
    "outstanding_passes",
    "record_downstairs_signoff",
    "record_lived_in",
    "refund_blockers",
    "refund_deposit",
    "remove_worker",
    "required_documents",
    "return_pass",
    "review",
    "set_tax_status",
    "sign_agreement",
    "start_work",
    "submit",
    "update_filing",
    "approve",
    "validate_period",
    "view_counts",
]

MAX_MONTHS = 3
#: Fee standards of kind "deposit" whose code starts so are renovation deposits.
DEPOSIT_CODE_PREFIX = "DP-RENO"
WORKER_PASS_PREFIX = "SG"  # 施工; visitors' passes are FK… (访客)
EXPIRING_DAYS = 7
DESK = (Role.RECEPTIONIST, Role.SPECIALIST)

#: Work under a permit: the "active" list.
ACTIVE_STATES = (RenovationStatus.APPROVED, RenovationStatus.IN_PROGRESS,
                 RenovationStatus.COMPLETION_APPLIED)
#: States in which the permit may run out while work goes on ("expired and still open").
WORKING_STATES = (RenovationStatus.APPROVED, RenovationStatus.IN_PROGRESS)
EDITABLE_STATES = (RenovationStatus.DRAFT,)
CANCELLABLE_STATES = (RenovationStatus.DRAFT, RenovationStatus.SUBMITTED,
                      RenovationStatus.REVIEWED)
#: Checklist documents that can be received before the filing is closed.
DOCUMENTS = ("licence", "qualification", "drawings", "line_drawing", "lead_id",
             "lead_photo", "fire_approval", "owner_consent", "statement", "owner_pledge")


# --------------------------------------------------------------------------------------
# Pure rules: period and checklist
# --------------------------------------------------------------------------------------


def latest_end(start: date, months: int = MAX_MONTHS) -> date:
    """The last allowed (inclusive) day of a period starting ``start``: calendar months,
    clamped to the end of a shorter month (30 Nov + 3 months = 28/29 Feb)."""
    return start + relativedelta(months=months)


def validate_period(start: date, end: date) -> None:
    """Refuse an end before the start or after :func:`latest_end`."""
    if end < start:
        raise ValidationError("renovation.period.end_before_start", field="permit_end")
    limit = latest_end(start)
    if end > limit:
        raise ValidationError("renovation.period.too_long", field="permit_end",
                              months=MAX_MONTHS, latest=limit.isoformat())


def required_documents(*, work_kind: WorkKind, applicant_is_owner: bool,
                       contractor_has_licence: bool, contractor_has_qualification: bool,
                       hot_work: bool, breaks_waterproofing: bool,
                       changes_lines: bool) -> list[str]:
    """The checklist documents (codes of :data:`DOCUMENTS`, in form order) a filing with
    these answers must collect. The workers' ID copies and photos are per worker and come
    on top (see :func:`missing_items`)."""
    kind = WorkKind(work_kind)
    docs: list[str] = []
    if kind != WorkKind.SUPPLIER:
        if contractor_has_licence:
            docs.append("licence")
        if kind == WorkKind.GENERAL:
            if contractor_has_qualification:
                docs.append("qualification")
            docs.append("drawings")
        if changes_lines:
            docs.append("line_drawing")
        docs += ["lead_id", "lead_photo"]
    if hot_work:
        docs.append("fire_approval")
    if not applicant_is_owner:
        docs.append("owner_consent")
    if kind != WorkKind.SUPPLIER and (
        not contractor_has_licence
        or (kind == WorkKind.GENERAL and not contractor_has_qualification)
    ):
        docs.append("statement")
    if breaks_waterproofing:
        docs.append("owner_pledge")
    return docs


def filing_documents(filing: RenovationFiling) -> list[str]:
    return required_documents(
        work_kind=filing.work_kind, applicant_is_owner=filing.applicant_is_owner,
        contractor_has_licence=filing.contractor_has_licence,
        contractor_has_qualification=filing.contractor_has_qualification,
        hot_work=filing.hot_work, breaks_waterproofing=filing.breaks_waterproofing,
        changes_lines=filing.changes_lines)


@dataclass(frozen=True)
class MissingItem:
    """One thing still missing: a checklist document, a worker's item, or a condition."""

    code: str
    text: str  # translated, names the rule or the document


def missing_items(session: Session, filing: RenovationFiling) -> list[MissingItem]:
    """Everything of the document set not yet collected, in checklist order."""
    received = set(session.exec(select(RenovationDocument.code).where(
        RenovationDocument.filing_id == filing.id)).all())
    missing = [MissingItem(code, t(f"renovation.doc.{code}"))
               for code in filing_documents(filing) if code not in received]
    workers = active_workers(session, filing.id or 0)
    if not workers:
        missing.append(MissingItem("workers", t("renovation.missing.workers")))
    for worker in workers:
        if not worker.id_copy_received:
            missing.append(MissingItem("worker_id", t("renovation.missing.worker_id",
                                                      name=worker.name)))
        if not worker.photo_received:
            missing.append(MissingItem("worker_photo", t("renovation.missing.worker_photo",
                                                         name=worker.name)))
    if not filing.applicant_is_owner and filing.owner_confirmed_at is None:
        missing.append(MissingItem("owner_confirmed", t("renovation.missing.owner_confirmed")))
    return missing


# --------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------


@dataclass
class FilingInput:
    """What the filing form (装修备案表) collects, as typed. Dates as ``date`` or
    ``YYYY-MM-DD``; each is validated by :func:`create_filing` / :func:`update_filing`
    with the error at the field of the same name."""

    unit_id: int | None
    owner_name: str
    owner_id_number: str
    owner_phone: str
    contractor_name: str
    lead_name: str
    lead_id_number: str
    lead_phone: str
    work_items: str
    permit_start: date | str
    permit_end: date | str
    work_kind: WorkKind | str = WorkKind.GENERAL
    applicant_is_owner: bool = True
    applicant_name: str = ""
    applicant_id_number: str = ""
    applicant_phone: str = ""
    contractor_credit_code: str = ""
    contractor_has_licence: bool = True
    contractor_has_qualification: bool = True
    hot_work: bool = False
    breaks_waterproofing: bool = False
    changes_lines: bool = False
    filed_on: date | str | None = None
    note: str = ""


def _date(value: date | str | None, field_name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        raise ValidationError("renovation.date.required", field=field_name)
    try:
        return clock.parse_date(text)
    except ValueError:
        raise ValidationError("renovation.date.invalid", field=field_name, value=text) from None


def _text(value: str, field_name: str, max_len: int = 50, *, required: bool = True) -> str:
    try:
        cleaned = required_text(value, t(f"renovation.field.{field_name}"), max_len,
                                multiline=max_len > 100)
    except ValidationError as err:
        if not required and err.key == "validate.text.required":
            return ""
        raise ValidationError(err.key, field=field_name, **err.params) from None
    return cleaned


def _validated(session: Session, data: FilingInput) -> dict[str, Any]:
    if data.unit_id is None:
        raise ValidationError("renovation.unit.required", field="unit")
    unit = session.get(Unit, data.unit_id)
    if unit is None:
        raise ValidationError("renovation.unit.required", field="unit")
    try:
        kind = WorkKind(data.work_kind)
    except ValueError:
        raise ValidationError("renovation.kind.invalid", field="work_kind") from None
    values: dict[str, Any] = {
        "unit_id": unit.id,
        "unit_code": unit.code,
        "owner_name": _text(data.owner_name, "owner_name"),
        "owner_id_number": resident_id(data.owner_id_number, field="owner_id_number"),
        "owner_phone": any_phone(data.owner_phone, field="owner_phone"),
        "applicant_is_owner": bool(data.applicant_is_owner),
        "contractor_name": _text(data.contractor_name, "contractor_name", 100),
        "contractor_has_licence": bool(data.contractor_has_licence),
        "contractor_has_qualification": bool(data.contractor_has_qualification),
        "lead_name": _text(data.lead_name, "lead_name"),
        "lead_id_number": resident_id(data.lead_id_number, field="lead_id_number"),
        "lead_phone": any_phone(data.lead_phone, field="lead_phone"),
        "work_items": _text(data.work_items, "work_items", 500),
        "work_kind": kind,
        "hot_work": bool(data.hot_work),
        "breaks_waterproofing": bool(data.breaks_waterproofing),
        "changes_lines": bool(data.changes_lines),
        "note": _text(data.note, "note", 500, required=False),
    }
    on_file = session.exec(select(Occupant).where(
        Occupant.unit_id == unit.id, Occupant.active == True,  # noqa: E712
        Occupant.kind == OccupantKind.OWNER, Occupant.id_number.is_not(None))).all()
    if on_file and values["owner_id_number"] not in {o.id_number for o in on_file}:
        raise ValidationError("renovation.owner.id_mismatch", field="owner_id_number")
    if values["applicant_is_owner"]:
        values["applicant_name"] = values["owner_name"]
        values["applicant_id_number"] = ""
        values["applicant_phone"] = ""
    else:
        values["applicant_name"] = _text(data.applicant_name, "applicant_name")
        values["applicant_id_number"] = resident_id(data.applicant_id_number,
                                                    field="applicant_id_number")
        values["applicant_phone"] = any_phone(data.applicant_phone, field="applicant_phone")
    code = (data.contractor_credit_code or "").strip()
    needs_code = kind != WorkKind.SUPPLIER and values["contractor_has_licence"]
    if code or needs_code:
        if not code:
            raise ValidationError("renovation.credit.required", field="contractor_credit_code")
        values["contractor_credit_code"] = credit_code(code, field="contractor_credit_code")
    else:
        values["contractor_credit_code"] = ""
    values["filed_on"] = _date(data.filed_on, "filed_on") if data.filed_on else clock.today()
    start = _date(data.permit_start, "permit_start")
    end = _date(data.permit_end, "permit_end")
    validate_period(start, end)
    values["permit_start"], values["permit_end"] = start, end
    return values


# --------------------------------------------------------------------------------------
# Look-ups
# --------------------------------------------------------------------------------------


def get_filing(session: Session, filing_id: int) -> RenovationFiling:
    filing = session.get(RenovationFiling, filing_id)
    if filing is None:
        raise NotFound("renovation.not_found")
    return filing


def _locked(session: Session, filing_id: int) -> RenovationFiling:
    """The filing, re-read inside the write transaction (FOR UPDATE on PostgreSQL)."""
    filing = session.exec(select(RenovationFiling).where(RenovationFiling.id == filing_id)
                          .with_for_update()).first()
    if filing is None:
        raise NotFound("renovation.not_found")
    return filing


def _require_state(filing: RenovationFiling, action: str, *states: RenovationStatus) -> None:
    err = state_refusal(filing, action_label=t(f"renovation.action.{action}"), states=states)
    if err is not None:
        raise err


def state_refusal(filing: RenovationFiling, *, action_label: str,
                  states: tuple[RenovationStatus, ...]) -> DeskError | None:
    """What a step allowed only in ``states`` meets in the filing's state (the same error
    the step raises), or ``None``: a refused key on the filing shows it."""
    if filing.status in states:
        return None
    return InvalidTransition("renovation.transition.refused", action=action_label,
                             status=t(f"renovation.status.{filing.status.value}"))


def active_workers(session: Session, filing_id: int) -> list[RenovationWorker]:
    return list(session.exec(select(RenovationWorker).where(
        RenovationWorker.filing_id == filing_id,
        RenovationWorker.removed_at.is_(None)).order_by(RenovationWorker.id)).all())


def outstanding_passes(session: Session, filing_id: int) -> list[RenovationPass]:
    return list(session.exec(select(RenovationPass).where(
        RenovationPass.filing_id == filing_id, RenovationPass.status == PassStatus.OUT)
        .order_by(RenovationPass.id)).all())


def _audit(session: Session, by: Staff, action: str, filing: RenovationFiling,
           **detail: object) -> None:
    audit.record(session, by=by, action=f"renovation.{action}", entity="renovation",
                 entity_id=filing.id, detail={"number": filing.number, **detail})


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


def received_documents(session: Session, filing_id: int) -> dict[str, RenovationDocument]:
    rows = session.exec(select(RenovationDocument).where(
        RenovationDocument.filing_id == filing_id)).all()
    return {row.code: row for row in rows}


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
# Workers and passes
# --------------------------------------------------------------------------------------


def add_worker(session: Session, *, by: Staff, filing_id: int, name: str, id_number: str,
               phone: str = "", id_copy_received: bool = False,
               photo_received: bool = False) -> RenovationWorker:
    """Put a worker on the roster (ID number validated; one roster entry per ID)."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "add_worker", RenovationStatus.DRAFT, RenovationStatus.SUBMITTED,
                   RenovationStatus.REVIEWED, *ACTIVE_STATES)
    clean_name = _text(name, "worker_name")
    clean_id = resident_id(id_number, field="worker_id_number")
    clean_phone = any_phone(phone, field="worker_phone") if phone.strip() else ""
    if any(w.id_number == clean_id for w in active_workers(session, filing_id)):
        raise ValidationError("renovation.worker.duplicate", field="worker_id_number")
    worker = RenovationWorker(filing_id=filing_id, name=clean_name, id_number=clean_id,
                              phone=clean_phone, id_copy_received=id_copy_received,
                              photo_received=photo_received, added_at=clock.now(),
                              added_by=by.id)
    session.add(worker)
    session.flush()
    _audit(session, by, "worker.add", filing, worker=worker.id, name=clean_name)
    return worker


def set_worker_documents(session: Session, *, by: Staff, worker_id: int,
                         id_copy_received: bool, photo_received: bool) -> RenovationWorker:
    require_role(by, *DESK)
    worker = session.get(RenovationWorker, worker_id)
    if worker is None or worker.removed_at is not None:
        raise NotFound("renovation.worker.not_found")
    filing = _locked(session, worker.filing_id)
    _require_state(filing, "documents", RenovationStatus.DRAFT, RenovationStatus.SUBMITTED,
                   RenovationStatus.REVIEWED, *ACTIVE_STATES, RenovationStatus.INSPECTED)
    worker.id_copy_received = id_copy_received
    worker.photo_received = photo_received
    session.add(worker)
    _audit(session, by, "worker.documents", filing, worker=worker.id,
           id_copy=id_copy_received, photo=photo_received)
    return worker


def remove_worker(session: Session, *, by: Staff, worker_id: int) -> RenovationWorker:
    """A worker leaves the roster (kept for the record); refused while their pass is out."""
    require_role(by, *DESK)
    worker = session.get(RenovationWorker, worker_id)
    if worker is None or worker.removed_at is not None:
        raise NotFound("renovation.worker.not_found")
    filing = _locked(session, worker.filing_id)
    _require_state(filing, "remove_worker", RenovationStatus.DRAFT, RenovationStatus.SUBMITTED,
                   RenovationStatus.REVIEWED, *ACTIVE_STATES)
    out = session.exec(select(RenovationPass).where(RenovationPass.worker_id == worker.id,
                                                    RenovationPass.status == PassStatus.OUT)).first()
    if out is not None:
        raise Conflict("renovation.worker.pass_out", number=out.number)
    worker.removed_at = clock.now()
    worker.removed_by = by.id
    session.add(worker)
    _audit(session, by, "worker.remove", filing, worker=worker.id)
    return worker


def issue_pass(session: Session, *, by: Staff, worker_id: int) -> RenovationPass:
    """A temporary pass for a worker on an approved permit, valid until the permit end."""
    require_role(by, *DESK)
    worker = session.get(RenovationWorker, worker_id)
    if worker is None or worker.removed_at is not None:
        raise NotFound("renovation.worker.not_found")
    filing = _locked(session, worker.filing_id)
    _require_state(filing, "issue_pass", *WORKING_STATES)
    today = clock.today()
    if filing.permit_end < today:
        raise Conflict("renovation.pass.permit_expired", end=filing.permit_end.isoformat())
    if not (worker.id_copy_received and worker.photo_received):
        raise Conflict("renovation.pass.documents_missing", name=worker.name)
    out = session.exec(select(RenovationPass).where(RenovationPass.worker_id == worker.id,
                                                    RenovationPass.status == PassStatus.OUT)).first()
    if out is not None:
        raise Conflict("renovation.pass.already_out", name=worker.name, number=out.number)
    n = numbering.next_value(session, "renovation-pass")
    issued = RenovationPass(number=f"{WORKER_PASS_PREFIX}{n:06d}", filing_id=filing.id,
                            worker_id=worker.id, issued_at=clock.now(), issued_by=by.id,
                            valid_until=filing.permit_end)
    session.add(issued)
    session.flush()
    _audit(session, by, "pass.issue", filing, pass_number=issued.number, worker=worker.name,
           valid_until=issued.valid_until)
    return issued


def return_pass(session: Session, *, by: Staff, pass_id: int) -> RenovationPass:
    require_role(by, *DESK)
    issued = session.get(RenovationPass, pass_id)
    if issued is None:
        raise NotFound("renovation.pass.not_found")
    if issued.status != PassStatus.OUT:
        raise Conflict("renovation.pass.not_out", number=issued.number)
    filing = _locked(session, issued.filing_id)
    issued.status = PassStatus.RETURNED
    issued.returned_at = clock.now()
    issued.returned_by = by.id
    session.add(issued)
    _audit(session, by, "pass.return", filing, pass_number=issued.number)
    return issued


def pass_marks(session: Session, pass_ids: Sequence[int]) -> dict[int, list[date]]:
    """For each pass, the dates it was marked "延期至 …" with, oldest first."""
    if not pass_ids:
        return {}
    rows = session.exec(
        select(RenovationPassMark.pass_id, RenovationExtension.new_end)
        .join(RenovationExtension, RenovationExtension.id == RenovationPassMark.extension_id)
        .where(RenovationPassMark.pass_id.in_(list(pass_ids)))
        .order_by(RenovationExtension.seq)).all()
    marks: dict[int, list[date]] = {}
    for pass_id, new_end in rows:
        marks.setdefault(pass_id, []).append(new_end)
    return marks


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


def _cashier() -> Any:
    from deskapp.services.cashier import cashier

    return cashier


def deposit_standard(session: Session, unit: Unit) -> tuple[str, int, str]:
    """``(fee code, amount in fen, name)`` of the renovation deposit for this unit's use,
    from the fee standards in force today: kind ``deposit``, code starting with
    :data:`DEPOSIT_CODE_PREFIX`, ``applies_to`` the unit's use, else ``all``. The site
    sets the amounts in ``data/fee-standards.toml``."""
    from deskapp.db.models.cashier import FeeKind, FeeScope

    standards = [s for s in _cashier().list_standards(session, on=clock.today(),
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
    cashier = _cashier()
    code, amount, name = deposit_standard(session, unit)
    bill = cashier.add_charge(session, by=by, unit_id=unit.id, fee_code=code,
                              amount_fen=amount,
                              description=t("renovation.deposit.description", number=filing.number,
                                            name=name),
                              source_kind="renovation", source_id=filing.id)
    receipt = cashier.take_payment(session, by=by, request_id=request_id, unit_id=unit.id,
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


def extensions(session: Session, filing_id: int) -> list[RenovationExtension]:
    return list(session.exec(select(RenovationExtension).where(
        RenovationExtension.filing_id == filing_id).order_by(RenovationExtension.seq)).all())


def inspections(session: Session, filing_id: int) -> list[RenovationInspection]:
    return list(session.exec(select(RenovationInspection).where(
        RenovationInspection.filing_id == filing_id).order_by(RenovationInspection.id)).all())


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


# --------------------------------------------------------------------------------------
# Deposit refund
# --------------------------------------------------------------------------------------


class Blocked(Conflict):
    """Refused with the list of what is missing (``missing``); ``str()`` names them all."""

    def __init__(self, key: str, missing: list[MissingItem]) -> None:
        super().__init__(key, items="；".join(m.text for m in missing), n=len(missing))
        self.missing = missing


def _moved_in_since(session: Session, filing: RenovationFiling) -> date | None:
    """The unit's move-in date (入伙, the customer file) when none was recorded on the
    filing — counted only from the permit start, as :func:`record_lived_in` does."""
    from deskapp.services.customer.movein import moved_in_on

    day = moved_in_on(session, filing.unit_id)
    return day if day is not None and day >= filing.permit_start else None


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
    lived_in = filing.lived_in_since or _moved_in_since(session, filing)
    if lived_in is None:
        blockers.append(MissingItem("lived_in", t("renovation.refund.lived_in_unknown")))
    elif latest_end(lived_in) > today:
        blockers.append(MissingItem("lived_in", t(
            "renovation.refund.lived_in_short", since=lived_in.isoformat(),
            date=latest_end(lived_in).isoformat())))
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
    refund = _cashier().refund(session, by=by, receipt_id=filing.deposit_receipt_id,
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
                _cashier().cancel_bill(session, by=by, bill_id=bill_id, reason=t(
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


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


def deposit_held_total(session: Session) -> tuple[int, int]:
    """``(filings, fen)`` of deposits collected and not yet refunded."""
    count, total = session.exec(select(func.count(), func.coalesce(func.sum(
        RenovationFiling.deposit_fen), 0)).where(
        RenovationFiling.deposit_paid_at.is_not(None),
        RenovationFiling.deposit_refunded_at.is_(None))).one()
    return int(count), int(total)


def view_counts(session: Session, *, today: date | None = None) -> dict[str, int]:
    """How many permits end within 7 days and how many have run out while still open."""
    today = today or clock.today()
    F = RenovationFiling
    working = F.status.in_(WORKING_STATES)
    expiring, overdue = session.exec(select(
        func.coalesce(func.sum(case((and_(working, F.permit_end >= today, F.permit_end <=
                                          today + timedelta(days=EXPIRING_DAYS)), 1),
                                    else_=0)), 0),
        func.coalesce(func.sum(case((and_(working, F.permit_end < today), 1), else_=0)), 0),
    ).where(working)).one()
    return {"expiring": int(expiring), "overdue": int(overdue)}


@dataclass(frozen=True)
class RenovationMonth:
    """A month's renovation figures (site-local month), for the supervisor's report."""

    year: int
    month: int
    filed: int = 0  # filings registered in the month
    approved: int = 0  # permits issued
    cancelled: int = 0
    extensions: int = 0
    inspections_passed: int = 0
    inspections_failed: int = 0
    deposits_collected: int = 0
    deposits_collected_fen: int = 0
    deposits_refunded: int = 0
    deposits_refunded_fen: int = 0
    active_at_end: int = 0  # under permit at the end of the month
    expiring_at_end: int = 0  # … whose permit ends within 7 days after it
    overdue_at_end: int = 0  # … whose permit had already ended
    deposits_held_at_end: int = 0
    deposits_held_at_end_fen: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # filed, per kind of work


def monthly_summary(session: Session, *, year: int, month: int) -> RenovationMonth:
    """The month's figures, all computed in SQL over site-local timestamps."""
    start, end = clock.month_range(year, month)
    last_day = (end - timedelta(days=1)).date()
    F = RenovationFiling

    def within(column: Any) -> Any:
        return and_(column >= start, column < end)

    def counted(cond: Any) -> Any:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    def summed(cond: Any, value: Any) -> Any:
        return func.coalesce(func.sum(case((cond, value), else_=0)), 0)

    # Under permit at the month's end: approved before it, not yet applied for
    # completion (or applied later), not cancelled before it.
    active = and_(F.approved_at.is_not(None), F.approved_at < end,
                  or_(F.completion_applied_at.is_(None), F.completion_applied_at >= end),
                  or_(F.cancelled_at.is_(None), F.cancelled_at >= end),
                  or_(F.closed_at.is_(None), F.closed_at >= end))
    held = and_(F.deposit_paid_at.is_not(None), F.deposit_paid_at < end,
                or_(F.deposit_refunded_at.is_(None), F.deposit_refunded_at >= end))
    row = session.exec(select(
        counted(within(F.created_at)),
        counted(within(F.approved_at)),
        counted(within(F.cancelled_at)),
        counted(within(F.deposit_paid_at)),
        summed(within(F.deposit_paid_at), F.deposit_fen),
        counted(within(F.deposit_refunded_at)),
        summed(within(F.deposit_refunded_at), F.deposit_refunded_fen),
        counted(active),
        counted(and_(active, F.permit_end >= last_day,
                     F.permit_end < last_day + timedelta(days=EXPIRING_DAYS + 1))),
        counted(and_(active, F.permit_end < last_day)),
        counted(held),
        summed(held, F.deposit_fen),
    )).one()
    ext = session.exec(select(func.count()).select_from(RenovationExtension).where(
        within(RenovationExtension.at))).one()
    insp = session.exec(select(
        counted(RenovationInspection.passed == True),  # noqa: E712
        counted(RenovationInspection.passed == False),  # noqa: E712
    ).where(within(RenovationInspection.at))).one()
    kinds = session.exec(select(F.work_kind, func.count()).where(within(F.created_at))
                         .group_by(F.work_kind)).all()
    values = [int(v) for v in row]
    return RenovationMonth(
        year=year, month=month, filed=values[0], approved=values[1], cancelled=values[2],
        deposits_collected=values[3], deposits_collected_fen=values[4],
        deposits_refunded=values[5], deposits_refunded_fen=values[6],
        active_at_end=values[7], expiring_at_end=values[8], overdue_at_end=values[9],
        deposits_held_at_end=values[10], deposits_held_at_end_fen=values[11],
        extensions=int(ext), inspections_passed=int(insp[0]), inspections_failed=int(insp[1]),
        by_kind={WorkKind(k).value: int(n) for k, n in kinds})


# --------------------------------------------------------------------------------------
# Handover: passes out past expiry, permits ending within 7 days, permits run out
# --------------------------------------------------------------------------------------


def open_items(session: Session, ctx: hooks.HandoverContext) -> list[hooks.OpenItem]:
    today = ctx.end.date() if ctx.end else clock.today()
    items: list[hooks.OpenItem] = []
    passes = session.exec(
        select(RenovationPass, RenovationWorker.name, RenovationFiling.unit_code,
               RenovationFiling.id)
        .join(RenovationWorker, RenovationWorker.id == RenovationPass.worker_id)
        .join(RenovationFiling, RenovationFiling.id == RenovationPass.filing_id)
        .where(RenovationPass.status == PassStatus.OUT, RenovationPass.valid_until < today)
        .order_by(RenovationPass.valid_until).limit(200)).all()
    for issued, name, unit_code, filing_id in passes:
        items.append(hooks.OpenItem(
            section="renovation.handover.section",
            label=t("renovation.handover.pass_overdue", number=issued.number, name=name,
                    unit=unit_code, until=issued.valid_until.isoformat()),
            ref=hooks.RecordRef("renovation", filing_id), overdue=True))
    filings = session.exec(
        select(RenovationFiling).where(
            RenovationFiling.status.in_(WORKING_STATES),
            RenovationFiling.permit_end < today + timedelta(days=EXPIRING_DAYS + 1))
        .order_by(RenovationFiling.permit_end).limit(200)).all()
    for filing in filings:
        overdue = filing.permit_end < today
        key = "renovation.handover.overdue" if overdue else "renovation.handover.expiring"
        items.append(hooks.OpenItem(
            section="renovation.handover.section",
            label=t(key, number=filing.number, unit=filing.unit_code, end=filing.permit_end,
                    phone=mask_phone(filing.lead_phone)),
            ref=hooks.RecordRef("renovation", filing.id or 0), overdue=overdue))
    return items


# --------------------------------------------------------------------------------------
# Detail for the screen
# --------------------------------------------------------------------------------------


@dataclass
class FilingDetail:
    filing: RenovationFiling
    building: str
    floor: int
    required: list[str]
    received: dict[str, RenovationDocument]
    missing: list[MissingItem]
    workers: list[RenovationWorker]
    passes: list[RenovationPass]
    marks: dict[int, list[date]]
    extensions: list[RenovationExtension]
    inspections: list[RenovationInspection]
    staff_names: dict[int, str]


def filing_detail(session: Session, filing_id: int) -> FilingDetail:
    filing = get_filing(session, filing_id)
    unit = session.get(Unit, filing.unit_id)
    building = session.get(Building, unit.building_id) if unit else None
    passes = list(session.exec(select(RenovationPass).where(
        RenovationPass.filing_id == filing_id).order_by(RenovationPass.id)).all())
    workers = list(session.exec(select(RenovationWorker).where(
        RenovationWorker.filing_id == filing_id).order_by(RenovationWorker.id)).all())
    names = {s.id: s.name for s in session.exec(select(Staff)).all() if s.id is not None}
    return FilingDetail(
        filing=filing, building=building.name if building else "",
        floor=unit.floor if unit else 0, required=filing_documents(filing),
        received=received_documents(session, filing_id), missing=missing_items(session, filing),
        workers=workers, passes=passes, marks=pass_marks(session, [p.id for p in passes if p.id]),
        extensions=extensions(session, filing_id), inspections=inspections(session, filing_id),
        staff_names=names)


def prefill_owner(session: Session, unit_id: int) -> Occupant | None:
    """The unit's owner from the customer file, to fill the form."""
    return session.exec(select(Occupant).where(
        Occupant.unit_id == unit_id, Occupant.active == True,  # noqa: E712
        Occupant.kind == OccupantKind.OWNER).order_by(Occupant.id)).first()
