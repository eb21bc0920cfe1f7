"""The survey form (调查表): its sections and items, the default form, creating it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.db.models.survey import SurveyForm, SurveyItem
from deskapp.errors import ValidationError
from deskapp.services import audit
from deskapp.services.staff import require_role

# --------------------------------------------------------------------------------------
# The form (SPEC §6 / 原文 八 附件：满意度调查表)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    code: str
    title: str
    title_en: str


@dataclass(frozen=True)
class SectionSpec:
    title: str
    title_en: str
    items: tuple[ItemSpec, ...]


DEFAULT_FORM_NAME = "客户满意度调查表"
DEFAULT_FORM: tuple[SectionSpec, ...] = (
    SectionSpec("服务人员仪态", "Staff demeanour", (
        ItemSpec("staff_cs", "客户服务员", "Customer-service staff"),
        ItemSpec("staff_maint", "维修人员", "Maintenance staff"),
        ItemSpec("staff_security", "安全管理员", "Security staff"),
        ItemSpec("staff_cleaning", "保洁服务员", "Cleaning staff"),
    )),
    SectionSpec("客户服务", "Customer service", (
        ItemSpec("cs_attitude", "服务态度", "Attitude"),
        ItemSpec("cs_timeliness", "工作及时性", "Timeliness"),
        ItemSpec("cs_effect", "处理问题效果", "Effectiveness of problem handling"),
    )),
    SectionSpec("工程服务", "Engineering", (
        ItemSpec("eng_upkeep", "公共设备运行保养", "Operation and upkeep of common equipment"),
        ItemSpec("eng_repair_time", "设备维修及时性", "Timeliness of equipment repair"),
        ItemSpec("eng_quality", "维修服务质量", "Quality of repair service"),
        ItemSpec("eng_service_time", "维修服务及时性", "Timeliness of repair service"),
    )),
    SectionSpec("安全服务", "Security", (
        ItemSpec("sec_order", "治安管理", "Public order"),
        ItemSpec("sec_fire", "消防管理", "Fire safety"),
        ItemSpec("sec_traffic", "车辆及人员管理", "Vehicle and people management"),
    )),
    SectionSpec("环境服务", "Environment", (
        ItemSpec("env_clean", "清洁状况", "Cleanliness"),
        ItemSpec("env_green", "绿化状况", "Greening"),
    )),
    SectionSpec("有偿服务", "Paid services", (
        ItemSpec("paid_home", "户内维修服务", "In-home repair"),
        ItemSpec("paid_contract", "合同履约服务", "Contract performance"),
    )),
    SectionSpec("投诉受理", "Complaint handling", (
        ItemSpec("cmp_attitude", "受理态度", "Attitude"),
        ItemSpec("cmp_result", "处理结果", "Result"),
        ItemSpec("cmp_timeliness", "处理及时性", "Timeliness"),
    )),
    SectionSpec("物业管理总体满意度", "Overall", (
        ItemSpec("overall", "服务总体满意度", "Overall satisfaction"),
    )),
)  # fmt: skip


def create_form(session: Session, *, by: Staff, name: str,
                sections: Sequence[SectionSpec]) -> SurveyForm:
    """A new questionnaire version. Forms are never edited: a change is a new form, so a
    past campaign keeps the form it ran with."""
    require_role(by, Role.SUPERVISOR)
    name = name.strip()
    if not name:
        raise ValidationError("survey.form.name_required", field="name")
    items = [(s, i) for s in sections for i in s.items]
    if not items:
        raise ValidationError("survey.form.empty", field="sections")
    codes = [i.code.strip() for _, i in items]
    if any(not c for c in codes) or any(not i.title.strip() for _, i in items) or \
            any(not s.title.strip() for s in sections):
        raise ValidationError("survey.form.blank_title", field="sections")
    duplicate = next((c for c in codes if codes.count(c) > 1), None)
    if duplicate:
        raise ValidationError("survey.form.duplicate_code", field="sections", code=duplicate)
    version = (session.execute(select(func.max(col(SurveyForm.version)))).one()[0] or 0) + 1
    form = SurveyForm(name=name, version=version, created_at=clock.now(), created_by_id=by.id)
    session.add(form)
    session.flush()
    assert form.id is not None
    position = 0
    for section_no, section in enumerate(sections, start=1):
        for spec in section.items:
            position += 1
            session.add(SurveyItem(form_id=form.id, section_no=section_no,
                                   section=section.title.strip(), section_en=section.title_en,
                                   position=position, code=spec.code.strip(),
                                   title=spec.title.strip(), title_en=spec.title_en))
    session.flush()
    audit.record(session, by=by, action="survey.form.create", entity="survey_form",
                 entity_id=form.id, detail={"name": name, "version": version,
                                            "items": position})
    return form


def latest_form(session: Session) -> SurveyForm | None:
    return session.execute(
        select(SurveyForm).order_by(col(SurveyForm.version).desc())).scalars().first()


def ensure_form(session: Session, *, by: Staff) -> SurveyForm:
    """The newest form; the SPEC's form is created the first time."""
    return latest_form(session) or create_form(session, by=by, name=DEFAULT_FORM_NAME,
                                               sections=DEFAULT_FORM)


def form_items(session: Session, form_id: int) -> list[SurveyItem]:
    return list(session.execute(select(SurveyItem).where(col(SurveyItem.form_id) == form_id)
                             .order_by(col(SurveyItem.position))).scalars().all())


def item_title(item: SurveyItem) -> str:
    from deskapp.i18n import language

    return item.title_en if language() == "en" and item.title_en else item.title


def section_title(item: SurveyItem) -> str:
    from deskapp.i18n import language

    return item.section_en if language() == "en" and item.section_en else item.section
