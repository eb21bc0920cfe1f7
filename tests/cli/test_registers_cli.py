"""`deskapp report registers`, `deskapp registers open|goods-pass|load-kinds`."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from deskapp import clock
from deskapp.cli import app
from deskapp.printing.pdf import pdf_text
from deskapp.services import units
from deskapp.services.registers import goods, lending, visitors

runner = CliRunner()



@pytest.fixture
def activity(db, receptionist):
    with clock.freeze(datetime(2026, 11, 30, 10, 0)), db.write() as session:
        b = units.get_or_create_building(session, code="3", floors=18)
        u = units.create_unit(session, building=b, entrance="1", floor=12, room="1201",
                              area=Decimal("89.36"))
        units.add_occupant(session, unit=u, name="张三", phone="13812345678")
        visitors.register_visitor(session, by=receptionist, name="赵六", phone_no="13800001111",
                                  unit_id=u.id, people=2)
        g = goods.issue(session, by=receptionist, unit_id=u.id, applicant="张三",
                        applicant_phone="13812345678", items="沙发 1件")
        return g.number


def test_report_month_text_and_json(db, activity):
    out = runner.invoke(app, ["--db", db.url, "report", "registers", "--as", "boss", "--month", "2026-11"])
    assert out.exit_code == 0, out.output
    assert "前台登记月报 2026年11月" in out.output and "来访人数：2" in out.output
    data = json.loads(runner.invoke(app, ["--db", db.url, "report", "registers", "--as", "boss", "-m",
                                          "2026-11", "-f", "json"]).output)
    assert data["visitors"] == 1 and data["goods_passes_issued"] == 1
    empty = json.loads(runner.invoke(app, ["--db", db.url, "report", "registers", "--as", "boss", "-m",
                                           "2026-10", "-f", "json"]).output)
    assert empty["visitors"] == 0


def test_report_bad_input(db, activity):
    bad = runner.invoke(app, ["--db", db.url, "report", "registers", "--as", "boss", "--month", "2026-13"])
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output
    fmt = runner.invoke(app, ["--db", db.url, "report", "registers", "--as", "boss", "-f", "doc"])
    assert fmt.exit_code == 1 and "text 或 json" in fmt.output


def test_open_items_listed(db, activity):
    out = runner.invoke(app, ["--db", db.url, "registers", "open", "--as", "boss"])
    assert out.exit_code == 0, out.output
    assert "在场访客" in out.output and "赵六" in out.output
    assert "已开未用的放行单" in out.output and activity in out.output
    assert "13800001111" not in out.output


def test_goods_pass_pdf(db, activity, tmp_path):
    target = tmp_path / "pass.pdf"
    out = runner.invoke(app, ["--db", db.url, "registers", "goods-pass", "--as", "boss", activity, "-o",
                              str(target)])
    assert out.exit_code == 0, out.output
    assert activity in pdf_text(target.read_bytes())
    missing = runner.invoke(app, ["--db", db.url, "registers", "goods-pass", "--as", "boss", "FX1999-00001"])
    assert missing.exit_code == 1 and "找不到该放行单" in missing.output


def test_load_kinds(db, supervisor, receptionist):
    out = runner.invoke(app, ["--db", db.url, "registers", "load-kinds", "--as", "boss"])
    assert out.exit_code == 0 and f"已载入 {len(lending.DEFAULT_KINDS)} 种" in out.output
    denied = runner.invoke(app, ["--db", db.url, "registers", "load-kinds", "--as", "desk1"])
    assert denied.exit_code == 1
    with db.read() as session:
        assert len(lending.kinds(session)) == len(lending.DEFAULT_KINDS)
