"""`deskapp parking`: a pass issued from the command line (a wrong plate refused with the
reason, nothing saved), found by part of its plate (phone masked), listed as expiring."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from deskapp.cli import app
from deskapp.cli.base import state
from deskapp.db.models.cashier import ParkingLease
from deskapp.services import units
from deskapp.services.cashier import fees
from deskapp.services.customer import parking_spaces
from tests.unit.test_parking import STANDARDS

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DESKAPP_DB", raising=False)
    state.db = state.lang = state.desk = None


def run(*args: str):  # type: ignore[no-untyped-def]
    state.db = state.lang = state.desk = None
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_issue_find_and_expiring(db, supervisor, specialist) -> None:
    with db.write() as s:
        fees.load_standards(s, by=None, specs=fees.read_standards_file(STANDARDS))
        b = units.get_or_create_building(s, code="3", floors=18)
        units.create_unit(s, building=b, entrance="1", floor=12, room="1201",
                          area=Decimal("89.36"))
        parking_spaces.add_space(s, by=specialist, number="B1-001", kind="rented")
    base = ("--db", db.url, "parking")
    bad = run(*base, "issue", "--space", "B1-001", "--unit", "3-1-1201", "--plate",
              "豫C1O345", "--as", "boss")
    assert bad.exit_code == 1 and "格式不对" in bad.output
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(ParkingLease)).scalar_one() == 0
    today = date.today().isoformat()  # the CLI runs on the real clock: no time asserted
    ok = run(*base, "issue", "--space", "b1-001", "--unit", "3-1-1201", "--plate",
             "豫c·10345", "--start", today, "--months", "1", "--holder", "张三", "--phone",
             "13812345678", "--as", "boss")
    assert ok.exit_code == 0, ok.output
    assert "豫C10345" in ok.output and "B1-001" in ok.output
    found = run(*base, "plate", "c103", "--as", "boss")
    assert found.exit_code == 0 and "豫C10345" in found.output
    assert "138****5678" in found.output and "13812345678" not in found.output
    soon = run(*base, "expiring", "--days", "31", "--as", "boss")
    assert soon.exit_code == 0 and "豫C10345" in soon.output
    short = run(*base, "plate", "豫", "--as", "boss")
    assert short.exit_code == 1
