"""`deskapp bench` measures what a person sees (issue #17): the launch figure runs the real
command in a terminal and stops when the login form is drawn. Figures only — no timing is
asserted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deskapp.bench import Figure
from deskapp.bench import launch as tmux
from deskapp.db.engine import Database
from deskapp.i18n import set_language

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")


@needs_tmux
def test_launch_waits_for_the_login_form_drawn(db: Database, supervisor: object,
                                               tmp_path: Path) -> None:
    ms = tmux.launch_ms(db.url, tmp=tmp_path)
    assert ms > 0


@needs_tmux
def test_launch_gives_up_when_the_form_never_appears(tmp_path: Path) -> None:
    with pytest.raises(TimeoutError):
        tmux.time_to_text("sleep 5", ["never on screen"], timeout=0.5)


def test_figure_prints_its_goal_and_verdict_in_chinese_and_english() -> None:
    over = Figure("启动", 1500.0, goal=400)
    met = Figure("switch", 10.0, goal=20)
    assert "目标 ≤ 400 ms" in str(over) and "未达标" in str(over) and not over.met
    assert "达标" in str(met) and met.met
    set_language("en")
    assert "goal ≤ 20 ms met" in str(met)
    assert "missed" in str(over)


@needs_tmux
def test_a_crash_on_screen_is_not_taken_for_a_launch(tmp_path: Path) -> None:
    cmd = "python3 -c 'import sys; print(\"登录\"); print(\"Traceback (most recent call last):\")'"
    with pytest.raises(RuntimeError):
        tmux.time_to_text(cmd + "; sleep 5", ["never"], timeout=5)


def test_a_goal_figure_prints_its_reference_and_ratio() -> None:
    set_language("zh")
    cursor = Figure("按 down", 30.0, goal=20, reference=60.0)
    assert "参照 60.0 ms（0.50×）" in str(cursor)
    assert "参照 —" in str(Figure("内存", 106, "MB", goal=100))  # no reference measured
    set_language("en")
    assert "reference 60.0 ms (0.50×)" in str(cursor)
    set_language("zh")


@needs_tmux
def test_memory_is_read_after_a_real_login(db: Database, receptionist: object,
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    """The RSS step types the login and password into the login form (it used to start
    ``run --login`` without a password, which never reached an area): the receptionist's
    name, shown only once signed in, must be on screen before memory is read."""
    from types import SimpleNamespace

    from deskapp.bench import desk
    from tests.conftest import PASSWORD

    monkeypatch.setattr(desk, "PASSWORD", PASSWORD)
    ctx = SimpleNamespace(db=db, tmp=tmp_path)
    assert desk._rss_after_login(ctx, "desk1", "张前台") > 20  # type: ignore[arg-type]


def test_launches_are_timed_on_compiled_modules() -> None:
    """The package is byte-compiled before the launches are timed (as an installed desk
    is), also where PYTHONDONTWRITEBYTECODE keeps the imports from writing ``.pyc``."""
    import importlib.util

    import deskapp.tui.app

    tmux.byte_compile()
    source = Path(deskapp.tui.app.__file__)
    cached = Path(importlib.util.cache_from_source(str(source)))
    assert cached.is_file() and cached.stat().st_mtime >= source.stat().st_mtime
