"""Command line: ``deskapp`` opens the app; sub-commands do set-up, demo data,
import/export, reports and operations. Each module of this package registers its
commands on the Typer apps of :mod:`deskapp.cli.base`.

Start-up (issue #17): plain ``deskapp`` (only ``--db``/``--lang``/``--desk``) opens the app
without importing Typer and the command modules; ``app`` (the Typer application with
every command) is built when first asked for — by ``main`` for anything else, by tests.
"""

from __future__ import annotations

import gc
import importlib
import sys
from typing import Any

_GLOBAL_OPTIONS = ("--db", "--lang", "--desk")

# The modules whose commands make up ``deskapp`` — an explicit list (a new module of
# commands is added here).
COMMAND_MODULES = ("bench", "cashier", "complaints", "core", "customer", "ops", "parking",
                   "printing", "reception", "registers", "renovation", "reports", "survey")


def _load_commands() -> Any:
    from deskapp.cli.base import app

    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}")
    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return _load_commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def plain_launch(args: list[str]) -> dict[str, str] | None:
    """The global options of a command line that only opens the app (``deskapp``,
    ``deskapp --db URL --lang en``), parsed as Typer would (``--x V`` or ``--x=V``, the
    last one wins); None for anything else (a sub-command, ``--help``, a missing value),
    which Typer handles."""
    options: dict[str, str] = {}
    i = 0
    while i < len(args):
        name, eq, value = args[i].partition("=")
        if name not in _GLOBAL_OPTIONS:
            return None
        if not eq:
            if i + 1 >= len(args):
                return None
            i += 1
            value = args[i]
        options[name[2:]] = value
        i += 1
    return options


def open_app(*, db: str | None = None, lang: str | None = None, desk: str | None = None,
             login: str | None = None) -> None:
    """Open the desk (what ``deskapp`` and ``deskapp run`` do).

    Start-up (issue #17): the cyclic garbage collector is off until the login form is
    drawn (the app turns it back on, ``DeskApp._warm_up``): start-up makes hundreds of
    thousands of objects (Textual's classes, styles, widgets) and nothing to collect, and
    the collections it would run cost about 70 ms before the first paint."""
    gc.disable()
    from deskapp.config import load_settings
    from deskapp.i18n import set_language
    from deskapp.logsetup import setup_logging
    from deskapp.tui.app import create_app

    settings = load_settings(db_url=db, language=lang, desk=desk)
    set_language(settings.language)
    setup_logging()
    create_app(settings, login=login).run()


def main() -> None:
    options = plain_launch(sys.argv[1:])
    if options is not None:
        open_app(**options)
        return
    _load_commands()()


__all__ = ["app", "main", "open_app", "plain_launch"]
