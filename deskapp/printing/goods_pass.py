"""The goods release pass (物品放行通知单) as the guard receives it: A5 landscape, two
copies (desk stub, guard's copy), on the one PDF mechanism (:mod:`deskapp.printing.pdf`).
Its text comes from the catalogue like every document's (Chinese by default)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlmodel import Session

from deskapp.db.models import Staff
from deskapp.db.models.registers import GoodsPass, GoodsPassItem
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.printing.pdf import Document

if TYPE_CHECKING:
    from deskapp.printing.documents import Built

COPIES = ("registers.print.copy_stub", "registers.print.copy_guard")


def _applicant_kind(goods: GoodsPass) -> str:
    return t("registers.print.owner") if goods.applicant_kind.value == "owner" \
        else t("registers.print.tenant")


def render_goods_pass(goods: GoodsPass, items: Sequence[GoodsPassItem], *, unit_code: str,
                      issuer: str, site_name: str = "") -> bytes:
    return goods_pass_document(goods, items, unit_code=unit_code, issuer=issuer,
                               site_name=site_name).render()


def build_goods_pass(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``goods-pass`` (by id or ``FX2026-00012``)."""
    from deskapp.db.models import Unit
    from deskapp.printing.documents import Built, resolve
    from deskapp.services import site
    from deskapp.services.registers import goods as registers_goods

    goods = resolve(session, GoodsPass, ref, not_found="registers.goods.not_found")
    unit = session.get(Unit, goods.unit_id)
    issuer = session.get(Staff, goods.issued_by_id)
    profile = site.get_site(session)
    doc = goods_pass_document(goods, registers_goods.pass_items(session, goods.id),
                              unit_code=unit.code if unit else "",
                              issuer=issuer.name if issuer else "",
                              site_name=profile.name if profile else "")
    return Built(goods.number, doc)


def goods_pass_document(goods: GoodsPass, items: Sequence[GoodsPassItem], *, unit_code: str,
                        issuer: str, site_name: str = "") -> Document:
    doc = Document(t("registers.print.title"),
                   subtitle=t("registers.print.subtitle", site=site_name) if site_name else "",
                   copies=[t(key) for key in COPIES], page_size="A5-landscape",
                   number=goods.number, page_numbers=False)
    status = "" if goods.status.value == "issued" else \
        t(f"registers.print.status.{goods.status.value}")
    doc.field_rows([
        (t("registers.print.unit"), unit_code),
        (t("registers.print.out_date"), t("registers.print.date", y=goods.out_date.year,
                                          m=f"{goods.out_date.month:02d}",
                                          d=f"{goods.out_date.day:02d}") + status),
        (t("registers.print.applicant"), f"{goods.applicant}（{_applicant_kind(goods)}）"),
        (t("registers.print.phone"), mask_phone(goods.applicant_phone)),
        (t("registers.print.plate"), goods.plate or "—"),
        (t("registers.print.issued_at"), f"{goods.issued_at:%Y-%m-%d %H:%M}"),
    ], columns=2)
    if goods.consent_note:
        doc.paragraph(t("registers.print.consent", note=goods.consent_note))
    doc.table([t("registers.print.col.no"), t("registers.print.col.name"),
               t("registers.print.col.qty"), t("registers.print.col.measure")],
              [[str(n), i.name, str(i.qty), i.measure] for n, i in enumerate(items, 1)],
              col_widths=[1, 5, 1.5, 1.5], align=["center", "left", "right", "center"])
    doc.paragraph(t("registers.print.rule"), size=9)
    if goods.note:
        doc.paragraph(t("registers.print.note", note=goods.note), size=9)
    doc.signatures([t("registers.print.sign_issuer", name=issuer),
                    t("registers.print.sign_applicant"), t("registers.print.sign_guard")],
                   date=False)
    doc.stamp_note(t("registers.print.stamp"))
    return doc


def pass_pdf(session: Session, *, pass_id: int, by: Staff | None = None) -> bytes:
    """The printable pass (two copies: desk stub and guard's copy); printing it with ``by``
    is audited."""
    from deskapp.db.models import Unit
    from deskapp.errors import NotFound
    from deskapp.services import audit, site
    from deskapp.services.registers.goods import pass_items

    goods = session.get(GoodsPass, pass_id)
    if goods is None:
        raise NotFound("registers.goods.not_found")
    unit = session.get(Unit, goods.unit_id)
    issuer = session.get(Staff, goods.issued_by_id)
    profile = site.get_site(session)
    data = render_goods_pass(goods, pass_items(session, pass_id),
                             unit_code=unit.code if unit else "",
                             issuer=issuer.name if issuer else "",
                             site_name=profile.name if profile else "")
    if by is not None:
        audit.record(session, by=by, action="goods_pass.print", entity="goods_pass",
                     entity_id=goods.id, detail={"number": goods.number})
    return data
