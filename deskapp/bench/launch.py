"""Helpers of :mod:`deskapp.bench.desk` (no ``run`` here). Launch to the login form DRAWN, as a person sees it: the real ``deskapp`` command runs in
a tmux pane and the clock stops when the login form's text is on the terminal. The same is
measured for a bare five-screen Textual app (the floor any Textual app pays), in the same
run, and printed as a ratio."""

from __future__ import annotations

import compileall
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

from deskapp.i18n import t

BARE_APP = '''
from textual.app import App
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label


class Area(Screen):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def compose(self):
        yield Header()
        yield Label(f"area {self.n}")
        yield Input(placeholder="search")
        yield Footer()


class Login(Screen):
    def compose(self):
        yield Label("BARE-LOGIN-FORM")
        yield Input(id="login")
        yield Input(password=True)
        yield Footer()


class Bare(App):
    def on_mount(self):
        for n in range(1, 5):
            self.install_screen(Area(n), name=f"a{n}")
        self.push_screen(Login())


Bare().run()
'''


def available() -> bool:
    return shutil.which("tmux") is not None


def byte_compile() -> None:
    """Compile the package's modules to ``__pycache__`` before the launches are timed, as
    ``pip install`` does for an installed desk. A checkout run with
    ``PYTHONDONTWRITEBYTECODE=1`` (the development machine's setting) otherwise compiles
    every module on the login's path from source at each launch (~0.2 s here), while the
    bare app's Textual in site-packages is compiled already: the ratio would compare a
    compiler with an import."""
    import deskapp

    compileall.compile_dir(Path(deskapp.__file__).parent, quiet=1)


def new_session(args: list[str], env: dict[str, str]) -> None:
    """``tmux new-session``, tried again when it meets the previous session's server on
    its way out ("server exited unexpectedly": the last session was just killed)."""
    for attempt in range(5):
        done = subprocess.run(["tmux", "new-session", *args], env=env, capture_output=True,
                              text=True)
        if done.returncode == 0:
            return
        time.sleep(0.1 * (attempt + 1))
    raise RuntimeError(f"tmux new-session failed: {done.stderr.strip()}")


def time_to_text(command: str, needles: list[str], *, env: dict[str, str] | None = None,
                 size: tuple[int, int] = (160, 45), timeout: float = 60.0,
                 cwd: Path | None = None) -> float:
    """Milliseconds from starting ``command`` in a fresh tmux pane (in ``cwd``; note that
    ``python -m`` imports from its working folder first) until every needle is on the
    screen. A traceback on the screen is an error, not a launch."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    full_env = {**os.environ, **(env or {})}
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
    shell = f"env {exports} {command}" if exports else command
    start = time.perf_counter()
    new_session(["-d", "-s", name, "-c", str(cwd or Path.cwd()), "-x", str(size[0]),
                  "-y", str(size[1]), shell], full_env)
    try:
        while time.perf_counter() - start < timeout:
            out = subprocess.run(["tmux", "capture-pane", "-p", "-t", name],
                                 capture_output=True, text=True).stdout
            if "Traceback" in out:
                raise RuntimeError("the program failed: " + " ".join(out.split()[-20:]))
            if all(n in out for n in needles):
                return (time.perf_counter() - start) * 1000
            time.sleep(0.01)
        raise TimeoutError(f"{needles!r} not on screen after {timeout:.0f} s")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def launch_ms(db_url: str, *, tmp: Path) -> float:
    """One launch of the real app to its login form, drawn."""
    env = {"DESKAPP_DB": db_url, "DESKAPP_HOME": str(tmp / "home"), "TERM": "xterm-256color",
           "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    cmd = f"{shlex.quote(sys.executable)} -m deskapp --lang zh"
    # the form is drawn when both the title and the submit button are on the screen
    return time_to_text(cmd, [t("login.title"), t("login.submit")], env=env)


def bare_ms(tmp: Path) -> float:
    script = tmp / "bare_app.py"
    script.write_text(BARE_APP, encoding="utf-8")
    cmd = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    return time_to_text(cmd, ["BARE-LOGIN-FORM"], env={"TERM": "xterm-256color"})
