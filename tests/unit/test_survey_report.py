"""The analysis report: text (bars, CJK widths), JSON figures, XLSX and the Chinese PDF;
the record-list sources of the survey screen."""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len

from deskapp.printing.pdf import pdf_text
from deskapp.printing.survey_report import render_pdf
from deskapp.reporting.text import bar, pad
from deskapp.services.listing import ListQuery
from deskapp.services.survey import distribution
from deskapp.services.survey import followups as survey_followups
from deskapp.services.survey.lists import (
    CampaignSource,
    FollowUpSource,
    ResponseSource,
    UnitStateSource,
    building_choices,
)
from deskapp.services.survey.report import build_report, render_text, to_json, to_xlsx
from tests.unit.test_survey import _enter, campaign, now, site  # noqa: F401


@pytest.fixture
def filled(db, supervisor, receptionist, campaign, site):  # noqa: F811
    with db.write() as session:
        distribution.exclude_vacant(session, by=receptionist, campaign_id=campaign.id, reason="空置")
        distribution.distribute(session, by=receptionist, campaign_id=campaign.id,
                                unit_ids=[site[c] for c in ("1-1-301", "1-1-302", "1-1-401")])
    r1 = _enter(db, receptionist, campaign, site["1-1-301"], [5, 2] + [None] * 19 + [4],
                improve="电梯经常停运")
    _enter(db, receptionist, campaign, site["1-1-302"], [4, 4] + [None] * 19 + [5],
           add_services="代收快递")
    _enter(db, receptionist, campaign, site["2-1-101"], [3, 1] + [None] * 19 + [3])
    with db.write() as session:
        survey_followups.create_followup(session, by=receptionist, response_id=r1.id, question="improve",
                                         department="工程部")
    return campaign


def test_bar_uses_eighths_and_keeps_width():
    assert bar(1.0, 4) == "████"
    assert bar(0.5, 4) == "██  "
    assert bar(0.0625, 2) == "▏ "
    assert bar(None, 3) == "   "
    assert all(len(bar(x / 10, 7)) == 7 for x in range(11))
    assert cell_len(pad("客户服务员", 12)) == 12 and cell_len(pad("公共设备运行保养", 6)) == 6


def test_report_text_and_json_figures(db, filled):
    with db.read() as session:
        report = build_report(session, filled.id)
    data = to_json(report)
    assert data["rates"]["valid_units"] == 9 and data["rates"]["distributed"] == 3
    assert data["rates"]["responses_from_distributed"] == 2
    assert data["rates"]["undistributed_responses"] == 1
    assert data["rates"]["recovery_rate"] == pytest.approx(0.6667, abs=1e-4)
    assert data["items"][0]["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
    assert data["items"][0]["mean"] == 4.0
    assert data["overall"]["n"] == 9 and data["overall"]["satisfaction_rate"] == pytest.approx(5 / 9,
                                                                                               abs=1e-4)
    assert data["lowest"][0] == "staff_maint"
    assert data["opinions"]["improve"] == [{"unit": "1-1-301", "text": "电梯经常停运",
                                            "followed_up": True}]
    assert data["followups"]["open"] == 1
    text = render_text(report)
    assert "2026年上半年客户满意度调查分析报告" in text
    assert "有效回收" in text and "66.7%" in text and "未达标" in text
    assert "客户服务员" in text and "█" in text
    assert "电梯经常停运" in text and "代收快递" in text
    # Every row of the item table lines up: same cell width, whatever the CJK titles.
    lines = text.splitlines()
    start = lines.index("三、分项统计") + 3  # the heading, the column titles, the rule
    rows = lines[start:lines.index("", start)]
    assert len(rows) == 31 and len({cell_len(line) for line in rows}) == 1
    [staff_row] = [line for line in rows if "客户服务员" in line]
    assert "66.7%" in staff_row and "████████████████ " in staff_row  # 2/3 of 24 cells
    assert "五、得分最低的项目" in text and "七、意见整改情况" in text


def test_report_xlsx_and_pdf(db, filled):
    from openpyxl import load_workbook

    with db.read() as session:
        report = build_report(session, filled.id)
    wb = load_workbook(io.BytesIO(to_xlsx(report)))
    assert wb.sheetnames == ["概况", "分项统计", "分楼栋", "意见"]
    items = list(wb["分项统计"].iter_rows(values_only=True))
    assert items[0][0] == "三、分项统计" and items[1][:3] == ("栏目", "项目", "评分数")
    assert items[3][1] == "客户服务员" and items[3][2] == 3 and items[3][9] == pytest.approx(2 / 3,
                                                                                        abs=1e-4)
    assert "满意率图" not in items[1]  # the bars are for people reading text and PDF
    text = pdf_text(render_pdf(report))
    assert "2026年上半年客户满意度调查分析报告" in text
    assert "服务人员仪态" in text and "电梯经常停运" in text and "66.7%" in text
    assert "五、得分最低的项目" in text and "■" in text  # the same tables as the text


def test_list_sources(db, filled, site):  # noqa: F811
    with db.read() as session:
        campaigns = CampaignSource()
        [row] = campaigns.fetch(session, ListQuery(), 0, 10)
        assert row.cells[1] == "2026年上半年客户满意度调查" and row.cells[-1] == "66.7%"
        units_src = UnitStateSource(filled.id, building_choices(session))
        assert units_src.count(session, ListQuery()) == 10
        assert units_src.count(session, ListQuery(filters={"state": "waiting"})) == 1
        assert units_src.count(session, ListQuery(filters={"state": "responded"})) == 3
        assert units_src.count(session, ListQuery(filters={"state": "excluded"})) == 1
        assert units_src.count(session, ListQuery(filters={"state": "none"})) == 5
        assert units_src.count(session, ListQuery(filters={"building": "2"})) == 4
        first = units_src.fetch(session, ListQuery(), 0, 3)
        assert [r.cells[0] for r in first] == ["1-1-301", "1-1-302", "1-1-401"]
        assert "138****" in first[0].cells[4]  # phones masked in lists
        last = units_src.fetch(session, ListQuery(), 0, 1, reverse=True)
        assert last[0].cells[0] == "2-1-202"
        flagged = units_src.fetch(session, ListQuery(search="2-1-101"), 0, 5)
        assert flagged[0].style == "warning" and "未登记发放" in flagged[0].cells[-1]
        responses = ResponseSource(filled.id)
        assert responses.count(session, ListQuery()) == 3
        assert responses.count(session, ListQuery(search="快递")) == 1
        rows = responses.fetch(session, ListQuery(search="2-1-101"), 0, 5)
        assert rows[0].cells[7] == "⚠未登记发放" and "****" in rows[0].cells[3]
        followups = FollowUpSource(filled.id)
        assert followups.count(session, ListQuery(filters={"status": "open"})) == 1
        assert followups.count(session, ListQuery(filters={"status": "replied"})) == 0
