"""Timeline lines the system writes (issue #16 part 6): shown in the current language.

A complaint's timeline keeps the note of each step as text. Most notes are people's
words, but some are written by the system from a catalogue template ("重大投诉，受理即
上报", "超过结案时限（…），自动上报客服主管"), in whatever language the desk spoke when
the step happened. :func:`localize` recognises such a line — written in either
language, old rows included — and renders it again in the current language with the
same parameters; any other text comes back unchanged. No schema change: the stored
text stays what was written, the display follows ``--lang``.
"""

from __future__ import annotations

import re
from functools import cache

from deskapp.i18n import messages, t

#: catalogue keys of the lines the system writes into timelines
SYSTEM_KEYS = (
    "complaints.escalate.major_note",
    "complaints.overdue.first_response",
    "complaints.overdue.close",
)

_PARAM = re.compile(r"\{(\w+)\}")


def _pattern(template: str) -> re.Pattern[str]:
    out, pos = [], 0
    for m in _PARAM.finditer(template):
        out.append(re.escape(template[pos:m.start()]))
        out.append(f"(?P<{m.group(1)}>.+?)")
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("".join(out) + r"\Z", re.DOTALL)


@cache
def _patterns(keys: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    catalogue = messages()
    found = []
    for key in keys:
        for template in catalogue[key]:
            found.append((key, _pattern(template)))
    return tuple(found)


def localize(text: str, keys: tuple[str, ...] = SYSTEM_KEYS) -> str:
    """``text`` in the current language when it is one of the system's lines (``keys``),
    else unchanged."""
    if not text:
        return text
    for key, pattern in _patterns(keys):
        m = pattern.match(text)
        if m is not None:
            return t(key, **m.groupdict())
    return text
