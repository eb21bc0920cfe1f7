"""The blank satisfaction questionnaire (客户满意度调查表) as the plan's appendix has it:
the letter to the customer, every item of the campaign's form with the 5–1 scale, the
three open questions and the signature lines — one page per unit, headed with the unit,
the owner's surname and the form number (``MY20262-00127``) that survey entry opens the
unit from. A whole campaign prints as one PDF in building, floor and room order."""

from __future__ import annotations

from sqlmodel import Session

from deskapp.db.models import Staff, Unit
from deskapp.db.models.survey import SurveyCampaign, SurveyItem
from deskapp.errors import Conflict
from deskapp.i18n import t
from deskapp.printing.documents import Built
from deskapp.printing.pdf import Document, Unmasked
from deskapp.services import site, units
from deskapp.services.survey import campaigns, distribution, forms

SCALE = (5, 4, 3, 2, 1)


def _page(session: Session, doc: Document, campaign: SurveyCampaign, unit: Unit,
          items: list[SurveyItem], company: str, service_phone: str) -> None:
    assert unit.id is not None
    owner = units.owner_of(session, unit.id)
    surname = owner.name.strip()[:1] if owner and owner.name.strip() else ""
    doc.field_rows([
        (t("print.survey.unit"), unit.code),
        (t("print.survey.to"), t("print.notice.salutation", surname=surname) if surname
         else t("print.notice.salutation_plain")),
        (t("print.survey.form_no"), distribution.form_number(campaign, unit.id)),
        (t("print.survey.return_by"), f"{campaign.collection_deadline:%Y-%m-%d}"),
    ], columns=2)
    doc.paragraph(Unmasked(t("print.survey.letter", company=company, title=campaign.title,
                             deadline=f"{campaign.collection_deadline:%Y-%m-%d}",
                             phone=service_phone or "—")), size=9)
    doc.paragraph(t("print.survey.scale"), size=9)
    rows: list[list[str]] = []
    section = ""
    for item in items:
        head = forms.section_title(item)
        rows.append([head if head != section else "", forms.item_title(item),
                     *("□" for _ in SCALE)])
        section = head
    doc.table([t("print.survey.col.section"), t("print.survey.col.item"),
               *(str(s) for s in SCALE)], rows, col_widths=[1.6, 2.4, 0.5, 0.5, 0.5, 0.5, 0.5],
              align=["left", "left", "center", "center", "center", "center", "center"])
    for key in ("survey.question.improve", "survey.question.add", "survey.question.other"):
        doc.paragraph(t(key))
        doc.spacer(10)
    doc.signatures([t("print.survey.sign.name"), t("print.survey.sign.phone")], date=True)


def build_questionnaires(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``survey-forms``: ``ref`` is a campaign
    (``2026-12``, ``2026H2`` or its id) for every unit of it, or one form number
    (``MY20262-00127``) for a single unit's replacement form."""
    text = str(ref).strip()
    if isinstance(ref, int):
        text = str(ref)  # a campaign id
    if distribution.is_form_number(text):
        year, rest = text.upper()[2:6], text.upper()[6:]
        campaign = campaigns.find_campaign(session, f"{year}H{rest[0]}")
        assert campaign.id is not None
        unit_ids = [distribution.unit_of_form_number(session, campaign_id=campaign.id,
                                                     text=text)]
        number = text.upper()
    else:
        campaign = campaigns.find_campaign(session, text)
        assert campaign.id is not None
        unit_ids = distribution.questionnaire_units(session, campaign.id)
        number = f"MY{campaign.year}{campaign.half}"
    if not unit_ids:
        raise Conflict("print.survey.no_units")
    items = forms.form_items(session, campaign.form_id)
    profile = site.get_site(session)
    company = (profile.company or profile.name) if profile else ""
    doc = Document(t("print.survey.title"), subtitle=company, number=number,
                   copies=[t("print.copy.customer")],
                   page_numbers=False)
    for index, unit_id in enumerate(unit_ids):
        if index:
            doc.page_break()
        unit = session.get(Unit, unit_id)
        assert unit is not None
        _page(session, doc, campaign, unit, items, company,
              profile.service_phone if profile else "")
    return Built(number, doc)
