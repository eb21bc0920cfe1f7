"""Masking personal data for display, audit entries and logs.

* :func:`mask_id` — ``11010519491231002X`` → ``110105********002X``
* :func:`mask_phone` — ``13812345678`` → ``138****5678``; ``0571-87654321`` → ``0571-****4321``
* :func:`mask_text` — masks every ID number and mobile number found in free text.

All functions accept any string and never raise.
"""

from __future__ import annotations

import re
import unicodedata

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


# -- free text -------------------------------------------------------------------------
#
# Numbers are found in a *normalised* copy of the text — NFKC (full-width ``１３８`` and
# ``（）`` become ASCII), format characters (zero-width spaces and joiners, the BOM, …)
# removed — and may be written with separators between their digits, as people write them
# and as the validators accept them: ``138 1234 5678``, ``138-1234-5678``,
# ``138.1234.5678``, ``138/1234/5678``, ``(138)12345678``, ``110105 19491231 002X``.
# Each match is then replaced in the *original* text, so the rest reads as typed.

_SEP = r"[\s\-./()]{0,2}"  # between two digits: up to two separator characters


def _spaced(*parts: str) -> str:
    return _SEP.join(parts)


_ID18 = re.compile(
    r"(?<![0-9])(?P<num>"
    + _spaced("[1-9]", *["[0-9]"] * 5)  # region
    + _SEP + r"(?:1" + _SEP + "[89]|2" + _SEP + "0)"  # year 18xx-20xx …
    + _SEP + _spaced(*["[0-9]"] * 9)  # … the rest of the birth date, the sequence
    + _SEP + "[0-9Xx])(?![0-9])"  # check character
)
_ID15 = re.compile(r"(?<![0-9])(?P<num>" + _spaced("[1-9]", *["[0-9]"] * 14) + r")(?![0-9])")
_MOBILE = re.compile(
    r"(?<![0-9])(?P<prefix>(?:\+|00)?86" + _SEP + r")?\(?"
    r"(?P<num>" + _spaced("1", "[3-9]", *["[0-9]"] * 9) + r")(?![0-9])"
)
_ANY_DIGIT = re.compile(r"\d")


def _normalised(text: str) -> tuple[str, list[int]]:
    """The text NFKC-normalised character by character without format characters, and
    for each of its characters the index of the original character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        if c.isascii():
            chars.append(c)
            origin.append(i)
            continue
        category = unicodedata.category(c)
        if category == "Cf":
            continue
        n = unicodedata.normalize("NFKC", c)
        # one character for one, and only real digits become digits (``²``, ``①``, ``¼``
        # are not part of a number written next to them)
        ok = len(n) == 1 and (category == "Nd" or not n.isdigit())
        chars.append(n if ok else "\x01")
        origin.append(i)
    return "".join(chars), origin


def mask_text(text: str) -> str:
    """Mask ID numbers (18-character and old 15-digit) and mobile numbers inside ``text``.

    Used before writing audit entries and logs, and on every list cell. An 18-character
    run is treated as an ID when it looks like one (region digit, a year 18xx–20xx) — a
    wrong check character does not save a mistyped ID from masking. Mobiles may carry a
    ``+86`` prefix. Full-width digits, zero-width characters and separators between the
    digits (spaces, hyphens, dots, slashes, parentheses) do not hide a number; the masked
    number is written without its separators (``138.1234.5678`` → ``138****5678``).
    Digits that are part of a longer run of digits are left alone.
    """
    if len(_ANY_DIGIT.findall(text)) < 11:
        return text  # too few digits for any of them: the common case, kept cheap
    norm, origin = _normalised(text)
    taken = [False] * len(norm)
    edits: list[tuple[int, int, str]] = []
    for pattern in (_ID18, _ID15, _MOBILE):
        for match in pattern.finditer(norm):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            for j in range(start, end):
                taken[j] = True
            num_start, num_end = match.span("num")
            visible = "".join(text[origin[j]] for j in range(num_start, num_end)
                              if norm[j].isalnum())
            if pattern is _MOBILE:
                prefix = ""
                if match["prefix"]:
                    p_start, p_end = match.span("prefix")
                    prefix = text[origin[p_start]:origin[p_end - 1] + 1].rstrip("(（")
                masked = f"{prefix}{visible[:3]}{MASK * 4}{visible[-4:]}"
            else:
                masked = mask_id(visible)
            edits.append((origin[start], origin[end - 1] + 1, masked))
    if not edits:
        return text
    out: list[str] = []
    at = 0
    for start, end, masked in sorted(edits):
        out.append(text[at:start])
        out.append(masked)
        at = end
    out.append(text[at:])
    return "".join(out)
