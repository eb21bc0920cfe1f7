"""Masking personal data for display, audit entries and logs.

* :func:`mask_id` — ``11010519491231002X`` → ``110105********002X``
* :func:`mask_phone` — ``13812345678`` → ``138****5678``; ``0571-87654321`` → ``0571-****4321``
* :func:`mask_text` — masks every ID number and mobile number found in free text.

All functions accept any string and never raise.
"""

from __future__ import annotations

import re

from deskapp.errors import ValidationError
from deskapp.validators import phone

__all__ = ["MASK", "mask_id", "mask_phone", "mask_text"]

MASK = "*"


def _mask_middle(value: str, head: int, tail: int) -> str:
    hidden = len(value) - head - tail
    if hidden <= 0:
        return MASK * len(value)
    return value[:head] + MASK * hidden + value[len(value) - tail :]


def mask_id(id_number: str) -> str:
    """Keep the first 6 and last 4 characters of an 18-character ID, mask the rest.

    Any length is safe: in general the first ``min(6, n // 3)`` and last ``min(4, n // 4)``
    characters stay visible, so at least 5/12 of any number is hidden: a passport
    (9 chars) gives ``E12****78``; 1–2 character inputs are fully masked.
    """
    value = id_number.strip()
    n = len(value)
    return _mask_middle(value, min(6, n // 3), min(4, n // 4))


def mask_phone(number: str) -> str:
    """Mask a phone number for display.

    * mobiles keep the first 3 and last 4 digits: ``138****5678`` (a ``+86`` or spaces
      in the input are normalised away);
    * landlines keep the area code, the last 4 digits and any extension:
      ``0571-****4321``, ``010-****5678-801``;
    * 400/800 service numbers are business numbers and stay as they are;
    * anything else shows at most its last 4 characters, and less than half of it.
    """
    try:
        normal = phone(number)
    except ValidationError:
        value = number.strip()
        return _mask_middle(value, 0, min(4, len(value) // 2))
    if "-" not in normal:
        return _mask_middle(normal, 3, 4)
    if normal.startswith(("400-", "800-")):
        return normal
    area, local, *ext = normal.split("-")
    return "-".join([area, _mask_middle(local, 0, 4), *ext])


_D = "[0-9\uff10-\uff19]"  # ASCII and full-width digits
_ID18 = re.compile(
    rf"(?<![0-9\uff10-\uff19])"
    rf"(?P<v>[1-9\uff11-\uff19]{_D}{{5}}"  # region
    rf"(?:1[89]|20|\uff11[\uff18\uff19]|\uff12\uff10){_D}{{2}}"  # year 18xx-20xx
    rf"{_D}{{4}}"  # month, day
    rf"{_D}{{3}}[0-9Xx\uff10-\uff19\uff38\uff58])"  # sequence, check
    rf"(?![0-9\uff10-\uff19])"
)
_ID15 = re.compile(
    rf"(?<![0-9\uff10-\uff19])(?P<v>[1-9\uff11-\uff19]{_D}{{14}})(?![0-9\uff10-\uff19])"
)
_MOBILE = re.compile(
    rf"(?<![0-9\uff10-\uff19])"
    rf"(?P<prefix>(?:\+|00|\uff0b)?(?:86|\uff18\uff16)[ \-]?)?"
    rf"(?P<a>[1\uff11][3-9\uff13-\uff19]{_D})[ \-]?(?P<b>{_D}{{4}})[ \-]?(?P<c>{_D}{{4}})"
    rf"(?![0-9\uff10-\uff19])"
)


def _mask_id_match(match: re.Match[str]) -> str:
    return mask_id(match["v"])


def _mask_mobile_match(match: re.Match[str]) -> str:
    return f"{match['prefix'] or ''}{match['a']}{MASK * 4}{match['c']}"


def mask_text(text: str) -> str:
    """Mask ID numbers (18-character and old 15-digit) and mobile numbers inside ``text``.

    Used before writing audit entries and logs. An 18-character run is treated as an ID
    when it looks like one (region digit, a year 18xx–20xx) — a wrong check character does
    not save a mistyped ID from masking. Mobiles may carry a ``+86`` prefix and be split
    3-4-4 with spaces or hyphens. Full-width digits are recognised too. Digits that are
    part of a longer run of digits are left alone.
    """
    text = _ID18.sub(_mask_id_match, text)
    text = _ID15.sub(_mask_id_match, text)
    return _MOBILE.sub(_mask_mobile_match, text)
