"""`deskapp import units-update`: a register re-imported lists its differences first and
changes nothing; --apply makes them; a different owner is listed, never applied."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from deskapp.cli import app
from deskapp.cli.base import state
from deskapp.db.engine import Database
from deskapp.db.models import Occupant, Unit

runner = CliRunner()
HEADER = "楼栋,单元,楼层,房号,面积,用途,业主姓名,电话,身份证号\n"



def run(*args: str):  # type: ignore[no-untyped-def]
    state.db = state.lang = state.desk = None
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_register_update_dry_run_then_apply(tmp_path: Path, site_url: str) -> None:
    url = site_url
    first = tmp_path / "units.csv"
    first.write_text(HEADER + "1,1,12,1201,89.5,住宅,张三,13812345678,\n"
                     "1,1,12,1202,89.5,住宅,李四,13812345679,\n", encoding="utf-8-sig")
    assert run("--db", url, "import", "units", "--as", "boss", str(first)).exit_code == 0
    second = tmp_path / "units2.csv"
    second.write_text(HEADER + "1,1,12,1201,90.1,住宅,张三,13900000000,\n"
                      "1,1,12,1202,89.5,住宅,王五,13812345679,\n"
                      "1,1,12,1203,70,住宅,赵六,13700000000,\n", encoding="utf-8-sig")
    dry = run("--db", url, "import", "units-update", "--as", "boss", str(second))
    assert dry.exit_code == 0, dry.output
    out = dry.output
    assert "1-1-1201：面积 89.50 → 90.10" in out
    assert "139****0000" in out and "13900000000" not in out
    assert "李四 ≠ 文件 王五" in out and "1-1-1203" in out and "--apply" in out
    database = Database(url)
    with database.read() as s:  # nothing changed yet
        assert s.execute(select(Unit).where(Unit.code == "1-1-1203")).first() is None
    done = run("--db", url, "import", "units-update", "--as", "boss", "--apply", str(second))
    assert done.exit_code == 0, done.output
    assert "已更新 3 项；1 项未自动更改" in done.output
    with database.read() as s:
        u = s.execute(select(Unit).where(Unit.code == "1-1-1201")).scalar_one()
        assert str(u.area) in ("90.10", "90.1")
        names = set(s.execute(select(Occupant.name)).scalars())
        assert names == {"张三", "李四", "赵六"}  # 王五 not applied: a sale has a date
        phone = s.execute(select(Occupant.phone).where(Occupant.name == "张三")).scalar_one()
        assert phone == "13900000000"
    again = run("--db", url, "import", "units-update", "--as", "boss", str(second))
    assert "王五" in again.output and "90.1" not in again.output
