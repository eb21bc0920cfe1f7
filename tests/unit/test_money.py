from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskapp.errors import ValidationError
from deskapp.money import (
    MAX_FEN,
    chinese_capital,
    format_fen,
    multiply_rate,
    parse_yuan,
    round_half_up,
    yuan_to_fen,
)

# --------------------------------------------------------------------------------------
# parse_yuan
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("12.05", 1205),
        ("0", 0),
        ("0.01", 1),
        (".5", 50),
        ("¥1,234.56", 123456),
        ("￥1,234.56", 123456),
        ("¥ 1,234.56 ", 123456),
        ("1234.56元", 123456),
        ("RMB 88", 8800),
        ("１２３４．５６", 123456),  # full width
        ("１，２３４．５", 123450),
        ("12.500", 1250),  # trailing zeros beyond fen are harmless
        ("1,000,000", 100000000),
        ("100000000", MAX_FEN),
        ("100,000,000.00", MAX_FEN),
        ("007", 700),
    ],
)
def test_parse_yuan_valid(raw: str, fen: int) -> None:
    assert parse_yuan(raw) == fen


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("", "money.empty"),
        ("   ", "money.empty"),
        ("-5", "money.negative"),
        ("-0.01", "money.negative"),
        ("¥-5", "money.negative"),
        ("－５", "money.negative"),  # full-width minus
        ("−5", "money.negative"),  # U+2212
        ("abc", "money.invalid"),
        ("12a", "money.invalid"),
        ("1.2.3", "money.invalid"),
        ("12.", "money.invalid"),
        (".", "money.invalid"),
        ("¥", "money.invalid"),
        ("1,23", "money.invalid"),  # misplaced thousands separator
        ("1234,567", "money.invalid"),
        ("1e5", "money.invalid"),
        ("+5", "money.invalid"),
        ("١٢", "money.invalid"),  # Arabic-Indic digits
        ("१२.५", "money.invalid"),  # Devanagari digits
        ("NaN", "money.invalid"),
        ("12.345", "money.too_many_decimals"),
        ("0.001", "money.too_many_decimals"),
        ("100000000.01", "money.too_large"),
        ("100000001", "money.too_large"),
        ("9" * 5000, "money.too_large"),
    ],
)
def test_parse_yuan_invalid(raw: str, key: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_yuan(raw)
    assert info.value.key == key


def test_parse_yuan_zero_refused_when_asked() -> None:
    with pytest.raises(ValidationError) as info:
        parse_yuan("0.00", allow_zero=False, field="amount")
    assert info.value.key == "money.zero"
    assert info.value.field == "amount"
    assert parse_yuan("0.01", allow_zero=False) == 1


def test_parse_yuan_messages() -> None:
    with pytest.raises(ValidationError) as info:
        parse_yuan("100000001")
    assert str(info.value) == "金额不能超过¥100,000,000.00"
    with pytest.raises(ValidationError) as info:
        parse_yuan("1.234")
    assert str(info.value) == "金额最多两位小数（精确到分）"


@given(st.integers(0, MAX_FEN))
def test_parse_format_round_trip(fen: int) -> None:
    assert parse_yuan(format_fen(fen)) == fen
    assert parse_yuan(format_fen(fen, symbol=False, grouping=False)) == fen


@given(st.text())
def test_parse_yuan_arbitrary_text(text: str) -> None:
    try:
        fen = parse_yuan(text)
    except ValidationError:
        return
    assert 0 <= fen <= MAX_FEN


@given(st.text(alphabet="0123456789.,¥-元 ", max_size=20))
def test_parse_yuan_digit_soup(text: str) -> None:
    try:
        fen = parse_yuan(text)
    except ValidationError:
        return
    assert 0 <= fen <= MAX_FEN


# --------------------------------------------------------------------------------------
# format_fen
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "¥0.00"),
        (1, "¥0.01"),
        (50, "¥0.50"),
        (100, "¥1.00"),
        (123456, "¥1,234.56"),
        (100000000, "¥1,000,000.00"),
        (-300, "-¥3.00"),
        (-1, "-¥0.01"),
    ],
)
def test_format_fen(fen: int, text: str) -> None:
    assert format_fen(fen) == text


def test_format_fen_options() -> None:
    assert format_fen(123456, symbol=False) == "1,234.56"
    assert format_fen(123456, grouping=False) == "¥1234.56"
    assert format_fen(-123456, symbol=False, grouping=False) == "-1234.56"


@pytest.mark.parametrize("bad", [1.5, "100", True, Decimal("1")])
def test_format_fen_refuses_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_fen(bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Rounding
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (Decimal("2.5"), 3),
        (Decimal("2.4999"), 2),
        (Decimal("2.5000001"), 3),
        (Decimal("3.5"), 4),  # not banker's rounding
        (Decimal("0.5"), 1),
        (Decimal("0.49"), 0),
        (Decimal("-2.5"), -3),  # half away from zero
        (Decimal("-2.4"), -2),
        (Decimal("25470.45"), 25470),
        (Decimal("7"), 7),
        (7, 7),
    ],
)
def test_round_half_up(value: Decimal | int, fen: int) -> None:
    assert round_half_up(value) == fen


@pytest.mark.parametrize("bad", [1.5, "2.5", None])
def test_round_half_up_refuses_non_decimal(bad: object) -> None:
    with pytest.raises(TypeError):
        round_half_up(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_round_half_up_refuses_non_finite(bad: Decimal) -> None:
    with pytest.raises(ValueError):
        round_half_up(bad)


@pytest.mark.parametrize(
    ("yuan", "fen"),
    [
        (Decimal("0.125"), 13),
        (Decimal("0.124"), 12),
        ("0.125", 13),
        ("0.135", 14),
        (Decimal("0.005"), 1),
        (Decimal("0.0049"), 0),
        (Decimal("1234.56"), 123456),
        (12, 1200),
        (Decimal("89.37") * Decimal("2.85"), 25470),  # 254.7045 yuan
    ],
)
def test_yuan_to_fen(yuan: Decimal | int | str, fen: int) -> None:
    assert yuan_to_fen(yuan) == fen


def test_yuan_to_fen_refuses_float_and_junk() -> None:
    with pytest.raises(TypeError):
        yuan_to_fen(0.125)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        yuan_to_fen("abc")
    with pytest.raises(ValidationError):
        yuan_to_fen("Infinity")


@pytest.mark.parametrize(
    ("quantity", "rate", "fen"),
    [
        ("89.37", 285, 25470),  # 25470.45
        (Decimal("89.37"), 285, 25470),
        ("100", 285, 28500),
        (3, 1500, 4500),
        ("0.5", 1, 1),  # 0.5 fen rounds up
        ("0.49", 1, 0),
        ("1.5", 3, 5),  # 4.5 → 5
        ("0", 9999, 0),
        ("120.005", 100, 12001),  # 12000.5 → 12001
    ],
)
def test_multiply_rate(quantity: Decimal | int | str, rate: int, fen: int) -> None:
    assert multiply_rate(quantity, rate) == fen


def test_multiply_rate_rounds_once() -> None:
    # rounding the quantity or the yuan first would give a different answer
    assert multiply_rate("1.005", 50) == 50  # 50.25 → 50
    assert multiply_rate("0.333", 150) == 50  # 49.95 → 50


def test_multiply_rate_bad_input() -> None:
    with pytest.raises(ValidationError) as info:
        multiply_rate("12平方", 100)
    assert info.value.key == "money.invalid_quantity"
    with pytest.raises(ValidationError):
        multiply_rate("١٢", 100)
    with pytest.raises(TypeError):
        multiply_rate(1.5, 100)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        multiply_rate("1", 1.5)  # type: ignore[arg-type]


@given(
    st.decimals(min_value=0, max_value=100000, places=4, allow_nan=False),
    st.integers(0, 1_000_000),
)
def test_multiply_rate_within_half_a_fen(quantity: Decimal, rate: int) -> None:
    exact = quantity * rate
    assert abs(Decimal(multiply_rate(quantity, rate)) - exact) <= Decimal("0.5")


# --------------------------------------------------------------------------------------
# chinese_capital
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "零元整"),
        (1, "壹分"),
        (5, "伍分"),
        (10, "壹角整"),
        (50, "伍角整"),
        (56, "伍角陆分"),
        (100, "壹元整"),
        (105, "壹元零伍分"),
        (150, "壹元伍角整"),
        (1000, "壹拾元整"),
        (1050, "壹拾元伍角整"),
        (1500, "壹拾伍元整"),
        (10000, "壹佰元整"),
        (10100, "壹佰零壹元整"),
        (11000, "壹佰壹拾元整"),
        (100100, "壹仟零壹元整"),
        (101000, "壹仟零壹拾元整"),
        (100005, "壹仟元零伍分"),
        (123456, "壹仟贰佰叁拾肆元伍角陆分"),
        (168032, "壹仟陆佰捌拾元叁角贰分"),
        (1000000, "壹万元整"),
        (1001000, "壹万零壹拾元整"),
        (1000100, "壹万零壹元整"),
        (1100000, "壹万壹仟元整"),
        (10000000, "壹拾万元整"),
        (10700053, "壹拾万柒仟元伍角叁分"),
        (10070000, "壹拾万零柒佰元整"),
        (10000001, "壹拾万元零壹分"),
        (30405060, "叁拾万肆仟零伍拾元陆角整"),
        (100000000, "壹佰万元整"),
        (1000000000, "壹仟万元整"),
        (1000100000, "壹仟万壹仟元整"),  # 万位 zero, 千位 not: the short form
        (1001000000, "壹仟零壹万元整"),
        (999999999, "玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        (9999999999, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        (10000000000, "壹亿元整"),
        (10000000100, "壹亿零壹元整"),
        (10000001000, "壹亿零壹拾元整"),
        (10001000000, "壹亿零壹万元整"),
        (10100000000, "壹亿零壹佰万元整"),
        (11000000000, "壹亿壹仟万元整"),
        (12345678900, "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元整"),
        (100000000000000, "壹万亿元整"),
        (-300, "负叁元整"),
        (-5, "负伍分"),
    ],
)
def test_chinese_capital(fen: int, text: str) -> None:
    assert chinese_capital(fen) == text


def test_chinese_capital_limits() -> None:
    assert chinese_capital(10**18 - 1).endswith("玖角玖分")
    with pytest.raises(ValueError):
        chinese_capital(10**18)
    with pytest.raises(TypeError):
        chinese_capital(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        chinese_capital(True)


_CAPITAL = re.compile(r"负?[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+")
_NUMERALS = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=True))


def _reparse(text: str) -> int:
    """Independent reader of our capitals → fen (for the round-trip property)."""
    yuan_part, _, rest = text.partition("元") if "元" in text else ("", "", text)
    total = 0
    section = 0
    number = 0
    for ch in yuan_part:
        if ch in _NUMERALS:
            number = _NUMERALS[ch]
        elif ch in "拾佰仟":
            section += number * {"拾": 10, "佰": 100, "仟": 1000}[ch]
            number = 0
        elif ch == "万":
            total += (section + number) * 10_000
            section = number = 0
        elif ch == "亿":
            total = (total + section + number) * 100_000_000
            section = number = 0
    total += section + number
    fen = total * 100
    jiao = re.search(r"(.)角", rest)
    fen_digit = re.search(r"(.)分", rest)
    if jiao:
        fen += _NUMERALS[jiao.group(1)] * 10
    if fen_digit:
        fen += _NUMERALS[fen_digit.group(1)]
    return fen


@given(st.integers(0, 10**12))
def test_chinese_capital_properties(fen: int) -> None:
    text = chinese_capital(fen)
    assert _CAPITAL.fullmatch(text)
    assert "零零" not in text
    assert not text.startswith("零") or text == "零元整"
    assert fen == 0 or not re.search(r"零[元万亿角分整]", text)
    assert text.endswith("分") == (fen % 10 != 0)
    assert text.endswith("整") == (fen % 10 == 0)
    assert ("元" in text) == (fen >= 100 or fen == 0)
    assert _reparse(text) == fen
