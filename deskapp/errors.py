"""Errors raised by services. Each carries a catalogue key, so the message reaches the
user in their language; ``str(err)`` is the translated text."""

from __future__ import annotations


class DeskError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        from deskapp.i18n import t

        return t(self.key, **self.params)


class ValidationError(DeskError):
    """Bad input; ``field`` names the form field at fault when there is one."""

    def __init__(self, key: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(key, **params)
        self.field = field


class PermissionDenied(DeskError):
    """The acting staff member's role does not allow this action."""


class NotFound(DeskError):
    """The record asked for does not exist."""


class InvalidTransition(DeskError):
    """A state machine refused a step."""


class Conflict(DeskError):
    """The action clashes with the current state (double issue, already paid, ...)."""


class StorageError(DeskError):
    """The database cannot take the write: read-only file or database, disk full. Shown as
    a plain sentence ("数据库只读，未保存") instead of the driver's error."""
