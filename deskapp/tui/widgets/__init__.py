"""Shared widgets used by many screens: the record list, the unit picker, form inputs.

Import each from its module (``from deskapp.tui.widgets.record_list import RecordList``);
this package imports nothing itself, so loading one widget never loads the others.
"""
