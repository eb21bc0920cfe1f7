"""The areas of the desk, one key each. Each area is a Textual mode with its own screen
stack; its screen class is imported lazily, so an area that is not built yet shows a plain
"not available yet" screen instead of failing."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from deskapp.roles import Role  # not deskapp.db.models: keeps the ORM out of start-up

ALL = (Role.RECEPTIONIST, Role.SPECIALIST, Role.SUPERVISOR)


@dataclass(frozen=True)
class Area:
    key: str  # mode name
    title_key: str  # catalogue key
    binding: str  # key that opens it from anywhere
    screen: str  # "module:Class"
    roles: tuple[Role, ...] = ALL


AREAS: tuple[Area, ...] = (
    Area("reception", "area.reception", "f2", "deskapp.tui.screens.reception:ReceptionScreen"),
    Area("complaints", "area.complaints", "f3", "deskapp.tui.screens.complaints:ComplaintsScreen"),
    Area("renovation", "area.renovation", "f4", "deskapp.tui.screens.renovation:RenovationScreen"),
    Area("survey", "area.survey", "f5", "deskapp.tui.screens.survey:SurveyScreen"),
    Area("cashier", "area.cashier", "f6", "deskapp.tui.screens.cashier:CashierScreen"),
    Area("registers", "area.registers", "f7", "deskapp.tui.screens.registers:RegistersScreen"),
    Area("reports", "area.reports", "f8", "deskapp.tui.screens.reports:ReportsScreen"),
    Area("knowledge", "area.knowledge", "f9", "deskapp.tui.screens.knowledge:KnowledgeScreen"),
    # listed before the staff area, which stays last (its tests and the area bar end there)
    Area("customer", "area.customer", "f11", "deskapp.tui.screens.customer:CustomerScreen"),
    Area("admin", "area.admin", "f10", "deskapp.tui.screens.admin:AdminScreen", (Role.SUPERVISOR,)),
)

HOME = "reception"


def by_key(key: str) -> Area:
    for area in AREAS:
        if area.key == key:
            return area
    raise KeyError(key)


def screen_class(area: Area) -> type | None:
    """The area's screen class, or None when the area is not built yet."""
    module_name, _, class_name = area.screen.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, class_name, None)


_palette: list[tuple[str, Callable[[Any], None]]] = []


def palette_command(title_key: str) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register a "new …" command for the command palette; the callback gets the app.
    Area screen modules register theirs at import time."""

    def register(fn: Callable[[Any], None]) -> Callable[[Any], None]:
        _palette.append((title_key, fn))
        return fn

    return register


def palette_commands() -> list[tuple[str, Callable[[Any], None]]]:
    for area in AREAS:
        screen_class(area)  # importing the module registers its commands
    return list(_palette)


_openers: dict[str, Callable[[Any, int], None]] = {}


def record_opener(kind: str) -> Callable[[Callable[[Any, int], None]], Callable[[Any, int], None]]:
    """Register how to open a record of ``kind`` (``RecordRef.kind``): ``fn(app, id)``.
    The handover review, reports and search results open records through this."""

    def register(fn: Callable[[Any, int], None]) -> Callable[[Any, int], None]:
        _openers[kind] = fn
        return fn

    return register


def open_record(app: Any, kind: str, record_id: int) -> bool:
    for area in AREAS:
        screen_class(area)  # importing the module registers its openers
    opener = _openers.get(kind)
    if opener is None:
        return False
    opener(app, record_id)
    return True
