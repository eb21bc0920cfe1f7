"""Money is an ``int`` number of fen (分) end to end.

* :func:`parse_yuan` turns what the cashier types into fen.
* :func:`format_fen` shows fen as ``¥1,234.56``.
* :func:`round_half_up` is the ONE place where a fractional amount becomes whole fen
  (ROUND_HALF_UP, i.e. 四舍五入). :func:`yuan_to_fen` and :func:`multiply_rate` go through it.
* :func:`chinese_capital` writes the financial capital amount (大写金额) for receipts.

Never use ``float`` for money: these functions refuse it.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from deskapp.errors import ValidationError

__all__ = [
    "MAX_FEN",
    "MAX_YUAN",
    "chinese_capital",
    "format_fen",
    "multiply_rate",
    "parse_yuan",
    "round_half_up",
    "yuan_to_fen",
]

MAX_YUAN = 100_000_000
"""The largest amount :func:`parse_yuan` accepts (一亿元); anything above is a typo."""
MAX_FEN = MAX_YUAN * 100

_AMOUNT = re.compile(
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.(?P<frac>[0-9]+))?",
)
_MINUS = ("-", "−", "—", "–")


def parse_yuan(s: str, *, allow_zero: bool = True, field: str | None = None) -> int:
    """Parse an amount in yuan typed by the user; return fen.

    Accepts ``12``, ``12.5``, ``12.50``, ``.5``, ``¥1,234.56``, ``￥１２`` (full width),
    ``12元`` and surrounding spaces. Thousands separators must be well placed. Refuses,
    each with its own message: empty, negative, not a number, more than two decimals,
    more than :data:`MAX_YUAN`, and zero when ``allow_zero`` is false.
    """
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))
    if not text:
        raise ValidationError("money.empty", field=field)
    if text.startswith(_MINUS) or text.startswith(tuple("¥" + m for m in _MINUS)):
        raise ValidationError("money.negative", field=field)
    text = text.removeprefix("¥").removeprefix("RMB").removeprefix("CNY")
    text = text.removesuffix("元")
    match = _AMOUNT.fullmatch(text)
    if not text or match is None or (match["int"] is None and match["frac"] is None):
        raise ValidationError("money.invalid", field=field)
    whole = (match["int"] or "0").replace(",", "").lstrip("0") or "0"
    frac = match["frac"] or ""
    if len(whole) > len(str(MAX_YUAN)):
        raise ValidationError("money.too_large", field=field, max=format_fen(MAX_FEN))
    if len(frac.rstrip("0")) > 2:
        raise ValidationError("money.too_many_decimals", field=field)
    frac = frac[:2].ljust(2, "0")
    fen = int(whole) * 100 + int(frac)
    if fen > MAX_FEN:
        raise ValidationError("money.too_large", field=field, max=format_fen(MAX_FEN))
    if fen == 0 and not allow_zero:
        raise ValidationError("money.zero", field=field)
    return fen


def format_fen(fen: int, *, symbol: bool = True, grouping: bool = True) -> str:
    """``123456`` → ``¥1,234.56``; ``-300`` → ``-¥3.00``.

    ``symbol=False`` drops the ``¥``; ``grouping=False`` drops the thousands commas
    (``format_fen(123456, symbol=False, grouping=False)`` → ``1234.56``, handy to prefill
    an input that :func:`parse_yuan` reads back).
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be an int, not {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    whole = f"{yuan:,}" if grouping else str(yuan)
    return f"{sign}{'¥' if symbol else ''}{whole}.{cents:02d}"


def _decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("use Decimal or str for money, never float")
    if isinstance(value, str) and not value.isascii():
        raise ValidationError("money.invalid_quantity", value=value)
    try:
        result = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError("money.invalid_quantity", value=value) from None
    if not result.is_finite():
        raise ValidationError("money.invalid_quantity", value=value)
    return result


def round_half_up(value: Decimal | int) -> int:
    """Round an amount OF FEN to whole fen, half away from zero (四舍五入).

    ``Decimal("2.5")`` → 3, ``Decimal("2.4999")`` → 2, ``Decimal("-2.5")`` → -3.
    This is the only rounding step in the application.
    """
    if isinstance(value, float):
        raise TypeError("use Decimal, never float")
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise TypeError(f"expected Decimal or int, not {type(value).__name__}")
    if isinstance(value, int):
        return value
    if not value.is_finite():
        raise ValueError(f"cannot round {value}")
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan_to_fen(yuan: Decimal | int | str) -> int:
    """A (possibly fractional) yuan amount → fen, rounded once: ``0.125`` → 13, ``0.124`` → 12."""
    return round_half_up(_decimal(yuan) * 100)


def multiply_rate(quantity: Decimal | int | str, rate_fen: int) -> int:
    """``quantity × rate_fen`` rounded once to whole fen.

    E.g. 89.37 m² at 2.85 yuan/m² → ``multiply_rate("89.37", 285)`` = 25470 fen
    (25470.45 rounded). ``quantity`` must be a Decimal, int or numeric string.
    """
    if isinstance(rate_fen, bool) or not isinstance(rate_fen, int):
        raise TypeError("rate_fen must be an int number of fen")
    return round_half_up(_decimal(quantity) * rate_fen)


# --------------------------------------------------------------------------------------
# 中文大写金额
# --------------------------------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")  # within a 4-digit section
_SECTION_UNITS = ("", "万", "亿", "万亿")  # of each 4-digit section


def _section(n: int) -> str:
    """0 < n < 10000 → its capitals without a leading 零: 1010 → 壹仟零壹拾."""
    out: list[str] = []
    pending_zero = False
    for pos in range(3, -1, -1):
        digit = n // 10**pos % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[digit] + _SMALL_UNITS[pos])
    return "".join(out)


def _yuan_capital(yuan: int) -> str:
    """The integer-yuan part, without 元: 100100 → 壹拾万零壹佰."""
    sections: list[int] = []
    while yuan:
        yuan, rest = divmod(yuan, 10_000)
        sections.append(rest)
    out: list[str] = []
    zero_gap = False
    for index in range(len(sections) - 1, -1, -1):
        section = sections[index]
        if section == 0:
            zero_gap = bool(out)
            continue
        if out and (zero_gap or section < 1000):
            out.append("零")
        zero_gap = False
        out.append(_section(section) + _SECTION_UNITS[index])
    return "".join(out)


def chinese_capital(fen: int) -> str:
    """The amount in Chinese financial capitals (大写金额), as printed on receipts.

    Conventions (after 《正确填写票据和结算凭证的基本规定》):

    * the highest digit is always written with its numeral: 10 元 → 壹拾元整;
    * zeros inside the yuan part collapse to one 零 (1,0010 → 壹万零壹拾); zeros at the
      end of a 4-digit section write no 零 (10,7000 → 壹拾万柒仟), a section that starts
      with zeros after a non-zero higher section does (10,0700 → 壹拾万零柒佰);
    * 整 follows whenever there is no 分: after 元 (壹元整) and also after 角 (伍角整)
      — the rule allows omitting it after 角; we always write it so nothing can be added;
    * jiao zero but fen non-zero writes 零 after 元 (壹仟元零伍分); a zero units digit
      before a non-zero 角 writes no 零 (壹仟陆佰捌拾元叁角贰分, the allowed short form);
    * less than one yuan starts at the first non-zero unit: 伍角整, 伍分, 伍角陆分;
    * zero is 零元整; negative amounts get a leading 负 (负叁元整).

    Supports up to 万亿 (less than 10^16 yuan).
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be an int, not {type(fen).__name__}")
    if fen < 0:
        return "负" + chinese_capital(-fen)
    yuan, cents = divmod(fen, 100)
    if yuan >= 10**16:
        raise ValueError("amount too large for Chinese capitals")
    jiao, fen_digit = divmod(cents, 10)
    if fen == 0:
        return "零元整"
    out = _yuan_capital(yuan) + "元" if yuan else ""
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif fen_digit and yuan:
        out += "零"
    out += _DIGITS[fen_digit] + "分" if fen_digit else "整"
    return out
