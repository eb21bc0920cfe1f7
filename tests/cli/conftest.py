"""The set-up every CLI test shares: a home of its own, no database from the environment,
the CLI state cleared, and the fixtures' password in DESKAPP_PASSWORD (the variable
scripts use; tests of the door itself unset it). ``site_url``: a real site made by
``deskapp init`` (supervisor ``boss``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskapp.cli import app
from deskapp.cli.base import state
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DESKAPP_DB", raising=False)
    monkeypatch.setenv("DESKAPP_PASSWORD", PASSWORD)
    state.db = state.lang = state.desk = None


@pytest.fixture
def site_url(tmp_path: Path) -> str:
    """A site set up through ``deskapp init`` in a SQLite file: 测试花园, boss / 王主管."""
    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    result = CliRunner().invoke(app, ["--db", url, "init", "--site", "测试花园", "--login",
                                      "boss", "--name", "王主管", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    state.db = state.lang = state.desk = None
    return url
