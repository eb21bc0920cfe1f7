from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskapp import validators as v
from deskapp.errors import ValidationError
from deskapp.i18n import set_language
from deskapp.i18n.catalog.common import MESSAGES

TODAY = date(2026, 11, 30)
VALID_ID = "11010519491231002X"  # the GB 11643-1999 example


def reference_check(first17: str) -> str:
    """Independent MOD 11-2: check = (12 - Σ a_i·2^(18-i) mod 11) mod 11, 10 → X."""
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(first17: str) -> str:
    return first17 + reference_check(first17)


def rid(s: str) -> str:
    return v.resident_id(s, today=TODAY)


def key_of(func: Callable[[], object]) -> str:
    with pytest.raises(ValidationError) as info:
        func()
    return info.value.key


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    try:
        yield
    finally:
        set_language("zh")


# --------------------------------------------------------------------------------------
# resident_id
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first17",
    [
        "11010519491231002",
        "11010119900307777",
        "44030619850815123",
        "51010720000229456",  # leap day
        "65010219000101001",  # year 1900 is the earliest accepted
        "81000019991231998",  # Hong Kong residence permit
        "83000020010101002",  # Taiwan residents' residence permit
    ],
)
def test_resident_id_valid_vectors(first17: str) -> None:
    number = make_id(first17)
    assert rid(number) == number
    assert v.resident_id_check_char(first17) == number[-1]


def test_resident_id_known_vector_and_its_check_char() -> None:
    assert rid(VALID_ID) == VALID_ID
    assert v.resident_id_check_char(VALID_ID[:17]) == "X"
    assert rid("110101199003077774") == "110101199003077774"


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002x",  # lowercase x
        " 11010519491231002X ",
        "110105 19491231 002X",
        "110105-19491231-002X",
        "１１０１０５１９４９１２３１００２Ｘ",  # full width
        "１１０１０５１９４９１２３１００２ｘ",
        "110105\u300019491231002X",  # ideographic space
    ],
)
def test_resident_id_normalises(raw: str) -> None:
    assert rid(raw) == VALID_ID


@pytest.mark.parametrize("position", range(17))
def test_resident_id_any_single_digit_change_fails(position: int) -> None:
    for digit in "0123456789":
        if digit == VALID_ID[position]:
            continue
        mutated = VALID_ID[:position] + digit + VALID_ID[position + 1 :]
        with pytest.raises(ValidationError) as info:
            rid(mutated)
        assert info.value.key in {"validate.id.checksum", "validate.id.region", "validate.id.birth"}


def test_resident_id_flipped_digit_reports_checksum() -> None:
    assert key_of(lambda: rid("11010519491231003X")) == "validate.id.checksum"
    assert key_of(lambda: rid("110105194912310020")) == "validate.id.checksum"
    assert key_of(lambda: rid("110101199003077777")) == "validate.id.checksum"


def test_resident_id_adjacent_transposition_fails() -> None:
    number = make_id("44030619850815123")
    for i in range(14, 16):  # swap within the sequence digits
        swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        if swapped != number:
            assert key_of(lambda s=swapped: rid(s)) == "validate.id.checksum"


@pytest.mark.parametrize(
    "birth",
    [
        "19900230",  # Feb 30
        "19900229",  # not a leap year
        "19000229",  # 1900 was not a leap year
        "19901301",  # month 13
        "19901200",  # day 0
        "19900431",  # April 31
        "18991231",  # before 1900
        "20261201",  # after "today"
        "00000000",
    ],
)
def test_resident_id_bad_birth_date(birth: str) -> None:
    number = make_id("110105" + birth + "002")
    assert key_of(lambda: rid(number)) == "validate.id.birth"


def test_resident_id_birth_today_is_fine_and_default_today_is_used() -> None:
    assert rid(make_id("11010520261130002"))
    # with the real clock a far-future birth date is refused
    number = make_id("11010521991231002")
    assert key_of(lambda: v.resident_id(number)) == "validate.id.birth"


def test_resident_id_legacy_15_digits() -> None:
    assert key_of(lambda: rid("110105491231002")) == "validate.id.legacy15"
    assert key_of(lambda: rid("１１０１０５４９１２３１００２")) == "validate.id.legacy15"


def test_resident_id_legacy_message() -> None:
    with pytest.raises(ValidationError) as info:
        rid("110105491231002")
    assert str(info.value) == "15位旧身份证号已停用，请输入18位号码"


@pytest.mark.parametrize("raw", ["1101051949123100", "1101051949123100201", "1", "X"])
def test_resident_id_length(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        rid(raw)
    assert info.value.key == "validate.id.length"
    assert info.value.params["length"] == len(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002A",
        "1101051949123X002X",  # X only allowed last
        "11010519491231002*",
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits
        "۱۱۰۱۰۵۱۹۴۹۱۲۳۱۰۰۲X",  # Extended Arabic-Indic digits
        "११०१०५१९४९१२३१००२X",  # Devanagari digits
    ],
)
def test_resident_id_bad_characters(raw: str) -> None:
    assert key_of(lambda: rid(raw)) == "validate.id.chars"


def test_resident_id_other_unicode_digits_never_accepted() -> None:
    # sanity: Python's int() would happily read these digits — we must not.
    assert int("١٢") == 12
    arabic = VALID_ID[:17].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + "X"
    assert key_of(lambda: rid(arabic)) == "validate.id.chars"


@pytest.mark.parametrize("first17", ["00000019900307777", "91010119900307777", "99010119900307777"])
def test_resident_id_bad_region(first17: str) -> None:
    assert key_of(lambda: rid(make_id(first17))) == "validate.id.region"


def test_resident_id_empty() -> None:
    assert key_of(lambda: rid("")) == "validate.id.empty"
    assert key_of(lambda: rid("  - ")) == "validate.id.empty"


def test_resident_id_field_passes_through() -> None:
    with pytest.raises(ValidationError) as info:
        v.resident_id("123", field="id_number", today=TODAY)
    assert info.value.field == "id_number"


def test_id_birth_date_and_gender() -> None:
    assert v.id_birth_date(VALID_ID) == date(1949, 12, 31)
    assert v.id_gender(VALID_ID) == "F"  # 17th digit 2
    assert v.id_gender(make_id("11010119900307771")) == "M"
    with pytest.raises(ValueError):
        v.id_birth_date("110105199002300020")


def test_resident_id_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        v.resident_id_check_char("123")
    with pytest.raises(ValueError):
        v.resident_id_check_char("١" * 17)


@given(
    st.from_regex(
        r"[1-6][1-5][0-9]{4}(19[0-9]{2}|20[01][0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}",
        fullmatch=True,
    )
)
def test_resident_id_generated_valid(first17: str) -> None:
    if first17[:2] not in v._PROVINCES:
        return
    number = make_id(first17)
    assert rid(number) == number
    # any change of the check character is caught
    for other in "0123456789X":
        if other != number[-1]:
            assert key_of(lambda o=other: rid(number[:-1] + o)) == "validate.id.checksum"


@given(st.text())
def test_resident_id_arbitrary_text_only_validation_errors(text: str) -> None:
    try:
        result = v.resident_id(text, today=TODAY)
    except ValidationError:
        return
    assert re.fullmatch(r"[0-9]{17}[0-9X]", result)


@given(st.text(alphabet="0123456789Xx -１２３４５６７８９０", max_size=22))
def test_resident_id_digit_soup_only_validation_errors(text: str) -> None:
    try:
        result = v.resident_id(text, today=TODAY)
    except ValidationError:
        return
    assert reference_check(result[:17]) == result[17]


# --------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------


def test_messages_chinese_by_default() -> None:
    with pytest.raises(ValidationError) as info:
        rid("1101051949123100")
    assert str(info.value) == "身份证号应为18位（当前16位）"


def test_messages_english(english: None) -> None:
    with pytest.raises(ValidationError) as info:
        rid("11010519491231003X")
    assert str(info.value) == "The ID number's check character is wrong; please check the number"
    with pytest.raises(ValidationError) as info:
        v.required_text("", "Name")
    assert str(info.value) == "Name is required"


def test_catalogue_shape() -> None:
    for key, pair in MESSAGES.items():
        assert key.split(".")[0] in {"validate", "money", "print"}, key
        assert len(pair) == 2 and all(isinstance(s, str) and s for s in pair), key
        zh_fields = set(re.findall(r"{(\w+)}", pair[0]))
        en_fields = set(re.findall(r"{(\w+)}", pair[1]))
        assert zh_fields == en_fields, key


def test_every_key_used_in_source_is_catalogued() -> None:
    root = Path(v.__file__).parent
    sources = [root / "validators.py", root / "money.py", root / "masking.py"]
    sources += list((root / "printing").glob("*.py"))
    used: set[str] = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""["']((?:validate|money|print)\.[a-z0-9_.]+)["']""", text))
    assert used, "no keys found"
    from deskapp.i18n import messages  # print.* of the documents live in catalog/printing.py

    assert used <= set(messages()), used - set(messages())


# --------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "008613812345678",
        "8613812345678",
        "(+86) 138-1234-5678",
        "１３８１２３４５６７８",
        "＋８６　１３８１２３４５６７８",
    ],
)
def test_mobile_valid(raw: str) -> None:
    assert v.mobile_phone(raw) == "13812345678"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_mobile_prefixes(prefix: str) -> None:
    number = prefix + "012345678"
    assert v.mobile_phone(number) == number


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("", "validate.mobile.empty"),
        ("  ", "validate.mobile.empty"),
        ("+86", "validate.mobile.empty"),
        ("1381234567a", "validate.mobile.chars"),
        ("١٣٨١٢٣٤٥٦٧٨", "validate.mobile.chars"),  # Arabic-Indic
        ("1381234567", "validate.mobile.length"),
        ("138123456789", "validate.mobile.length"),
        ("12812345678", "validate.mobile.prefix"),
        ("10012345678", "validate.mobile.prefix"),
        ("23812345678", "validate.mobile.prefix"),
        ("0571-87654321", "validate.mobile.length"),
    ],
)
def test_mobile_invalid(raw: str, key: str) -> None:
    assert key_of(lambda: v.mobile_phone(raw)) == key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0571-87654321", "0571-87654321"),
        ("057187654321", "0571-87654321"),
        ("0571 8765 4321", "0571-87654321"),
        ("(0571) 87654321", "0571-87654321"),
        ("（0571）87654321", "0571-87654321"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("020-8765432", "020-8765432"),  # 7-digit local number
        ("0755-2345678", "0755-2345678"),
        ("+86 10 62345678", "010-62345678"),
        ("+86-571-87654321", "0571-87654321"),
        ("0086 571 87654321", "0571-87654321"),
        ("0571-87654321-801", "0571-87654321-801"),
        ("0571-87654321 转 801", "0571-87654321-801"),
        ("0571-87654321转801", "0571-87654321-801"),
        ("0571-87654321 ext. 801", "0571-87654321-801"),
        ("0571-87654321 EXT 801", "0571-87654321-801"),
        ("0571-87654321x801", "0571-87654321-801"),
        ("0571-87654321#801", "0571-87654321-801"),
        ("0571-87654321 分机 801", "0571-87654321-801"),
        ("+86 (571) 87654321", "0571-87654321"),
        ("+86 (0571) 8765 4321", "0571-87654321"),
        ("０５７１－８７６５４３２１", "0571-87654321"),
        ("400-123-4567", "400-123-4567"),
        ("4001234567", "400-123-4567"),
        ("800 123 4567", "800-123-4567"),
    ],
)
def test_phone_valid(raw: str, expected: str) -> None:
    assert v.phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "87654321",  # no area code
        "0571-1234567",  # local numbers do not start with 1
        "0571-07654321",
        "0571-876543",  # too short
        "0571-876543210",  # too long
        "12812345678",
        "abc",
        "0571-87654321-",
        "0571-87654321-1234567",  # extension too long
        "٠٥٧١-٨٧٦٥٤٣٢١",  # Arabic-Indic
        "123",
    ],
)
def test_phone_invalid(raw: str) -> None:
    assert key_of(lambda: v.phone(raw)) == "validate.phone.invalid"


def test_phone_empty() -> None:
    assert key_of(lambda: v.phone("  ")) == "validate.phone.empty"


@given(st.text())
def test_mobile_arbitrary_text(text: str) -> None:
    try:
        result = v.mobile_phone(text)
    except ValidationError:
        return
    assert re.fullmatch(r"1[3-9][0-9]{9}", result)


@given(st.text())
def test_phone_arbitrary_text(text: str) -> None:
    try:
        result = v.phone(text)
    except ValidationError:
        return
    assert result.isascii()


@given(st.text(alphabet="0123456789+-() 转extX#,", max_size=24))
def test_phone_digit_soup(text: str) -> None:
    try:
        result = v.phone(text)
    except ValidationError:
        return
    assert re.fullmatch(
        r"1[3-9][0-9]{9}|0[0-9]{2,3}-[2-9][0-9]{6,7}(-[0-9]{1,6})?|[48]00-[0-9]{3}-[0-9]{4}", result
    )
    assert v.phone(result) == result  # normalised form is a fixed point


# --------------------------------------------------------------------------------------
# credit_code
# --------------------------------------------------------------------------------------

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def test_credit_code_valid_vector() -> None:
    assert v.credit_code("91350100M000100Y43") == "91350100M000100Y43"
    assert v.credit_code("91350100m000100y43") == "91350100M000100Y43"
    assert v.credit_code(" 9135 0100 M000 100Y 43 ") == "91350100M000100Y43"
    assert v.credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
    assert v.credit_code_check_char("91350100M000100Y4") == "3"


def test_credit_code_check_char_wraps_31_to_0() -> None:
    # find a body whose weighted sum is ≡ 0 mod 31: the check character must be "0"
    body = "9111000000000000"
    for c in CREDIT_CHARS:
        candidate = body + c
        weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
        total = sum(CREDIT_CHARS.index(x) * w for x, w in zip(candidate, weights, strict=True))
        if total % 31 == 0:
            assert v.credit_code_check_char(candidate) == "0"
            assert v.credit_code(candidate + "0") == candidate + "0"
            return
    pytest.fail("no candidate found")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("", "validate.credit.empty"),
        ("91350100M000100Y44", "validate.credit.checksum"),
        ("91350100M000101Y43", "validate.credit.checksum"),
        ("91350100M000100Y4", "validate.credit.length"),
        ("91350100M000100Y430", "validate.credit.length"),
        ("91350100I000100Y43", "validate.credit.chars"),
        ("91350100O000100Y43", "validate.credit.chars"),
        ("91350100Z000100Y43", "validate.credit.chars"),
        ("91350100S000100Y43", "validate.credit.chars"),
        ("91350100V000100Y43", "validate.credit.chars"),
        ("9135010*M000100Y43", "validate.credit.chars"),
        ("٩١350100M000100Y43", "validate.credit.chars"),
    ],
)
def test_credit_code_invalid(raw: str, key: str) -> None:
    assert key_of(lambda: v.credit_code(raw)) == key


def test_credit_code_region_must_be_digits() -> None:
    body = "91A50100M000100Y4"
    code = body + v.credit_code_check_char(body)
    assert key_of(lambda: v.credit_code(code)) == "validate.credit.region"


@given(
    st.text(alphabet=CREDIT_CHARS, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CREDIT_CHARS, min_size=9, max_size=9),
    st.integers(0, 16),
    st.sampled_from(CREDIT_CHARS),
)
def test_credit_code_generated(head: str, region: str, tail: str, pos: int, sub: str) -> None:
    body = head + region + tail
    code = body + v.credit_code_check_char(body)
    assert v.credit_code(code) == code
    mutated = code[:pos] + sub + code[pos + 1 :]
    if mutated != code:
        with pytest.raises(ValidationError):
            v.credit_code(mutated)


@given(st.text())
def test_credit_code_arbitrary_text(text: str) -> None:
    try:
        v.credit_code(text)
    except ValidationError:
        pass


# --------------------------------------------------------------------------------------
# room_code
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3-1-1201", ("3", "1", "1201")),
        ("3-1201", ("3", None, "1201")),
        ("3栋1单元1201", ("3", "1", "1201")),
        ("3栋1单元1201室", ("3", "1", "1201")),
        ("3号楼1单元1201室", ("3", "1", "1201")),
        ("3幢2单元101", ("3", "2", "101")),
        ("3栋1201", ("3", None, "1201")),
        ("A座1201", ("A", None, "1201")),
        ("a-2-0301", ("A", "2", "301")),
        ("03-01-1201", ("3", "1", "1201")),
        (" 3 - 1 - 1201 ", ("3", "1", "1201")),
        ("３－１－１２０１", ("3", "1", "1201")),
        ("３栋１单元１２０１", ("3", "1", "1201")),
        ("3/1/1201", ("3", "1", "1201")),
        ("B1-101", ("B1", None, "101")),
        ("12-3-B101", ("12", "3", "B101")),
        ("3-1-1201室", ("3", "1", "1201")),
    ],
)
def test_room_code_valid(raw: str, expected: tuple[str, str | None, str]) -> None:
    assert v.room_code(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "1201",
        "3--1201",
        "3-1-1201-5",
        "0-1201",
        "3-0-1201",
        "3-1-0",
        "3栋",
        "3栋1单元",
        "3-1-A",
        "3-1-1234567",
        "٣-١-١٢٠١",
        "3-1-12.01",
    ],
)
def test_room_code_invalid(raw: str) -> None:
    assert key_of(lambda: v.room_code(raw)) == "validate.room.invalid"


def test_room_code_empty() -> None:
    assert key_of(lambda: v.room_code(" ")) == "validate.room.empty"


def test_format_room_round_trips() -> None:
    assert v.format_room("3", "1", "1201") == "3-1-1201"
    assert v.format_room("3", None, "1201") == "3-1201"
    for raw in ["3栋1单元1201", "A座1201", "12-3-B101"]:
        parsed = v.room_code(raw)
        assert v.room_code(v.format_room(*parsed)) == parsed


@given(st.text())
def test_room_code_arbitrary_text(text: str) -> None:
    try:
        building, unit, room = v.room_code(text)
    except ValidationError:
        return
    assert building and room and (unit is None or unit)


# --------------------------------------------------------------------------------------
# required_text / optional_text
# --------------------------------------------------------------------------------------


def test_required_text_trims() -> None:
    assert v.required_text("  张三  ", "姓名", 10) == "张三"
    assert v.required_text("\u3000张三\u3000", "姓名", 10) == "张三"


def test_required_text_keeps_chinese_punctuation() -> None:
    assert v.required_text("漏水，请尽快处理：厨房", "描述", 50) == "漏水，请尽快处理：厨房"


def test_required_text_empty_names_field() -> None:
    with pytest.raises(ValidationError) as info:
        v.required_text("   ", "姓名", 10)
    assert info.value.key == "validate.text.required"
    assert info.value.field == "姓名"
    assert str(info.value) == "姓名不能为空"


def test_required_text_too_long() -> None:
    assert v.required_text("一" * 10, "姓名", 10) == "一" * 10
    with pytest.raises(ValidationError) as info:
        v.required_text("一" * 11, "姓名", 10)
    assert info.value.key == "validate.text.too_long"
    assert str(info.value) == "姓名不能超过10个字（当前11个）"


def test_required_text_control_characters() -> None:
    assert key_of(lambda: v.required_text("a\x00b", "备注")) == "validate.text.control"
    assert key_of(lambda: v.required_text("a\nb", "备注")) == "validate.text.control"
    assert v.required_text("a\r\nb\tc", "备注", multiline=True) == "a\nb\tc"
    assert key_of(lambda: v.required_text("a\x1bb", "备注", multiline=True)) == (
        "validate.text.control"
    )


def test_optional_text() -> None:
    assert v.optional_text("  ", "备注") is None
    assert v.optional_text(" x ", "备注") == "x"
    assert key_of(lambda: v.optional_text("x" * 5, "备注", 4)) == "validate.text.too_long"


@given(st.text(), st.integers(0, 50))
def test_required_text_arbitrary(text: str, max_len: int) -> None:
    try:
        result = v.required_text(text, "字段", max_len)
    except ValidationError as err:
        assert err.field == "字段"
        return
    assert result == result.strip() and 0 < len(result) <= max_len


@given(st.text(alphabet=string.printable + "一二三，。：", max_size=30))
def test_every_validator_only_raises_validation_error(text: str) -> None:
    for func in (
        lambda s: v.resident_id(s, today=TODAY),
        v.mobile_phone,
        v.phone,
        v.credit_code,
        v.room_code,
        lambda s: v.required_text(s, "f", 10),
    ):
        try:
            func(text)
        except ValidationError:
            pass


# issue 15: a name made only of invisible characters is refused
@pytest.mark.parametrize("value", ["\u200b\u200b", "\u200d", " \ufeff ", "\u3164", "\u2800",
                                   "\u0301"])
def test_invisible_only_text_is_refused(value):
    from deskapp.validators import optional_text, required_text

    with pytest.raises(ValidationError) as err:
        required_text(value, "姓名")
    assert err.value.key == "validate.text.invisible"
    with pytest.raises(ValidationError):
        optional_text(value, "备注")


def test_visible_text_with_zero_width_inside_is_kept():
    from deskapp.validators import required_text

    assert required_text("张\u200b三", "姓名") == "张\u200b三"


def test_zero_width_inside_numbers_is_dropped():
    assert v.resident_id("1101\u200b0519491231002X") == "11010519491231002X"
    assert v.mobile_phone("138\u200b1234\u20605678") == "13812345678"


def test_occupant_and_staff_names_need_a_visible_character(db, supervisor):
    from decimal import Decimal

    from deskapp.db.models import Role
    from deskapp.services import staff, units

    with db.write() as s:
        building = units.get_or_create_building(s, code="9")
        unit = units.create_unit(s, building=building, entrance="1", floor=1, room="101",
                                 area=Decimal("80"))
        with pytest.raises(ValidationError):
            units.add_occupant(s, unit=unit, name="\u200b\u200c")
        with pytest.raises(ValidationError):
            staff.create_staff(s, by=supervisor, login="ghost", name="\u200b",
                               role=Role.RECEPTIONIST, password="secret123")
