"""Every command line door that changes data or shows personal data asks who is acting and
checks the password like the login screen; set-up commands on an empty database stay open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from deskapp.cli import app
from deskapp.db.models import AuditEntry
from deskapp.services import staff as staff_svc
from tests.conftest import PASSWORD

runner = CliRunner()

# (arguments, supervisor only) — one row per door.
DOORS: list[tuple[list[str], bool]] = [
    (["staff", "list"], True),
    (["staff", "add", "x1", "某某", "--password", "secret456"], True),
    (["staff", "passwd", "boss", "--password", "secret456"], True),
    (["staff", "disable", "boss"], True),
    (["staff", "unlock", "boss"], True),
    (["import", "units", "units.csv"], True),
    (["cashier", "standards"], True),
    (["cashier", "bills", "--period", "2026-11"], False),
    (["report", "cashier", "--date", "2026-11-30"], False),
    (["report", "monthly", "-m", "2026-11"], True),
    (["report", "complaints", "-m", "2026-11"], False),
    (["report", "reception", "-m", "2026-11"], False),
    (["report", "handovers", "-d", "2026-11-30"], False),
    (["report", "registers", "-m", "2026-11"], False),
    (["report", "renovation", "-m", "2026-11"], False),
    (["report", "survey"], False),
    (["registers", "open"], False),
    (["registers", "goods-pass", "FX2026-00001"], False),
    (["registers", "load-kinds"], True),
    (["renovation", "list"], False),
    (["renovation", "certificate", "ZX2026-0001"], False),
    (["workorder", "print", "WX20261130-001"], False),
    (["print", "receipt", "SJ2026-000001", "--no-send"], False),
    (["db", "backup"], True),
    (["run", "--login", "boss"], False),
]
IDS = [" ".join(args[:2]) for args, _ in DOORS]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _run(db, args: list[str], *, login: str | None = None, input: str | None = None):  # type: ignore[no-untyped-def]
    extra = ["--as", login] if login else []
    if args[0] == "run":  # --login is run's --as
        extra = []
    return runner.invoke(app, ["--db", db.url, *args, *extra], input=input)


def _cli_failures(db) -> list[dict]:
    with db.read() as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.action == "auth.failed")).all()
        return [json.loads(r.detail) for r in rows]


@pytest.mark.parametrize(("args", "boss_only"), DOORS, ids=IDS)
def test_no_login_is_refused(db, receptionist, args, boss_only) -> None:
    if args[0] == "run":
        pytest.skip("run without --login shows the login screen")
    result = _run(db, args)
    assert result.exit_code == 2, result.output
    assert "此命令需要身份验证：请用 --as 账号 指明操作人" in result.output


@pytest.mark.parametrize(("args", "boss_only"), DOORS, ids=IDS)
def test_no_password_is_refused(db, receptionist, monkeypatch, args, boss_only) -> None:
    monkeypatch.delenv("DESKAPP_PASSWORD")
    result = _run(db, args, login="boss", input="\n")
    assert result.exit_code == 2, result.output
    assert "未输入密码" in result.output and "DESKAPP_PASSWORD" in result.output
    assert _cli_failures(db) == []  # nothing was tried


@pytest.mark.parametrize(("args", "boss_only"), DOORS, ids=IDS)
def test_wrong_password_is_refused_and_audited(db, receptionist, monkeypatch, args,
                                               boss_only) -> None:
    monkeypatch.setenv("DESKAPP_PASSWORD", "guess123")
    result = _run(db, args, login="boss")
    assert result.exit_code == 1, result.output
    assert "账号或密码不正确" in result.output
    assert _cli_failures(db) == [{"login": "boss", "channel": "cli", "reason": "bad_login",
                                  "failures": 1}]
    with db.read() as session:
        assert "guess123" not in " ".join(e.detail for e in session.exec(select(AuditEntry)))


@pytest.mark.parametrize(("args", "boss_only"), [d for d in DOORS if d[1]],
                         ids=[i for i, d in zip(IDS, DOORS, strict=True) if d[1]])
def test_receptionist_cannot_use_a_supervisor_door(db, receptionist, args, boss_only) -> None:
    result = _run(db, args, login="desk1")
    assert result.exit_code == 1, result.output
    assert "无权操作" in result.output


def test_the_password_prompt_is_hidden_and_works(db, receptionist, monkeypatch) -> None:
    monkeypatch.delenv("DESKAPP_PASSWORD")
    result = _run(db, ["staff", "list"], login="boss", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "boss 的密码" in result.output and PASSWORD not in result.output
    assert "desk1" in result.output


def test_the_command_line_shares_the_login_lock(db, supervisor, receptionist,
                                                monkeypatch) -> None:
    monkeypatch.setenv("DESKAPP_PASSWORD", "guess123")
    for _ in range(5):
        assert _run(db, ["registers", "open"], login="desk1").exit_code == 1
    monkeypatch.setenv("DESKAPP_PASSWORD", PASSWORD)
    locked = _run(db, ["registers", "open"], login="desk1")
    assert locked.exit_code == 1
    assert "登录失败次数过多，请 5 分钟后再试或请主管解锁" in locked.output
    with db.read() as session:
        assert staff_svc.locked_minutes(session, "desk1") == 5
    unlocked = _run(db, ["staff", "unlock", "desk1"], login="boss")
    assert unlocked.exit_code == 0 and "已解锁" in unlocked.output
    assert _run(db, ["registers", "open"], login="desk1").exit_code == 0


def test_the_right_password_acts_as_that_person(db, supervisor, receptionist) -> None:
    result = _run(db, ["staff", "disable", "desk1"], login="boss")
    assert result.exit_code == 0, result.output
    with db.read() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "staff.deactivate")
                             ).one()
        assert entry.staff_id == supervisor.id
    # A disabled account can no longer use the command line.
    assert "已停用" in _run(db, ["registers", "open"], login="desk1").output
