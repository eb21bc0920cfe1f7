"""What a destructive or money action is about to do, read from the database at the
moment the user is asked (never from what a screen happened to show).

Each such action has a small ``*_preview`` function next to it in its area's service
(``cashier.void_preview``, ``cashier.refund_preview``, ``cashier_close.close_preview``,
``renovation.refund_preview`` / ``cancel_preview``, ``complaints.archive_preview``,
``staff.disable_preview``). It runs the action's own checks (so a refusal shows before the
dialog, not after the key) and returns an :class:`ActionPreview`, which the one confirm
dialog (``deskapp.tui.widgets.confirm.ConfirmDialog``) shows line by line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ActionPreview"]


@dataclass(frozen=True)
class ActionPreview:
    """``title`` (translated), ``lines`` as ``(label, value)`` — document number, unit,
    payer, amount … — and ``notes``: consequences in other areas (from
    :func:`deskapp.services.hooks.document_dependents`) or warnings. ``expected`` carries a
    figure the action must find unchanged when it runs (the daily close's expected cash)."""

    title: str
    lines: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)
    expected: Any = None
