"""The complaint workflow: classify, investigate, fix responsibility, solution, reply,
return visit, archive; take over, reassign, escalate, notes and amendments; and which
actions a staff member may take on a complaint."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session

from deskapp import clock, validators
from deskapp.db.models import Role, Staff
from deskapp.db.models.complaints import (
    Complaint,
    ComplaintState,
    EscalationTarget,
    EventKind,
    ReplyMethod,
    ServiceVisit,
    VisitKind,
)
from deskapp.errors import (
    Conflict,
    DeskError,
    InvalidTransition,
    PermissionDenied,
    ValidationError,
)
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services.complaints.deadlines import _category, deadlines_for
from deskapp.services.complaints.intake import _event, _staff
from deskapp.services.complaints.labels import (
    DESK_ROLES,
    HANDLER_ROLES,
    TEXT_LIMITS,
    _text,
    category_label,
    department_label,
    elapsed_minutes,
    escalation_label,
    state_label,
)
from deskapp.services.complaints.queries import get_complaint, next_step, next_step_label
from deskapp.services.preview import ActionPreview
from deskapp.services.staff import require_role

# --------------------------------------------------------------------------------------
# The workflow
# --------------------------------------------------------------------------------------


def _load_open(session: Session, complaint_id: int) -> Complaint:
    c = get_complaint(session, complaint_id)
    if c.state == ComplaintState.ARCHIVED:
        raise InvalidTransition("complaints.archived")
    return c


def _require_owner(session: Session, by: Staff, c: Complaint) -> None:
    """Specialists act only on complaints they own; supervisors on any."""
    require_role(by, Role.SPECIALIST)
    if by.role != Role.SUPERVISOR and c.owner_id != by.id:
        owner = session.get(Staff, c.owner_id)
        raise PermissionDenied("complaints.not_owner", owner=owner.name if owner else "?")


def _expect(c: Complaint, action: str, *states: ComplaintState) -> None:
    if c.state not in states:
        raise InvalidTransition("complaints.transition.refused",
                                action=t(f"complaints.action.{action}"),
                                state=state_label(c.state), next=next_step_label(c))


#: the states each workflow step runs in
_STEP_STATES: dict[str, tuple[ComplaintState, ...]] = {
    "classify": (ComplaintState.REGISTERED,),
    "investigate": (ComplaintState.VALID,),
    "responsible": (ComplaintState.INVESTIGATED, ComplaintState.ASSIGNED),
    "solution": (ComplaintState.ASSIGNED,),
    "reply": (ComplaintState.SOLUTION, ComplaintState.INVALID),
    "visit": (ComplaintState.REPLIED,),
}


def _check_step(c: Complaint, action: str) -> None:
    """Whether the workflow step ``action`` may run in the complaint's state; raises the
    error naming what must come first (each step function and :func:`why_not` use it)."""
    if c.state == ComplaintState.ARCHIVED:
        raise InvalidTransition("complaints.archived")
    if action == "reply" and c.state in (ComplaintState.VALID, ComplaintState.INVESTIGATED,
                                         ComplaintState.ASSIGNED):
        raise InvalidTransition("complaints.reply.no_responsible"
                                if c.state != ComplaintState.ASSIGNED
                                else "complaints.reply.no_solution")
    if action == "visit" and c.state == ComplaintState.REPLIED and not c.valid:
        raise InvalidTransition("complaints.visit.invalid_complaint")
    if action == "archive":
        if c.state == ComplaintState.REPLIED and c.valid:
            raise InvalidTransition("complaints.archive.no_visit")
        if not (c.state == ComplaintState.VISITED
                or (c.state == ComplaintState.REPLIED and c.valid is False)):
            _expect(c, "archive")
        return
    _expect(c, action, *_STEP_STATES[action])


def why_not(c: Complaint, action: str, *, by: Staff, owner_name: str = "") -> DeskError | None:
    """Why ``by`` may not take ``action`` (a workflow step, ``take_over``, ``reassign``,
    ``escalate``, ``note``, ``amend``) on ``c`` now: the error the service would refuse it
    with (its message names what to do first), or ``None`` when nothing stands in the
    way that is known before the form is filled in. Screens show it when a refused key is
    pressed."""
    try:
        if c.state == ComplaintState.ARCHIVED:
            raise InvalidTransition("complaints.archived")
        if action == "take_over":
            require_role(by, Role.SPECIALIST)
            if c.owner_id == by.id:
                raise Conflict("complaints.already_owner")
            return None
        if action == "reassign":
            require_role(by, Role.SUPERVISOR)
            return None
        if action in ("note", "amend"):
            require_role(by, *DESK_ROLES)
            return None
        require_role(by, Role.SPECIALIST)
        if by.role != Role.SUPERVISOR and c.owner_id != by.id:
            raise PermissionDenied("complaints.not_owner", owner=owner_name or "?")
        if action == "escalate":
            if c.escalated_to == EscalationTarget.DIRECTOR:
                raise Conflict("complaints.escalate.already",
                               level=escalation_label(c.escalated_to))
            return None
        if action in _STEP_STATES or action == "archive":
            _check_step(c, action)
    except DeskError as err:
        return err
    return None


def classify(session: Session, *, by: Staff, complaint_id: int, valid: bool,
             category_code: str | None = None, reason: str = "", note: str = "",
             settings: Mapping[str, object] | None = None) -> Complaint:
    """判定: confirm or change the category and judge valid or invalid (an invalid one
    needs its reason). This is the complaint's first response."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "classify")
    if category_code and category_code != c.category_code:
        cat = _category(session, category_code)
        c.category_code = cat.code
        c.first_response_due, c.close_due = deadlines_for(
            session, category_code=cat.code, received_at=c.received_at, settings=settings)
    note = _text(note, field="note", max_len=2000)
    if not valid:
        c.invalid_reason = _text(reason, field="reason", max_len=500, required=True)
    now = clock.now()
    c.valid = bool(valid)
    c.first_response_at = now
    c.first_response_minutes = elapsed_minutes(c.received_at, now)
    _event(session, c, by=by, kind=EventKind.CLASSIFIED,
           to_state=ComplaintState.VALID if valid else ComplaintState.INVALID,
           note=note if valid else c.invalid_reason, at=now,
           detail={"valid": bool(valid), "category": c.category_code})
    return c


def investigate(session: Session, *, by: Staff, complaint_id: int, findings: str) -> Complaint:
    """调查分析: record the cause found."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "investigate")
    c.investigation = _text(findings, field="findings", max_len=2000, required=True)
    _event(session, c, by=by, kind=EventKind.INVESTIGATED,
           to_state=ComplaintState.INVESTIGATED, note=c.investigation)
    return c


def fix_responsible(session: Session, *, by: Staff, complaint_id: int, department: str,
                    person: str = "", note: str = "") -> Complaint:
    """确定处理责任人: the department (and person) who carries it out. May be changed
    again until the solution is recorded."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "responsible")
    dept = _text(department, field="department", max_len=40, required=True, multiline=False)
    c.responsible_department = dept
    c.responsible_person = _text(person, field="person", max_len=50, multiline=False)
    label = department_label(dept) + (f" / {c.responsible_person}" if c.responsible_person
                                      else "")
    note = _text(note, field="note", max_len=2000)
    _event(session, c, by=by, kind=EventKind.RESPONSIBLE, to_state=ComplaintState.ASSIGNED,
           note=f"{label}" + (f"；{note}" if note else ""),
           detail={"department": dept, "person": c.responsible_person})
    return c


def record_solution(session: Session, *, by: Staff, complaint_id: int,
                    solution: str) -> Complaint:
    """处理方案 from the responsible party."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "solution")
    c.solution = _text(solution, field="solution", max_len=2000, required=True)
    _event(session, c, by=by, kind=EventKind.SOLUTION, to_state=ComplaintState.SOLUTION,
           note=c.solution)
    return c


def reply(session: Session, *, by: Staff, complaint_id: int, method: ReplyMethod | str,
          text: str) -> Complaint:
    """回复客户 by phone, email or visit: the solution (valid) or the reason (invalid)."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "reply")
    try:
        c.reply_method = ReplyMethod(method)
    except ValueError:
        raise ValidationError("complaints.reply.method_invalid", field="method") from None
    c.reply = _text(text, field="reply", max_len=2000, required=True)
    c.replied_at = clock.now()
    _event(session, c, by=by, kind=EventKind.REPLIED, to_state=ComplaintState.REPLIED,
           note=f"{t('complaints.method.' + c.reply_method.value)}：{c.reply}",
           detail={"method": c.reply_method.value})
    return c


def record_return_visit(session: Session, *, by: Staff, complaint_id: int, satisfied: bool,
                        score: int, method: ReplyMethod | str = ReplyMethod.PHONE,
                        note: str = "") -> ServiceVisit:
    """回访: ask whether the customer is satisfied with the result. Satisfied → ready to
    archive; not satisfied → back to handling (the responsible party and solution are
    worked out again). Recorded as a return visit (回访情况记录表) too."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "visit")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationError("complaints.visit.score_invalid", field="score")
    if satisfied and score <= 2:
        raise ValidationError("complaints.visit.score_contradicts", field="score")
    if not satisfied and score >= 4:
        raise ValidationError("complaints.visit.score_contradicts", field="score")
    try:
        how = ReplyMethod(method)
    except ValueError:
        raise ValidationError("complaints.reply.method_invalid", field="method") from None
    note = _text(note, field="note", max_len=2000, required=not satisfied)
    now = clock.now()
    assert by.id is not None
    visit = ServiceVisit(kind=VisitKind.COMPLAINT, visited_at=now, visited_by_id=by.id,
                         method=how, complaint_id=c.id, unit_id=c.unit_id,
                         unit_code=c.unit_code, person_name=c.complainant_name,
                         phone=c.complainant_phone, satisfied=bool(satisfied), score=score,
                         note=note, created_at=now)
    session.add(visit)
    c.satisfaction, c.satisfied = score, bool(satisfied)
    label = t("complaints.visit.satisfied" if satisfied else "complaints.visit.unsatisfied")
    text = f"{label}（{t('complaints.score.' + str(score))}）" + (f"：{note}" if note else "")
    if satisfied:
        c.visited_at = now
        _event(session, c, by=by, kind=EventKind.RETURN_VISIT, to_state=ComplaintState.VISITED,
               note=text, at=now, detail={"satisfied": True, "score": score})
    else:
        c.reopened += 1
        _event(session, c, by=by, kind=EventKind.RETURN_VISIT, note=text, at=now,
               detail={"satisfied": False, "score": score})
        _event(session, c, by=by, kind=EventKind.REOPENED, to_state=ComplaintState.ASSIGNED,
               note=note, at=now)
    session.flush()
    return visit


def _archive_checks(session: Session, by: Staff, complaint_id: int, summary: str
                    ) -> tuple[Complaint, str]:
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "archive")
    return c, _text(summary, field="summary", max_len=2000)


def archive_preview(session: Session, *, by: Staff, complaint_id: int, summary: str = ""
                    ) -> ActionPreview:
    """What archiving will do, for the confirmation (refused as :func:`archive` would)."""
    c, summary = _archive_checks(session, by, complaint_id, summary)
    return ActionPreview(t("complaints.confirm.archive_title", number=c.number), [
        (t("complaints.confirm.number"), c.number),
        (t("complaints.confirm.unit"), c.unit_code or "—"),
        (t("complaints.confirm.complainant"), c.complainant_name),
        (t("complaints.confirm.category"), category_label(c.category_code)),
        (t("complaints.confirm.state"), state_label(c.state)),
        (t("complaints.confirm.summary"), summary or "—"),
        (t("complaints.confirm.effect"), t("complaints.confirm.archive_effect")),
    ])


def archive(session: Session, *, by: Staff, complaint_id: int, summary: str = "") -> Complaint:
    """归档 with the summary and evaluation (总结评价). A valid complaint needs its
    satisfied return visit first; an invalid one needs its reply."""
    c, summary = _archive_checks(session, by, complaint_id, summary)
    c.summary = summary
    now = clock.now()
    c.closed_at = now
    c.close_minutes = elapsed_minutes(c.received_at, now)
    _event(session, c, by=by, kind=EventKind.ARCHIVED, to_state=ComplaintState.ARCHIVED,
           note=c.summary, at=now)
    return c


def take_over(session: Session, *, by: Staff, complaint_id: int, note: str = "") -> Complaint:
    """A specialist takes a complaint over and becomes its one accountable owner."""
    require_role(by, Role.SPECIALIST)
    c = _load_open(session, complaint_id)
    if c.owner_id == by.id:
        raise Conflict("complaints.already_owner")
    previous = session.get(Staff, c.owner_id)
    assert by.id is not None
    c.owner_id = by.id
    _event(session, c, by=by, kind=EventKind.TAKEN_OVER, target_staff_id=by.id,
           note=_text(note, field="note", max_len=2000),
           detail={"from": previous.name if previous else ""})
    return c


def reassign(session: Session, *, by: Staff, complaint_id: int, owner_id: int,
             note: str = "") -> Complaint:
    """The supervisor hands a complaint to another handler."""
    require_role(by, Role.SUPERVISOR)
    c = _load_open(session, complaint_id)
    owner = _staff(session, owner_id, field="owner")
    if owner.id == c.owner_id:
        raise Conflict("complaints.reassign.same")
    assert owner.id is not None
    c.owner_id = owner.id
    _event(session, c, by=by, kind=EventKind.REASSIGNED, target_staff_id=owner.id,
           note=_text(note, field="note", max_len=2000))
    return c


_LEVEL = {None: 0, EscalationTarget.SUPERVISOR: 1, EscalationTarget.DIRECTOR: 2}


def escalate(session: Session, *, by: Staff, complaint_id: int, to: EscalationTarget | str,
             reason: str) -> Complaint:
    """上报: to the supervisor (by the owner or a supervisor) or to the service-centre
    director (by a supervisor; a specialist only for a major complaint)."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    try:
        target = EscalationTarget(to)
    except ValueError:
        raise ValidationError("complaints.escalate.target_invalid", field="escalate_to") from None
    if (target == EscalationTarget.DIRECTOR and by.role != Role.SUPERVISOR and not c.major):
        raise PermissionDenied("complaints.escalate.director_needs_major")
    if _LEVEL[target] <= _LEVEL[c.escalated_to]:
        raise Conflict("complaints.escalate.already", level=escalation_label(c.escalated_to))
    reason = _text(reason, field="reason", max_len=2000, required=True)
    now = clock.now()
    c.escalated_to, c.escalated_at = target, now
    _event(session, c, by=by, kind=EventKind.ESCALATED, escalated_to=target, note=reason,
           at=now, detail={"to": target.value})
    return c


def add_note(session: Session, *, by: Staff, complaint_id: int, note: str) -> Complaint:
    """跟进记录: anyone at the desk may add a follow-up note (a call-back, a promise of a
    time); the state does not change."""
    require_role(by, *DESK_ROLES)
    c = _load_open(session, complaint_id)
    _event(session, c, by=by, kind=EventKind.NOTE,
           note=_text(note, field="note", max_len=2000, required=True))
    return c


AMENDABLE = ("place", "floor", "complainant_name", "complainant_phone", "target_person",
             "target_department", "content", "request")


def amend(session: Session, *, by: Staff, complaint_id: int, changes: Mapping[str, str],
          reason: str) -> Complaint:
    """Correct the registration (a misheard phone, a name) with a reason; old and new
    values stay on the timeline. The owner, the receiver (before classification) or a
    supervisor may amend; never once archived."""
    require_role(by, *DESK_ROLES)
    c = _load_open(session, complaint_id)
    receiver_may = c.received_by_id == by.id and c.state == ComplaintState.REGISTERED
    if not receiver_may:
        _require_owner(session, by, c)
    reason = _text(reason, field="reason", max_len=500, required=True)
    parts = []
    for key, raw in changes.items():
        if key not in AMENDABLE:
            raise ValidationError("complaints.amend.field_invalid", field=key)
        if key == "complainant_phone":
            value = validators.phone(raw, field=key) if (raw or "").strip() else ""
        else:
            value = _text(raw, field=key, max_len=TEXT_LIMITS[key],
                          required=key in ("complainant_name", "content"),
                          multiline=key in ("content", "request"))
        old = getattr(c, key)
        if value == old:
            continue
        setattr(c, key, value)
        if key == "complainant_phone":
            c.phone_tail = value[-4:] if value else ""
            old, value = mask_phone(old) if old else "", mask_phone(value) if value else ""
        parts.append(f"{t('complaints.field.' + key)}：{old or '—'} → {value or '—'}")
    if not parts:
        raise ValidationError("complaints.amend.nothing", field="reason")
    _event(session, c, by=by, kind=EventKind.AMENDED,
           note="；".join(parts) + f"（{t('complaints.field.reason')}：{reason}）")
    return c


#: every action :func:`allowed_actions` answers for (the screen's keys use these names)
ACTIONS = ("classify", "investigate", "responsible", "solution", "reply", "visit", "archive",
           "take_over", "reassign", "escalate", "note", "amend")


def allowed_actions(c: Complaint, staff: Staff | None) -> frozenset[str]:
    """What ``staff`` may do to ``c`` now — the same rules the workflow functions above
    enforce, for screens to show only the keys that will work."""
    if staff is None or not staff.active or c.state == ComplaintState.ARCHIVED:
        return frozenset()
    supervisor = staff.role == Role.SUPERVISOR
    handler = staff.role in HANDLER_ROLES
    owns = handler and (supervisor or c.owner_id == staff.id)
    allowed = {"note"}
    if owns:
        allowed.add(next_step(c))
        if c.state == ComplaintState.ASSIGNED:
            allowed.add("responsible")  # the responsible party may be corrected
        level = _LEVEL[c.escalated_to]
        if level < 1 or (level < 2 and (supervisor or c.major)):
            allowed.add("escalate")
    if handler and c.owner_id != staff.id:
        allowed.add("take_over")
    if supervisor:
        allowed.add("reassign")
    if owns or (c.received_by_id == staff.id and c.state == ComplaintState.REGISTERED):
        allowed.add("amend")
    return frozenset(allowed & set(ACTIONS))
