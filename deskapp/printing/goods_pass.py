"""The goods release pass (物品放行通知单) as the guard receives it: A5 landscape, two
copies (desk stub, guard's copy), on the one PDF mechanism (:mod:`deskapp.printing.pdf`).
Printed in Chinese whatever the screen language: it is a document of the site."""

from __future__ import annotations

from collections.abc import Sequence

from deskapp.db.models.registers import GoodsPass, GoodsPassItem
from deskapp.masking import mask_phone
from deskapp.printing.pdf import Document

COPIES = ["第一联 存根", "第二联 门岗"]


def _applicant_kind(goods: GoodsPass) -> str:
    return "业主" if goods.applicant_kind.value == "owner" else "租户/商户"


def render_goods_pass(goods: GoodsPass, items: Sequence[GoodsPassItem], *, unit_code: str,
                      issuer: str, site_name: str = "") -> bytes:
    doc = Document("物品放行通知单", subtitle=f"{site_name}物业服务中心" if site_name else "",
                   copies=COPIES, page_size="A5-landscape", number=goods.number,
                   page_numbers=False)
    status = {"issued": "", "used": "（已使用）", "voided": "（已作废）"}[goods.status.value]
    doc.field_rows([
        ("房号", unit_code),
        ("放行日期", f"{goods.out_date:%Y年%m月%d日}{status}"),
        ("申请人", f"{goods.applicant}（{_applicant_kind(goods)}）"),
        ("联系电话", mask_phone(goods.applicant_phone)),
        ("车牌号", goods.plate or "—"),
        ("开单时间", f"{goods.issued_at:%Y-%m-%d %H:%M}"),
    ], columns=2)
    if goods.consent_note:
        doc.paragraph(f"业主同意：{goods.consent_note}")
    doc.table(["序号", "物品名称", "数量", "单位"],
              [[str(n), i.name, str(i.qty), i.measure] for n, i in enumerate(items, 1)],
              col_widths=[1, 5, 1.5, 1.5], align=["center", "left", "right", "center"])
    doc.paragraph("门岗凭此单核对物品及数量后放行，限当日有效；物品与清单不符不予放行。", size=9)
    if goods.note:
        doc.paragraph(f"备注：{goods.note}", size=9)
    doc.signatures([f"开单人（{issuer}）", "申请人", "门岗"], date=False)
    doc.stamp_note("加盖物业服务中心章有效")
    return doc.render()
