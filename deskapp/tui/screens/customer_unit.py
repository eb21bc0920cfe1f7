"""The skeleton of a unit's page in the customer file (cards C, keys in trust K): a head
with the unit's summary read by a service, the unit's records in the one record list, Esc
back to the file. A page names its list source, its head query and how the head reads;
what its keys do stays its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from deskapp.services.listing import ListSource
from deskapp.tui.base import DeskScreen
from deskapp.tui.widgets.record_list import RecordList


class UnitPageScreen(DeskScreen):
    AREA = "customer"
    #: the id of the head above the list and of the list
    HEAD_ID: ClassVar[str]
    LIST_ID: ClassVar[str]

    def __init__(self, unit_id: int, unit_code: str) -> None:
        super().__init__()
        self.unit_id = unit_id
        self.unit_code = unit_code

    # -- what a page says ---------------------------------------------------------------

    def source(self) -> ListSource:
        """The unit's records (filtered to the unit)."""
        raise NotImplementedError

    def head_query(self, unit_id: int) -> Callable[[Session], Any]:
        """The service read behind the head."""
        raise NotImplementedError

    def head_text(self, data: Any) -> Text:
        """The head drawn from what :meth:`head_query` read (remember it when keys need it)."""
        raise NotImplementedError

    # -- the skeleton -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.list = RecordList(self.source(), self.app.db.read,
                               filters={"unit": self.unit_id}, id=self.LIST_ID)
        yield Header(show_clock=True)
        yield Static("", id=self.HEAD_ID)
        yield self.list
        yield Footer()

    def on_mount(self) -> None:
        self.list.focus()
        self.reload()

    def reload(self) -> None:
        self.list.refresh_data()
        self.call_service(self.head_query(self.unit_id), done=self._show_head,
                          group=self.HEAD_ID, exclusive=True)

    def _show_head(self, data: Any) -> None:
        self.query_one(f"#{self.HEAD_ID}", Static).update(self.head_text(data))

    def action_back(self) -> None:
        self.app.pop_screen()

    def after(self, say: Callable[[Any], str]) -> Callable[[Any], None]:
        """A form's or step's result said (``say(result)``), the page read again and the
        list focused; nothing said when the form was left without saving."""
        def done(result: Any) -> None:
            if result is not None:
                self.notify(say(result))
                self.reload()
            self.list.focus()
        return done
