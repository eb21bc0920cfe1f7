"""The screenshot scenarios of ``deskapp screenshots``, one module per area, beside
``tui/screenshots.py``; screen modules hold none.

A scenario is ``(name, coroutine)``: the coroutine takes the Pilot, with the area's main
screen showing, and brings it into the state to capture (a form filled in, a record
opened …). ``BY_AREA`` is the one explicit list; an area without an entry is captured on
its main screen only. Names are unique within an area (a test checks).
"""

from __future__ import annotations

from deskapp.tui.shots import (
    complaints,
    customer,
    reception,
    registers,
    renovation,
    reports,
    survey,
)
from deskapp.tui.shots.common import Scenario, Shots, settle

__all__ = ["BY_AREA", "Scenario", "Shots", "for_area", "settle"]

BY_AREA: dict[str, Shots] = {
    "reception": reception.SHOTS,
    "complaints": complaints.SHOTS,
    "renovation": renovation.SHOTS,
    "survey": survey.SHOTS,
    "registers": registers.SHOTS,
    "reports": reports.SHOTS,
    "customer": customer.SHOTS,
}


def for_area(key: str) -> Shots:
    """The scenarios of the area with this key (``[]`` when it has none)."""
    return list(BY_AREA.get(key, []))
