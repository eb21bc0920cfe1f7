"""Validators for what the front desk types in.

Each validator takes the raw text from an input, returns the normalised value, or raises
:class:`deskapp.errors.ValidationError` carrying a catalogue key (``validate.*``) so the
message reaches the user in their language. Every validator accepts an optional keyword
``field`` that is passed through to the error (the form uses it to focus the culprit).

Normalisation: format characters (zero-width …) dropped and NFKC first (full-width ``１２３`` / ``ＡＢＣ`` become ASCII), then spaces and
hyphens are dropped where they are only visual separators. After normalisation only ASCII
digits count as digits: Arabic-Indic or other Unicode digits are refused, never converted.

Pure Python: no Textual, no database.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from deskapp.errors import ValidationError

__all__ = [
    "credit_code",
    "credit_code_check_char",
    "format_room",
    "id_birth_date",
    "has_visible",
    "id_gender",
    "mobile_phone",
    "optional_text",
    "phone",
    "plate",
    "required_text",
    "resident_id",
    "resident_id_check_char",
    "room_code",
]

_ASCII_DIGITS = frozenset("0123456789")
_SEPARATORS = re.compile(r"[\s\-]+")


def _nfkc(s: str) -> str:
    """NFKC without format characters (zero-width spaces and joiners, BOM …): invisible,
    they would otherwise make a number look different from itself."""
    return unicodedata.normalize(
        "NFKC", "".join(c for c in s if unicodedata.category(c) != "Cf"))


def _compact(s: str) -> str:
    """NFKC, then drop all whitespace and hyphens (visual separators only)."""
    return _SEPARATORS.sub("", _nfkc(s))


def _is_digits(s: str) -> bool:
    """True when ``s`` is non-empty and made of ASCII digits only."""
    return bool(s) and all(c in _ASCII_DIGITS for c in s)


# --------------------------------------------------------------------------------------
# Resident identity card number, GB 11643-1999
# --------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2^(17-i) mod 11
_ID_CHECK = "10X98765432"  # indexed by (weighted sum mod 11)

# Province-level codes (first two digits of the region code). 71 Taiwan, 81 Hong Kong,
# 82 Macau, 83 residence permits for Taiwan residents.
_PROVINCES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip


def resident_id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character ('0'–'9' or 'X') for 17 ASCII digits."""
    if len(first17) != 17 or not _is_digits(first17):
        raise ValueError("need exactly 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id(s: str, *, today: date | None = None, field: str | None = None) -> str:
    """Validate an 18-character resident ID number; return it with an uppercase ``X``.

    Checks, each with its own message: characters, the retired 15-digit form, length,
    region code, birth date (a real date, year ≥ 1900, not after ``today`` — default
    :func:`deskapp.clock.today`), and the MOD 11-2 check character.
    """
    value = _compact(s).upper()
    if not value:
        raise ValidationError("validate.id.empty", field=field)
    body, last = value[:-1], value[-1]
    if not (body == "" or _is_digits(body)) or not (last in _ASCII_DIGITS or last == "X"):
        raise ValidationError("validate.id.chars", field=field)
    if len(value) == 15 and _is_digits(value):
        raise ValidationError("validate.id.legacy15", field=field)
    if len(value) != 18:
        raise ValidationError("validate.id.length", field=field, length=len(value))
    if value[:2] not in _PROVINCES or value[:6] == "000000":
        raise ValidationError("validate.id.region", field=field)
    born = _parse_birth(value[6:14])
    if today is None:
        from deskapp import clock

        today = clock.today()
    if born is None or born.year < 1900 or born > today:
        raise ValidationError("validate.id.birth", field=field)
    if resident_id_check_char(value[:17]) != last:
        raise ValidationError("validate.id.checksum", field=field)
    return value


def _parse_birth(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def id_birth_date(id_number: str) -> date:
    """Birth date of an already validated 18-character ID number."""
    born = _parse_birth(id_number[6:14])
    if born is None:
        raise ValueError("not a validated ID number")
    return born


def id_gender(id_number: str) -> str:
    """'M' or 'F' from the 17th digit of an already validated ID number (odd = male)."""
    return "M" if int(id_number[16]) % 2 else "F"


# --------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_PHONE_NOISE = re.compile(r"[\s\-()]+")
# Landline after the country prefix is gone: area code, local number, optional extension.
_LANDLINE = re.compile(
    r"(?P<area>0(?:10|2[0-9]|[3-9][0-9]{2}))[\s\-]*"
    r"(?P<local>[2-9][0-9]{6,7})"
    r"(?:\s*(?:-|转|分机|ext\.?|x|#|,)\s*(?P<ext>[0-9]{1,6}))?",
    re.IGNORECASE,
)
_SERVICE = re.compile(r"(?P<kind>[48]00)(?P<a>[0-9]{3})(?P<b>[0-9]{4})")


def _strip_country(s: str) -> tuple[str, bool]:
    """Drop a leading +86 / 0086 (and a bare 86 before an 11-digit mobile)."""
    for prefix in ("+86", "0086"):
        if s.startswith(prefix):
            return s[len(prefix) :], True
    if len(s) == 13 and s.startswith("86") and _MOBILE.fullmatch(s[2:]):
        return s[2:], True
    return s, False


def mobile_phone(s: str, *, field: str | None = None) -> str:
    """Validate a mainland mobile number; return its 11 digits.

    Spaces, hyphens and parentheses are ignored, and a leading ``+86``, ``0086`` or ``86``
    is dropped: ``+86 138-1234-5678`` → ``13812345678``.
    """
    value, _ = _strip_country(_PHONE_NOISE.sub("", _nfkc(s)))
    if not value:
        raise ValidationError("validate.mobile.empty", field=field)
    if not _is_digits(value):
        raise ValidationError("validate.mobile.chars", field=field)
    if len(value) != 11:
        raise ValidationError("validate.mobile.length", field=field, length=len(value))
    if not _MOBILE.fullmatch(value):
        raise ValidationError("validate.mobile.prefix", field=field)
    return value


def phone(s: str, *, field: str | None = None) -> str:
    """Validate a mobile number or a landline; return it normalised.

    * mobile → ``13812345678``
    * landline with area code → ``0571-87654321``; with an extension (written after
      ``-``, ``转``, ``分机``, ``ext``, ``x``, ``#`` or ``,``) → ``0571-87654321-801``.
      ``(0571) 8765 4321``, ``+86 571 87654321`` and ``+86 (571) …`` are accepted too.
    * 400/800 service numbers → ``400-123-4567``
    """
    text = _nfkc(s).strip()
    if not text:
        raise ValidationError("validate.phone.empty", field=field)
    compact = _PHONE_NOISE.sub("", text)
    mobile, _ = _strip_country(compact)
    if _MOBILE.fullmatch(mobile):
        return mobile
    service = _SERVICE.fullmatch(compact)
    if service:
        return f"{service['kind']}-{service['a']}-{service['b']}"
    landline = _landline(text)
    if landline is None:
        raise ValidationError("validate.phone.invalid", field=field)
    return landline


def _landline(text: str) -> str | None:
    # Parentheses around the area code are layout only: "(0571)87654321", "+86 (571) …".
    work = re.sub(r"[()]", " ", text).strip()
    work = re.sub(r"^(?:\+|00)86[\s\-]*0?", "0", work)
    # Spaces inside the local number ("8765 4321") are layout only.
    work = re.sub(r"(?<=[0-9]) +(?=[0-9])", "", work)
    match = _LANDLINE.fullmatch(work.strip())
    if match is None or any(c not in _ASCII_DIGITS for c in match["area"] + match["local"]):
        return None
    ext = match["ext"]
    if ext is not None and not _is_digits(ext):
        return None
    number = f"{match['area']}-{match['local']}"
    return f"{number}-{ext}" if ext else number


# --------------------------------------------------------------------------------------
# Unified social credit code, GB 32100-2015
# --------------------------------------------------------------------------------------

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUE = {c: i for i, c in enumerate(_CREDIT_CHARS)}
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for 17 characters of the code's charset."""
    if len(first17) != 17 or any(c not in _CREDIT_VALUE for c in first17):
        raise ValueError("need exactly 17 characters from the credit-code charset")
    total = sum(_CREDIT_VALUE[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def credit_code(s: str, *, field: str | None = None) -> str:
    """Validate a unified social credit code (统一社会信用代码); return it uppercase."""
    value = _compact(s).upper()
    if not value:
        raise ValidationError("validate.credit.empty", field=field)
    if any(c not in _CREDIT_VALUE for c in value):
        raise ValidationError("validate.credit.chars", field=field)
    if len(value) != 18:
        raise ValidationError("validate.credit.length", field=field, length=len(value))
    if not _is_digits(value[2:8]):
        raise ValidationError("validate.credit.region", field=field)
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError("validate.credit.checksum", field=field)
    return value


# --------------------------------------------------------------------------------------
# Rooms
# --------------------------------------------------------------------------------------

_PART = r"[0-9A-Z]{1,6}"
_ROOM_DASHED = re.compile(rf"(?P<b>{_PART})(?:-(?P<u>{_PART}))?-(?P<r>{_PART})(?:室|号)?")
_ROOM_CHINESE = re.compile(
    rf"(?P<b>{_PART})(?:号楼|栋|幢|座|楼)"
    rf"(?:(?P<u>{_PART})单元)?"
    rf"(?P<r>{_PART})(?:室|号)?"
)


def _room_part(part: str) -> str | None:
    """Drop leading zeros of numeric parts; refuse all-zero parts and non-ASCII."""
    if not part.isascii():
        return None
    if _is_digits(part):
        stripped = part.lstrip("0")
        return stripped or None
    return part


def room_code(s: str, *, field: str | None = None) -> tuple[str, str | None, str]:
    """Parse a room into ``(building, unit or None, room)``.

    Accepted: ``3-1-1201``, ``3-1201``, ``3栋1单元1201``, ``3号楼1单元1201室``,
    ``3幢1201``, ``A座1201``; full-width and lowercase are fine, spaces ignored, ``/``
    works like ``-``. Numeric parts lose leading zeros (``03-01-1201`` is ``3-1-1201``).
    """
    text = re.sub(r"\s+", "", _nfkc(s)).upper().replace("/", "-")
    if not text:
        raise ValidationError("validate.room.empty", field=field)
    match = _ROOM_DASHED.fullmatch(text) or _ROOM_CHINESE.fullmatch(text)
    if match is None:
        raise ValidationError("validate.room.invalid", field=field)
    building = _room_part(match["b"])
    unit = _room_part(match["u"]) if match["u"] is not None else None
    room = _room_part(match["r"])
    if building is None or room is None or (match["u"] is not None and unit is None):
        raise ValidationError("validate.room.invalid", field=field)
    if not any(c in _ASCII_DIGITS for c in room):
        raise ValidationError("validate.room.invalid", field=field)
    return building, unit, room


def format_room(building: str, unit: str | None, room: str) -> str:
    """The canonical display form: ``3-1-1201`` (or ``3-1201`` without a unit)."""
    return f"{building}-{unit}-{room}" if unit else f"{building}-{room}"


# --------------------------------------------------------------------------------------
# Free text
# --------------------------------------------------------------------------------------


def _clean_text(s: str, field: str, max_len: int, multiline: bool) -> str:
    # No NFKC here: it would turn Chinese punctuation (，：) into ASCII.
    value = s.strip()
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    allowed = {"\n", "\t"} if multiline else set()
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in value):
        raise ValidationError("validate.text.control", field=field, label=field)
    if len(value) > max_len:
        raise ValidationError(
            "validate.text.too_long", field=field, label=field, max_len=max_len, length=len(value)
        )
    if value and not has_visible(value):
        raise ValidationError("validate.text.invisible", field=field, label=field)
    return value


#: letters that draw nothing (Hangul fillers, the braille blank)
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})


def has_visible(s: str) -> bool:
    """Whether ``s`` shows at least one character (see :func:`_visible`)."""
    return any(_visible(c) for c in s)


def _visible(c: str) -> bool:
    """Whether ``c`` shows something: not a space, control, format (zero-width …) or
    combining character, nor a blank letter."""
    return unicodedata.category(c) not in _INVISIBLE and c not in _BLANK_LETTERS


def required_text(s: str, field: str, max_len: int = 100, *, multiline: bool = False) -> str:
    """Trim ``s``; refuse it when empty, longer than ``max_len``, holding control chars, or
    made only of invisible characters (zero-width spaces …: a name nobody can read).

    ``field`` is the (already translated) field label, named in the message and set as
    the error's ``field``. With ``multiline`` newlines and tabs are allowed.
    """
    value = _clean_text(s, field, max_len, multiline)
    if not value:
        raise ValidationError("validate.text.required", field=field, label=field)
    return value


def optional_text(s: str, field: str, max_len: int = 100, *, multiline: bool = False) -> str | None:
    """Like :func:`required_text` but blank input gives ``None``."""
    value = _clean_text(s, field, max_len, multiline)
    return value or None


# --------------------------------------------------------------------------------------
# Vehicle plates (车牌号)
# --------------------------------------------------------------------------------------

PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTER = "A-HJ-NP-Z"  # I and O are never used (they read as 1 and 0)
_PLATE_ORDINARY = re.compile(
    rf"[{PLATE_PROVINCES}][A-Z][{_PLATE_LETTER}0-9]{{4}}[{_PLATE_LETTER}0-9挂学警港澳]")
# 新能源 (8 characters): small cars D/F (+ a letter or digit) then 4 digits; large
# vehicles 5 digits then D/F
_PLATE_NEW_ENERGY = re.compile(
    rf"[{PLATE_PROVINCES}][A-Z](?:[DF][{_PLATE_LETTER}0-9][0-9]{{4}}|[0-9]{{5}}[DF])")
_PLATE_NOISE = re.compile(r"[\s\-·•.．・]+")


def plate(s: str, *, field: str | None = None) -> str:
    """Validate a mainland vehicle plate; return it compact and upper-case.

    ``京A·12345`` / ``京a 12345`` → ``京A12345`` (7 characters: province, issuing-office
    letter, five letters or digits, the last may be 挂/学/警/港/澳); new-energy plates have
    8: ``沪AD12345`` (small car: D or F, then a letter or digit and four digits) or
    ``粤B12345D`` (large vehicle: five digits, then D or F). I and O are refused after the
    office letter (plates never use them)."""
    text = _PLATE_NOISE.sub("", _nfkc(s)).upper()
    if not text:
        raise ValidationError("validate.plate.empty", field=field)
    if text[0] not in PLATE_PROVINCES:
        raise ValidationError("validate.plate.province", field=field, plate=text)
    if len(text) not in (7, 8):
        raise ValidationError("validate.plate.length", field=field, plate=text,
                              length=len(text))
    pattern = _PLATE_ORDINARY if len(text) == 7 else _PLATE_NEW_ENERGY
    if not pattern.fullmatch(text):
        key = "validate.plate.invalid" if len(text) == 7 else "validate.plate.new_energy"
        raise ValidationError(key, field=field, plate=text)
    return text

