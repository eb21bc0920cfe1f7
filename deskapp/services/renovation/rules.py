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
  receipt and the refund are the cashier's (:mod:`deskapp.services.cashier`). The refund
  needs every condition of :func:`refund_blockers`; otherwise it is refused with the list.

The package's modules: :mod:`.rules` (states, period, checklist), :mod:`.queries`,
:mod:`.filings` and :mod:`.workers` (commands), :mod:`.deposit`, :mod:`.figures` (monthly
report), :mod:`.handover` (open items). Every function takes the caller's session (one
business action, one transaction) and ``by``; every action is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Occupant, OccupantKind, Role, Staff, Unit
from deskapp.db.models.renovation import (
    RenovationFiling,
    RenovationStatus,
    WorkKind,
)
from deskapp.errors import Conflict, DeskError, InvalidTransition, ValidationError
from deskapp.i18n import t
from deskapp.services import audit
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
    "latest_end",
    "required_documents",
    "validate_period",
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


def _audit(session: Session, by: Staff, action: str, filing: RenovationFiling,
           **detail: object) -> None:
    audit.record(session, by=by, action=f"renovation.{action}", entity="renovation",
                 entity_id=filing.id, detail={"number": filing.number, **detail})


# --------------------------------------------------------------------------------------
# Deposit refund
# --------------------------------------------------------------------------------------


class Blocked(Conflict):
    """Refused with the list of what is missing (``missing``); ``str()`` names them all."""

    def __init__(self, key: str, missing: list[MissingItem]) -> None:
        super().__init__(key, items="；".join(m.text for m in missing), n=len(missing))
        self.missing = missing
