"""Extension points between areas, so no area imports another's internals.

- ``unit_flag_provider``: warnings shown next to a unit everywhere it appears (arrears …).
- ``after_login_hook``: runs when a staff member logs in at a desk (opens the shift).
- ``open_items_provider``: items still open at handover time (pending contacts, work
  orders, visitors inside, keys out, parcels waiting, complaints needing action, cash …).
- ``document_dependents_provider``: before a cashier document (a receipt) is voided or
  refunded, the areas say which of their records depend on it — and whether the action
  is refused (``veto``, with what to do instead) or goes ahead reversing that record in
  the same transaction (``reverse``). See :func:`document_dependents`.
- ``contact_logger``: the one area that keeps the contact log (reception) writes a
  :class:`ContactNote` another area made with a unit's people (the cashier's arrears
  reminder) — so that area needs no import of the reception services.

Each area lists its providers in one explicit table, ``services/<area>/wiring.py``
(``register()``); :func:`load_area_services` calls those of :data:`AREAS` once, when a
hook is first used. The ``*_provider``/``*_hook`` functions register one provider.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from deskapp.db.models import Staff
from deskapp.db.models.reception import ContactChannel, ContactKind
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


@dataclass(frozen=True)
class DocumentAction:
    """A void or refund about to happen: ``action`` ``"void"`` | ``"refund"`` of the
    document ``kind`` (``"receipt"``) ``id``. ``origin``: the area doing it on its own
    record (the renovation deposit refund refunds the deposit receipt itself), whose
    provider then has nothing to object."""

    action: str
    kind: str
    id: int
    origin: str = ""


@dataclass(frozen=True)
class DocumentDependent:
    """A record of another area that depends on a document. ``text`` (translated) names
    it and says what happens — or, with ``veto``, why the action is refused and what to do
    instead. ``reverse(session, by)`` runs in the action's transaction when it goes on."""

    text: str
    veto: bool = False
    reverse: Callable[[Session, Staff], None] | None = None


@dataclass(frozen=True)
class ContactNote:
    """A contact of another area with a unit's people, for the reception contact log
    (:func:`log_contact`): already translated ``content``, logged at ``desk`` by the
    staff member who made it."""

    channel: ContactChannel
    kind: ContactKind
    content: str
    at: datetime
    unit_id: int | None = None
    person_name: str = ""
    desk: str | None = None


AfterLogin = Callable[[Session, "Staff", str], None]
UnitFlagProvider = Callable[[Session, list[int]], dict[int, list[UnitFlag]]]
OpenItemsProvider = Callable[[Session, HandoverContext], list[OpenItem]]

_unit_flag_providers: list[UnitFlagProvider] = []
_open_items_providers: list[tuple[int, str, OpenItemsProvider]] = []
_after_login: list[AfterLogin] = []
DocumentDependentsProvider = Callable[[Session, DocumentAction], list[DocumentDependent]]
_document_dependents: list[DocumentDependentsProvider] = []
ContactLogger = Callable[[Session, Staff, ContactNote], int | None]
_contact_loggers: list[ContactLogger] = []


def contact_logger(fn: ContactLogger) -> ContactLogger:
    """Register ``fn(session, by, note) -> contact id``: the area that keeps the contact
    log writes ``note`` to it in the caller's transaction (one logger: the reception)."""
    _contact_loggers.append(fn)
    return fn


def log_contact(session: Session, by: Staff, note: ContactNote) -> int | None:
    """Write ``note`` to the contact log; the contact's id (``None`` when no area keeps
    a contact log)."""
    load_area_services()
    contact_id = None
    for fn in _contact_loggers:
        contact_id = fn(session, by, note)
    return contact_id


def document_dependents_provider(fn: DocumentDependentsProvider) -> DocumentDependentsProvider:
    """Register ``fn(session, action) -> [DocumentDependent]``: the area's records that
    depend on a document about to be voided or refunded."""
    _document_dependents.append(fn)
    return fn


def document_dependents(session: Session, action: DocumentAction) -> list[DocumentDependent]:
    """What every area says about ``action`` (providers in module-name order). The
    service refuses when any is a ``veto``; otherwise it runs each ``reverse`` in its own
    transaction, and the confirmation dialog lists every ``text`` beforehand."""
    load_area_services()
    found: list[DocumentDependent] = []
    for provider in sorted(_document_dependents, key=lambda f: (f.__module__, f.__qualname__)):
        found.extend(provider(session, action))
    return found


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
    """Register a provider of handover items: ``open_items_provider(fn, order=10)`` in the
    area's ``wiring.py``. The handover lists the providers' sections by
    ``order`` (then module name) — the same order whichever area was imported first."""
    if fn is None:
        return lambda f: open_items_provider(f, order=order)
    _open_items_providers.append((order, f"{fn.__module__}.{fn.__qualname__}", fn))
    return fn


# The areas whose ``services/<area>/wiring.py`` ``register()`` adds their providers — an
# explicit list, in this order (after-login hooks run in it).
AREAS = ("cashier", "complaints", "customer", "reception", "registers", "renovation",
         "survey")


_loaded = False
_load_lock = threading.Lock()


def load_area_services() -> None:
    """Register every area's providers (once; imported when first needed). Two threads
    (the UI's workers) may ask at once: a lock keeps it to one registration, so no
    provider is registered twice."""
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if _loaded:
            return
        for area in AREAS:
            importlib.import_module(f"deskapp.services.{area}.wiring").register()
        _loaded = True


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
