"""Small dialogs of the survey screen: read-only text views (the analysis report, a
response, a follow-up) with their keys. Which keys a response or follow-up offers is the
service's rule (:mod:`deskapp.services.survey.actions`), passed in as ``allowed``. Its forms
are :class:`deskapp.tui.widgets.form.SpecForm`."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Label, Static

from deskapp.i18n import t
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.reveal import RevealMixin, RevealTarget


def _pick(key: str, name: str, label_key: str) -> Binding:
    return Binding(key, f"pick('{name}')", t(label_key), id=label_key)


class TextModal(RevealMixin, DeskModal[str | None]):
    """A scrollable text; its subclasses' keys dismiss with the key's action name when
    that name is in ``allowed``, else they are not shown. ``k`` reveals what the text
    shows masked (``targets``)."""

    DEFAULT_CSS = """
    TextModal { align: center middle; }
    TextModal > Vertical { width: 90%; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    TextModal VerticalScroll { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "close", t("key.close"), id="key.close")]

    def __init__(self, title: str, body: Text | str, allowed: Iterable[str] = (),
                 targets: list[RevealTarget] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.allowed = frozenset(allowed)
        self.targets = list(targets or [])

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            with VerticalScroll(id="tm-scroll"):
                yield Static(self.body, id="tm-body")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one("#tm-scroll").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            return bool(parameters) and parameters[0] in self.allowed
        return super().check_action(action, parameters)

    def reveal_targets(self) -> list[RevealTarget]:
        return self.targets

    def action_pick(self, name: str) -> None:
        if name in self.allowed:
            self.dismiss(name)

    def action_close(self) -> None:
        self.dismiss(None)


class ReportView(TextModal):
    """The analysis report: saved as PDF or Excel."""

    BINDINGS = [_pick("p", "pdf", "survey.key.save_pdf"),
                _pick("x", "xlsx", "survey.key.save_xlsx")]


class ResponseView(TextModal):
    """One returned form: follow an opinion up, void it."""

    BINDINGS = [_pick("f", "followup", "survey.key.followup"),
                _pick("v", "void", "survey.key.void")]


class FollowUpView(TextModal):
    """One follow-up: the official answer, its scope, the reply to the owner, withdrawal."""

    BINDINGS = [_pick("a", "answer", "survey.key.answer"),
                _pick("s", "scope", "survey.key.scope"),
                _pick("p", "reply", "survey.key.reply"),
                _pick("w", "withdraw", "survey.key.withdraw")]
