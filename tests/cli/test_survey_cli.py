"""`deskapp report survey` in every format, by id and by month; bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from deskapp.cli import app
from deskapp.printing.pdf import pdf_text
from deskapp.services.survey import distribution
from tests.unit.test_survey import _enter, campaign, now, site  # noqa: F401

runner = CliRunner()



def test_report_survey_formats(db, receptionist, campaign, site, tmp_path):  # noqa: F811
    with db.write() as session:
        distribution.distribute(session, by=receptionist, campaign_id=campaign.id,
                                unit_ids=[site["1-1-301"], site["1-1-302"]])
    _enter(db, receptionist, campaign, site["1-1-301"], [5, 4] + [None] * 20, improve="门禁常坏")
    text = runner.invoke(app, ["--db", db.url, "report", "survey", "--as", "boss", "--campaign", "2026-06"])
    assert text.exit_code == 0, text.output
    assert "2026年上半年客户满意度调查分析报告" in text.output and "门禁常坏" in text.output
    out = runner.invoke(app, ["--db", db.url, "report", "survey", "--as", "boss", "--campaign",
                              str(campaign.id), "--format", "json"])
    data = json.loads(out.output)
    assert data["rates"]["distributed"] == 2 and data["rates"]["recovery_rate"] == 0.5
    pdf = tmp_path / "r.pdf"
    assert runner.invoke(app, ["--db", db.url, "report", "survey", "--as", "boss", "-f", "pdf", "-o", str(pdf)]
                         ).exit_code == 0
    assert "满意度调查分析报告" in pdf_text(pdf.read_bytes())
    xlsx = tmp_path / "r.xlsx"
    assert runner.invoke(app, ["--db", db.url, "report", "survey", "--as", "boss", "-f", "xlsx", "-o",
                               str(xlsx)]).exit_code == 0
    assert xlsx.read_bytes()[:2] == b"PK"


def test_report_survey_bad_input(db, supervisor, campaign):  # noqa: F811
    bad = runner.invoke(app, ["--db", db.url, "report", "survey", "--as", "boss", "--format", "doc"])
    assert bad.exit_code == 1 and "格式应为" in bad.output
    missing = runner.invoke(app, ["--db", db.url, "report", "survey", "--as", "boss", "--campaign", "2030-12"])
    assert missing.exit_code == 1 and "找不到该调查活动" in missing.output
