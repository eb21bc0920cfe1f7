"""Extension points between areas, so no area imports another's internals.

- ``unit_flag_provider``: warnings shown next to a unit everywhere it appears (arrears …).
- ``after_login_hook``: runs when a staff member logs in at a desk (opens the shift).
- ``open_items_provider``: items still open at handover time (pending contacts, work
  orders, visitors inside, keys out, parcels waiting, complaints needing action, cash …).

Providers register at import time; :func:`load_area_services` imports every service
module so that all providers are known.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlmodel import Session

from deskapp.db.models import Staff
from deskapp.masking import mask_text


@dataclass(frozen=True)
class RecordRef:
    """Points at one record so any screen can open it: ``RecordRef("workorder", 12)``."""

    kind: str
    id: int


@dataclass(frozen=True)
class OpenItem:
    section: str  # catalogue key of the section heading, e.g. "handover.section.workorders"
    label: str  # one line, already translated and masked
    ref: RecordRef | None = None
    since: datetime | None = None
    overdue: bool = False


@dataclass(frozen=True)
class UnitFlag:
    level: str  # "warning" | "info"
    text: str  # translated


@dataclass
class HandoverContext:
    start: datetime
    end: datetime
    staff_id: int | None = None
    desk: str = ""
    extra: dict[str, object] = field(default_factory=dict)


AfterLogin = Callable[[Session, "Staff", str], None]
UnitFlagProvider = Callable[[Session, list[int]], dict[int, list[UnitFlag]]]
OpenItemsProvider = Callable[[Session, HandoverContext], list[OpenItem]]

_unit_flag_providers: list[UnitFlagProvider] = []
_open_items_providers: list[tuple[int, str, OpenItemsProvider]] = []
_after_login: list[AfterLogin] = []


def after_login_hook(fn: AfterLogin) -> AfterLogin:
    """Run in the login's transaction when a staff member logs in at a desk (the
    reception area opens the shift here)."""
    _after_login.append(fn)
    return fn


def after_login(session: Session, staff: Staff, desk: str) -> None:
    load_area_services()
    for fn in _after_login:
        fn(session, staff, desk)


def unit_flag_provider(fn: UnitFlagProvider) -> UnitFlagProvider:
    _unit_flag_providers.append(fn)
    return fn


def open_items_provider(fn: OpenItemsProvider | None = None, *, order: int = 100
                        ) -> Any:
    """Register a provider of handover items: ``@open_items_provider`` or
    ``@open_items_provider(order=10)``. The handover lists the providers' sections by
    ``order`` (then module name) — the same order whichever area was imported first."""
    if fn is None:
        return lambda f: open_items_provider(f, order=order)
    _open_items_providers.append((order, f"{fn.__module__}.{fn.__qualname__}", fn))
    return fn


@cache
def load_area_services() -> None:
    import deskapp.services as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{pkg.__name__}.{info.name}")


def unit_flags(session: Session, unit_ids: list[int]) -> dict[int, list[UnitFlag]]:
    load_area_services()
    merged: dict[int, list[UnitFlag]] = {}
    if not unit_ids:
        return merged
    for provider in sorted(_unit_flag_providers, key=lambda f: (f.__module__, f.__qualname__)):
        for unit_id, flags in provider(session, unit_ids).items():
            merged.setdefault(unit_id, []).extend(flags)
    return merged


def open_items(session: Session, ctx: HandoverContext) -> list[OpenItem]:
    load_area_services()
    items: list[OpenItem] = []
    for _order, _name, provider in sorted(_open_items_providers, key=lambda p: p[:2]):
        items.extend(provider(session, ctx))
    # labels quote free text (a pending contact's content …): no full number in a handover
    return [replace(i, label=mask_text(i.label)) for i in items]
