"""``deskapp db backup`` / ``db backups`` / ``db restore``, and ``audit verify`` naming a
tampered entry."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from deskapp.cli import app
from deskapp.db.engine import Database

runner = CliRunner()



def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def site(site_url: str) -> str:
    return site_url


def test_backup_list_and_restore(site: str, tmp_path: Path) -> None:
    where = tmp_path / "copies"
    first = invoke("--db", site, "db", "backup", "--as", "boss", "--dir", str(where), "--keep", "2")
    assert first.exit_code == 0, first.output
    assert "已备份" in first.output and "integrity_check" in first.output
    (copy,) = sorted(where.glob("deskapp-*.sqlite3"))
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    listing = invoke("--db", site, "db", "backups", "--dir", str(where))
    assert copy.name in listing.output and "行" in listing.output
    target = tmp_path / "restored.sqlite3"
    restored = invoke("--db", site, "db", "restore", str(copy), "--to", str(target), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "已恢复" in restored.output and target.exists()
    assert "审计日志完整" in invoke("--db", f"sqlite:///{target}", "audit", "verify").output


def test_backup_uses_the_settings_folder_and_generations(site: str, tmp_path: Path) -> None:
    for _ in range(3):
        assert invoke("--db", site, "db", "backup", "--as", "boss", "--keep", "2").exit_code == 0
    kept = sorted((tmp_path / "home" / "backups").glob("deskapp-*.sqlite3"))
    assert len(kept) == 2
    assert "deskapp-" in invoke("--db", site, "db", "backups").output


def test_restore_asks_first_and_refuses_an_existing_database(site: str, tmp_path: Path) -> None:
    assert invoke("--db", site, "db", "backup", "--as", "boss", "--dir", str(tmp_path / "c")).exit_code == 0
    (copy,) = (tmp_path / "c").glob("deskapp-*.sqlite3")
    # Over a database with staff accounts, one of its supervisors signs in first.
    anonymous = invoke("--db", site, "db", "restore", str(copy), "--yes", "--replace")
    assert anonymous.exit_code == 2 and "--as" in anonymous.output
    declined = invoke("--db", site, "db", "restore", str(copy), "--as", "boss", input="n\n")
    assert declined.exit_code == 1 and "已取消" in declined.output
    refused = invoke("--db", site, "db", "restore", str(copy), "--yes", "--as", "boss")
    assert refused.exit_code == 1 and "--replace" in refused.output
    replaced = invoke("--db", site, "--lang", "en", "db", "restore", str(copy), "--yes",
                      "--replace", "--as", "boss")
    assert replaced.exit_code == 0, replaced.output
    assert "previous database was saved" in replaced.output
    assert list(tmp_path.glob("site.sqlite3.before-restore-*"))


def test_restore_of_a_missing_or_foreign_file(site: str, tmp_path: Path) -> None:
    missing = invoke("--db", site, "db", "restore", str(tmp_path / "nope.sqlite3"), "--yes",
                     "--to", str(tmp_path / "x.sqlite3"))
    assert missing.exit_code == 1 and "找不到备份文件" in missing.output
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00" * 64)
    foreign = invoke("--db", site, "db", "restore", str(junk), "--yes", "--to",
                     str(tmp_path / "x.sqlite3"))
    assert foreign.exit_code == 1 and "不是 deskapp 的备份文件" in foreign.output
    assert "Traceback" not in foreign.output


def test_restore_warns_about_a_tampered_audit_log(site: str, tmp_path: Path) -> None:
    db = Database(site)
    with db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_entry_no_update"))  # as a tamperer would
        conn.execute(text("UPDATE audit_entry SET action = 'nothing' WHERE seq = 2"))
    db.dispose()
    verify = invoke("--db", site, "audit", "verify")
    assert verify.exit_code == 1 and "第 2 条处断开" in verify.output
    assert invoke("--db", site, "db", "backup", "--as", "boss", "--dir", str(tmp_path / "c")).exit_code == 0
    (copy,) = (tmp_path / "c").glob("deskapp-*.sqlite3")
    restored = invoke("--db", site, "db", "restore", str(copy), "--yes", "--to",
                      str(tmp_path / "r.sqlite3"))
    assert restored.exit_code == 2 and "第 2 条断链" in restored.output


def test_keep_zero_is_refused(site: str, tmp_path: Path) -> None:
    result = invoke("--db", site, "db", "backup", "--as", "boss", "--dir", str(tmp_path / "c"), "--keep", "0")
    assert result.exit_code == 1 and "至少为 1" in result.output
