"""Command line: ``deskapp`` opens the app; sub-commands do set-up, demo data,
import/export, reports and operations. Each module of this package registers its
commands on the Typer apps of :mod:`deskapp.cli.base`."""

from __future__ import annotations

import importlib
import pkgutil

from deskapp.cli.base import app


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name != "base":
            importlib.import_module(f"{__name__}.{info.name}")


_load_commands()


def main() -> None:
    app()


__all__ = ["app", "main"]
