"""Command line: ``deskapp`` opens the app; sub-commands do set-up, demo data,
import/export, reports and operations. Each module of this package registers its
commands on the Typer apps of :mod:`deskapp.cli.base`."""

from __future__ import annotations

import importlib

from deskapp.cli.base import app

# The modules whose commands make up ``deskapp`` — an explicit list (a new module of
# commands is added here).
COMMAND_MODULES = ("bench", "cashier", "complaints", "core", "ops", "printing", "reception",
                   "registers", "renovation", "reports", "survey")


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}")


_load_commands()


def main() -> None:
    app()


__all__ = ["app", "main"]
