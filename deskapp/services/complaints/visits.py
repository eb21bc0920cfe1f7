"""Return visits and opinion solicitation (回访与意见征询, SPEC §5).

A visit — scheduled (定期回访) or an ad-hoc walk-around (不定期走访) — is recorded on the
visit record (回访情况记录表): the unit and person, a rating 1–5 for any of the topics
(security, cleaning and greening, public facilities, special service fees, convenience,
service attitude, overall satisfaction), and the opinions heard. Each opinion is either

- answered on the spot (当场回复, the answer is kept),
- a complaint (转投诉): it enters the complaint workflow as a new registered complaint, or
- a problem for a department (通知责任部门整改): it waits, listed at every handover, until
  the department's rectification result (整改结果) is recorded.

Return visits of complaints are recorded by :func:`deskapp.services.complaints.workflow.
record_return_visit` and stored as visits of kind ``complaint``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from deskapp import clock, validators
from deskapp.db.models import Role, Staff, Unit
from deskapp.db.models.complaints import (
    Complaint,
    ContactChannel,
    OpinionHandling,
    ReplyMethod,
    ServiceVisit,
    VisitKind,
    VisitOpinion,
    VisitTopic,
)
from deskapp.errors import Conflict, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services import audit, hooks
from deskapp.services.complaints.intake import ComplaintCreate, create_complaint
from deskapp.services.complaints.labels import FUTURE_GRACE, MAX_BACKDATE, _text, department_label
from deskapp.services.listing import AnySelect, FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.staff import require_role

__all__ = [
    "OpinionCreate",
    "VisitCreate",
    "VisitSource",
    "opinion_to_complaint",
    "opinions_of",
    "record_rectification",
    "record_visit",
    "topic_label",
    "waiting_rectification",
]

VISIT_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST, Role.SUPERVISOR)
TOPICS = tuple(VisitTopic)


def topic_label(topic: VisitTopic | str) -> str:
    return t(f"complaints.topic.{VisitTopic(topic).value}")


@dataclass
class OpinionCreate:
    topic: VisitTopic | str
    text: str
    handling: OpinionHandling | str
    answer: str = ""  # for "answered on the spot"
    department: str = ""  # for "handed to a department"


@dataclass
class VisitCreate:
    kind: VisitKind | str  # scheduled or walkaround
    person_name: str
    unit_id: int | None = None
    phone: str = ""
    visited_at: datetime | None = None
    method: ReplyMethod | str = ReplyMethod.VISIT
    ratings: Mapping[str, int | None] = field(default_factory=dict)  # topic → 1..5
    note: str = ""
    opinions: Sequence[OpinionCreate] = ()


def _rating(topic: str, value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        score = int(str(value))
    except ValueError:
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError("complaints.visit.rating_invalid", field=f"rating_{topic}",
                              topic=topic_label(topic))
    return score


def record_visit(session: Session, *, by: Staff, data: VisitCreate,
                 settings: Mapping[str, object] | None = None) -> ServiceVisit:
    """Record a scheduled visit or a walk-around with its ratings and opinions. Opinions
    marked as complaints become complaints with :func:`opinion_to_complaint` (which asks
    for the category); problems for a department wait for their rectification result."""
    require_role(by, *VISIT_ROLES)
    try:
        kind = VisitKind(data.kind)
    except ValueError:
        raise ValidationError("complaints.visit.kind_invalid", field="kind") from None
    if kind == VisitKind.COMPLAINT:
        raise ValidationError("complaints.visit.kind_invalid", field="kind")
    name = _text(data.person_name, field="person_name", max_len=50, required=True,
                 multiline=False)
    phone = validators.phone(data.phone, field="phone") if (data.phone or "").strip() else ""
    now = clock.now()
    at = (data.visited_at or now).replace(microsecond=0)
    if at > now + FUTURE_GRACE:
        raise ValidationError("complaints.time.future", field="visited_at")
    try:
        method = ReplyMethod(data.method)
    except ValueError:
        raise ValidationError("complaints.reply.method_invalid", field="method") from None
    unit: Unit | None = None
    if data.unit_id is not None:
        unit = session.get(Unit, data.unit_id)
        if unit is None:
            raise ValidationError("unit.not_found", field="unit")
    unknown = set(data.ratings) - {tp.value for tp in TOPICS}
    if unknown:
        raise ValidationError("complaints.visit.topic_invalid", field="ratings")
    ratings: dict[str, Any] = {tp.value: _rating(tp.value, data.ratings.get(tp.value))
                               for tp in TOPICS}
    opinions = [_clean_opinion(op, i) for i, op in enumerate(data.opinions)]
    if not opinions and all(v is None for v in ratings.values()):
        raise ValidationError("complaints.visit.empty", field="opinions")
    assert by.id is not None
    visit = ServiceVisit(kind=kind, visited_at=at, visited_by_id=by.id, method=method,
                         unit_id=unit.id if unit else None, unit_code=unit.code if unit else "",
                         person_name=name, phone=phone,
                         note=_text(data.note, field="note", max_len=2000),
                         created_at=now, **ratings)
    session.add(visit)
    session.flush()
    audit.record(session, by=by, action="visit.record", entity="service_visit",
                 entity_id=visit.id, detail={"kind": kind.value, "unit": visit.unit_code,
                                             "name": name, "phone": mask_phone(phone),
                                             "opinions": len(opinions)})
    assert visit.id is not None
    for op in opinions:
        opinion = VisitOpinion(visit_id=visit.id, topic=VisitTopic(op.topic), text=op.text,
                               handling=OpinionHandling(op.handling), answer=op.answer,
                               department=op.department,
                               handed_at=now if op.handling == OpinionHandling.DEPARTMENT
                               else None)
        session.add(opinion)
        session.flush()
        audit.record(session, by=by, action=f"visit.opinion.{opinion.handling.value}",
                     entity="visit_opinion", entity_id=opinion.id,
                     detail={"visit": visit.id, "topic": opinion.topic.value,
                             "department": opinion.department})
    return visit


def _clean_opinion(op: OpinionCreate, index: int) -> OpinionCreate:
    try:
        topic = VisitTopic(op.topic)
    except ValueError:
        raise ValidationError("complaints.visit.topic_invalid",
                              field=f"opinion_{index}") from None
    try:
        handling = OpinionHandling(op.handling)
    except ValueError:
        raise ValidationError("complaints.opinion.handling_invalid",
                              field=f"handling_{index}") from None
    try:
        text = _text(op.text, field="opinion", max_len=1000, required=True)
        answer = _text(op.answer, field="answer", max_len=1000,
                       required=handling == OpinionHandling.ANSWERED)
        department = _text(op.department, field="department", max_len=40, multiline=False,
                           required=handling == OpinionHandling.DEPARTMENT)
    except ValidationError as err:  # name the opinion's row: text_0, answer_1, …
        row_field = {"opinion": "text"}.get(str(err.field), str(err.field))
        raise ValidationError(err.key, field=f"{row_field}_{index}", **err.params) from None
    return OpinionCreate(topic=topic, text=text, handling=handling, answer=answer,
                         department=department)


def get_opinion(session: Session, opinion_id: int) -> VisitOpinion:
    found = session.get(VisitOpinion, opinion_id)
    if found is None:
        raise NotFound("complaints.opinion.not_found")
    return found


def opinions_of(session: Session, visit_id: int) -> list[VisitOpinion]:
    return list(session.execute(select(VisitOpinion).where(col(VisitOpinion.visit_id) == visit_id)
                                .order_by(col(VisitOpinion.id))).scalars().all())


def opinion_to_complaint(session: Session, *, by: Staff, opinion_id: int, category_code: str,
                         owner_id: int | None = None, major: bool = False,
                         settings: Mapping[str, object] | None = None) -> Complaint:
    """An opinion marked as a complaint enters the complaint workflow: registered with the
    visit's unit and person, the opinion as its content (the five clears were done on the
    visit). The opinion keeps a link to the complaint."""
    opinion = get_opinion(session, opinion_id)
    if opinion.handling != OpinionHandling.COMPLAINT:
        raise Conflict("complaints.opinion.not_complaint")
    if opinion.complaint_id is not None:
        raise Conflict("complaints.opinion.already_complaint")
    visit = session.get(ServiceVisit, opinion.visit_id)
    assert visit is not None
    data = ComplaintCreate(
        complainant_name=visit.person_name, content=opinion.text,
        channel=ContactChannel.VIA_STAFF, category_code=category_code,
        complainant_phone=visit.phone, unit_id=visit.unit_id,
        received_at=(visit.visited_at if visit.visited_at >= clock.now() - MAX_BACKDATE
                     else clock.now()),
        major=major, owner_id=owner_id, heard=True, asked=True, recorded=True,
        place=t("complaints.visit.place", kind=t(f"complaints.visit.kind.{visit.kind.value}")),
    )
    complaint = create_complaint(session, by=by, data=data, settings=settings)
    complaint.visit_opinion_id = opinion.id
    session.add(complaint)
    opinion.complaint_id = complaint.id
    session.add(opinion)
    session.flush()
    audit.record(session, by=by, action="visit.opinion.to_complaint", entity="visit_opinion",
                 entity_id=opinion.id, detail={"complaint": complaint.number})
    return complaint


def record_rectification(session: Session, *, by: Staff, opinion_id: int,
                         result: str) -> VisitOpinion:
    """整改结果反馈: the department's result for a problem handed to it."""
    require_role(by, *VISIT_ROLES)
    opinion = get_opinion(session, opinion_id)
    if opinion.handling != OpinionHandling.DEPARTMENT:
        raise Conflict("complaints.opinion.not_department")
    if opinion.result_at is not None:
        raise Conflict("complaints.opinion.already_rectified")
    opinion.result = _text(result, field="result", max_len=1000, required=True)
    opinion.result_at = clock.now()
    opinion.result_by_id = by.id
    session.add(opinion)
    session.flush()
    audit.record(session, by=by, action="visit.opinion.rectified", entity="visit_opinion",
                 entity_id=opinion.id, detail={"result": opinion.result[:200]})
    return opinion


def waiting_rectification(session: Session, *, limit: int = 200) -> list[
        tuple[VisitOpinion, ServiceVisit]]:
    """Problems handed to a department whose result has not come back, oldest first."""
    return [(o, v) for o, v in session.execute(
        select(VisitOpinion, ServiceVisit).join(ServiceVisit,
                                                col(ServiceVisit.id) == VisitOpinion.visit_id)
        .where(col(VisitOpinion.handling) == OpinionHandling.DEPARTMENT,
               col(VisitOpinion.result_at).is_(None))
        .order_by(col(VisitOpinion.handed_at), col(VisitOpinion.id)).limit(limit)).all()]


def open_rectifications(session: Session, ctx: hooks.HandoverContext) -> list[hooks.OpenItem]:
    return [hooks.OpenItem(section="complaints.handover.rectification",
                           label=t("complaints.handover.rectification_item",
                                   dept=department_label(o.department),
                                   who=v.unit_code or v.person_name, text=o.text[:40]),
                           ref=hooks.RecordRef("service_visit", v.id), since=o.handed_at)
            for o, v in waiting_rectification(session) if v.id is not None]


class VisitSource(SqlListSource):
    """The list of visits (return visits of complaints, scheduled visits, walk-arounds)."""

    model = ServiceVisit
    order_by = (col(ServiceVisit.visited_at).desc(), col(ServiceVisit.id).desc())
    search_columns = ("unit_code", "person_name", "note")
    fts_table = None

    def __init__(self, *, staff_names: Mapping[int, str] | None = None) -> None:
        self.staff_names = dict(staff_names or {})
        self.columns = [
            ListColumn("at", "complaints.visit.col.at", 16),
            ListColumn("kind", "complaints.visit.col.kind", 10, fits=("complaints.visit.kind.",)),
            ListColumn("unit", "complaints.col.unit", 10),
            ListColumn("name", "complaints.visit.col.name", 8),
            ListColumn("phone", "complaints.col.phone", 13),
            ListColumn("overall", "complaints.visit.col.overall", 8, fits=("complaints.score.",)),
            ListColumn("note", "complaints.visit.col.note", 30),
            ListColumn("by", "complaints.visit.col.by", 8),
        ]
        self.filters = [
            FilterSpec("kind", "complaints.visit.filter.kind", "choice",
                       [(k.value, t(f"complaints.visit.kind.{k.value}")) for k in VisitKind]),
            FilterSpec("from", "complaints.filter.from", "date_from"),
            FilterSpec("to", "complaints.filter.to", "date_to"),
        ]
        self.filter_columns = {"kind": col(ServiceVisit.kind), "from": col(ServiceVisit.visited_at),
                               "to": col(ServiceVisit.visited_at)}

    def select(self) -> AnySelect:
        return select(ServiceVisit)

    def to_row(self, v: ServiceVisit) -> ListRow:
        score = v.score if v.kind == VisitKind.COMPLAINT else v.overall
        assert v.id is not None
        return ListRow(v.id, (
            v.visited_at.strftime("%Y-%m-%d %H:%M"),
            t(f"complaints.visit.kind.{v.kind.value}"),
            v.unit_code,
            v.person_name,
            mask_phone(v.phone) if v.phone else "",
            t(f"complaints.score.{score}") if score else "",
            v.note,
            self.staff_names.get(v.visited_by_id, ""),
        ), "warning" if v.satisfied is False else "")
