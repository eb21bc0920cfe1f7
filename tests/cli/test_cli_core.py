"""The command line: demo, init, staff, import, db upgrade, audit verify."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from deskapp.cli import app

runner = CliRunner()



def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def test_demo_builds_a_database_without_opening_it(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    result = invoke("demo", "--path", str(db), "--no-run", "--no-activity")
    assert result.exit_code == 0, result.output
    assert "demo123" in result.output and db.exists()
    assert "529 户" in result.output
    again = invoke("demo", "--path", str(db), "--no-run", "--keep")
    assert "沿用已有" in again.output


def test_the_demo_audit_log_verifies(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    assert invoke("demo", "--path", str(db), "--no-run", "--no-activity").exit_code == 0
    result = invoke("--db", f"sqlite:///{db}", "audit", "verify")
    assert result.exit_code == 0, result.output


def _logins(url: str) -> list[str]:
    from deskapp.db.engine import Database
    from deskapp.services import staff

    db = Database(url)
    try:
        with db.read() as session:
            return sorted(s.login for s in staff.list_staff(session))
    finally:
        db.dispose()


def test_demo_refuses_to_overwrite_a_real_site(tmp_path: Path, site_url: str) -> None:
    url = site_url
    result = invoke("--db", url, "demo", "--no-run", "--no-activity")
    assert result.exit_code == 1
    assert "不是演示数据库" in result.output and "--force" in result.output
    assert _logins(url) == ["boss"]  # untouched
    assert not (tmp_path / "home" / "backups").exists()


def test_demo_force_backs_up_the_real_site_first(tmp_path: Path, site_url: str) -> None:
    from deskapp.services.backup import list_backups

    url = site_url
    result = invoke("--db", url, "demo", "--no-run", "--no-activity", "--force")
    assert result.exit_code == 0, result.output
    copies = list_backups(tmp_path / "home" / "backups")
    assert len(copies) == 1 and "已备份" in result.output and copies[0].name in result.output
    assert _logins(f"sqlite:///{copies[0]}") == ["boss"]  # the site is in the copy
    assert "zhuguan" in _logins(url)


def test_demo_rebuilds_a_demo_database_without_asking(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    assert invoke("demo", "--path", str(db), "--no-run", "--no-activity").exit_code == 0
    again = invoke("--db", f"sqlite:///{db}", "demo", "--no-run", "--no-activity")
    assert again.exit_code == 0, again.output
    assert "529 户" in again.output and "已备份" not in again.output


def test_demo_path_and_db_together_are_refused(tmp_path: Path, site_url: str) -> None:
    url = site_url
    result = invoke("--db", url, "demo", "--path", str(tmp_path / "d.sqlite3"), "--no-run")
    assert result.exit_code == 1 and "只能指定一个" in result.output
    assert _logins(url) == ["boss"] and not (tmp_path / "d.sqlite3").exists()


def test_init_then_staff_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    result = invoke("--db", url, "init", "--site", "测试花园", "--login", "boss", "--name",
                    "王主管", "--password", "secret123")
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["--db", url, "init", "--site", "x", "--login", "b2", "--name",
                                "乙", "--password", "secret123"])
    assert again.exit_code == 1 and "已有员工账号" in again.output
    assert invoke("--db", url, "staff", "add", "--as", "boss", "desk1", "张前台", "--password", "secret123"
                  ).exit_code == 0
    listing = invoke("--db", url, "staff", "list", "--as", "boss").output
    assert "desk1" in listing and "前台接待员" in listing
    bad = runner.invoke(app, ["--db", url, "staff", "add", "--as", "boss", "desk2", "刘前台", "--password", "1"])
    assert bad.exit_code == 1 and "密码至少" in bad.output
    assert "审计日志完整" in invoke("--db", url, "audit", "verify").output
    assert "数据库结构版本" in invoke("--db", url, "db", "upgrade").output
    assert "Audit log intact" in invoke("--db", url, "--lang", "en", "audit", "verify").output


def test_init_asks_for_what_was_not_given(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    result = invoke("--db", url, "init", "--password", "secret123",
                    input="测试花园\nboss\n王主管\n")
    assert result.exit_code == 0, result.output
    assert "项目名称" in result.output and "主管账号" in result.output
    assert "项目「测试花园」已建立" in result.output


def test_import_rejects_a_bad_file_whole(tmp_path: Path, site_url: str) -> None:
    url = site_url
    bad = tmp_path / "units.csv"
    bad.write_text("楼栋,单元,楼层,房号,面积,用途,业主姓名,电话,身份证号\n"
                   "1,1,12,1201,89.5,住宅,张三,13812345678,\n"
                   "1,1,十二,1202,89.5,住宅,李四,13812345679,\n", encoding="utf-8-sig")
    result = runner.invoke(app, ["--db", url, "import", "units", "--as", "boss", str(bad)])
    assert result.exit_code == 1
    assert "3" in result.output  # the bad row is named
    good = tmp_path / "good.csv"
    good.write_text("楼栋,单元,楼层,房号,面积,用途,业主姓名,电话,身份证号\n"
                    "1,1,12,1201,89.5,住宅,张三,13812345678,\n", encoding="gb18030")
    ok = runner.invoke(app, ["--db", url, "import", "units", "--as", "boss", str(good)])
    assert ok.exit_code == 0, ok.output
