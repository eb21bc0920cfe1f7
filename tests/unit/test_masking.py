from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskapp.masking import mask_id, mask_phone, mask_text

VALID_ID = "11010519491231002X"


# --------------------------------------------------------------------------------------
# mask_id
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        ("110101199003077774", "110101********7774"),
        ("110105491231002", "11010*******002"),  # old 15-digit
        ("E12345678", "E12****78"),  # passport
        ("1234", "1**4"),
        ("123", "1**"),
        ("12", "**"),
        ("1", "*"),
        ("", ""),
        (" 11010519491231002X ", "110105********002X"),
    ],
)
def test_mask_id(value: str, masked: str) -> None:
    assert mask_id(value) == masked


@given(st.text())
def test_mask_id_any_text(text: str) -> None:
    masked = mask_id(text)
    assert len(masked) == len(text.strip())
    if masked:
        # at least a third of the characters are hidden
        assert masked.count("*") * 3 >= len(masked)


# --------------------------------------------------------------------------------------
# mask_phone
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("0571-87654321", "0571-****4321"),
        ("010-62345678", "010-****5678"),
        ("020-8765432", "020-***5432"),
        ("0571-87654321-801", "0571-****4321-801"),
        ("0571 8765 4321 转 801", "0571-****4321-801"),
        ("400-123-4567", "400-123-4567"),
        ("5551234", "****234"),  # unparseable: less than half shown
        ("55512345", "****2345"),
        ("123", "**3"),
        ("", ""),
    ],
)
def test_mask_phone(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


@given(st.text())
def test_mask_phone_never_raises(text: str) -> None:
    assert isinstance(mask_phone(text), str)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mask_phone_mobiles(number: str) -> None:
    masked = mask_phone(number)
    assert masked == number[:3] + "****" + number[7:]


# --------------------------------------------------------------------------------------
# mask_text
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "业主张三，身份证11010519491231002X，电话13812345678",
            "业主张三，身份证110105********002X，电话138****5678",
        ),
        ("id=11010519491231002x;", "id=110105********002x;"),
        ("ID110101199003077774 end", "ID110101********7774 end"),
        # a mistyped ID (bad check character) is still personal data
        ("身份证 110105194912310021", "身份证 110105********0021"),
        ("old 110105491231002 id", "old 11010*******002 id"),
        ("tel +86 138-1234-5678.", "tel +86 138****5678."),
        ("tel +8613812345678", "tel +86138****5678"),
        ("tel 008613812345678", "tel 0086138****5678"),
        ("手机 138 1234 5678 已登记", "手机 138****5678 已登记"),
        ("１３８１２３４５６７８", "１３８****５６７８"),  # full width
        ("a:13812345678,b:13987654321", "a:138****5678,b:139****4321"),
        # not personal data: left alone
        ("收据号 202411300000000001", "收据号 202411300000000001"),
        ("金额 12812345678 分", "金额 12812345678 分"),  # not a mobile prefix
        ("订单 1381234567890", "订单 1381234567890"),  # part of a longer number
        ("房号 3-1-1201，座机 0571-87654321", "房号 3-1-1201，座机 0571-87654321"),
        ("", ""),
        ("没有号码", "没有号码"),
    ],
)
def test_mask_text(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_mask_text_is_idempotent() -> None:
    text = "张三 11010519491231002X 13812345678"
    once = mask_text(text)
    assert mask_text(once) == once


_MOBILE_RE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


@given(
    st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=20),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=20),
)
def test_mask_text_hides_embedded_mobiles(before: str, number: str, after: str) -> None:
    masked = mask_text(before + number + after)
    assert number not in masked
    assert not _MOBILE_RE.search(masked)
    assert number[7:] in masked  # last four stay


@given(
    st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=20),
    st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=20),
)
def test_mask_text_hides_embedded_ids(before: str, after: str) -> None:
    masked = mask_text(before + VALID_ID + after)
    assert VALID_ID not in masked
    assert "19491231" not in masked  # the birth date is hidden


@given(st.text())
def test_mask_text_never_raises(text: str) -> None:
    assert isinstance(mask_text(text), str)


# --------------------------------------------------------------------------------------
# issue 15: normalise first — every written form is masked, the text around stays
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证 110105 19491231 002X 已核", "身份证 110105********002X 已核"),
        ("身份证110105-19491231-002X。", "身份证110105********002X。"),
        ("电话138.1234.5678", "电话138****5678"),
        ("电话(138)12345678，", "电话138****5678，"),
        ("电话138/1234/5678", "电话138****5678"),
        ("电话１３８　１２３４　５６７８", "电话１３８****５６７８"),  # full-width digits and spaces
        ("电话1\u200b3\u200b8\u200b1234\u200d5678", "电话138****5678"),  # zero-width
        ("ID\u20601101051949\ufeff1231002X", "ID\u2060110105********002X"),
        ("（１３８）１２３４－５６７８", "１３８****５６７８"),
        ("+86 (138) 1234 5678", "+86 138****5678"),
        ("1101 0519 4912 3100 2X", "110105********002X"),  # what resident_id accepts
        ("面积 120m² 号码 13812345678²", "面积 120m² 号码 138****5678²"),
    ],
)
def test_mask_text_normalises_first(text: str, masked: str) -> None:
    assert mask_text(text) == masked


_FORMATS_ID = st.sampled_from(["{a} {b} {c}", "{a}-{b}-{c}", "{a}{b}{c}", "{a}.{b}.{c}",
                               "{a}  {b}  {c}", "{a}/{b}/{c}"])
_FORMATS_MOBILE = st.sampled_from(["{a} {b} {c}", "{a}-{b}-{c}", "{a}.{b}.{c}", "({a}){b}{c}",
                                   "{a}/{b}/{c}", "{a}{b}{c}", "+86 {a}{b}{c}",
                                   "({a}) {b}-{c}", "{a}{b} {c}"])
_FILLER = st.text(alphabet=st.sampled_from("业主张三电话身份证，。：；号码请回电 abcXYZ"), max_size=12)
_ZW = ["", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


def _disguise(text: str, data: st.DataObject) -> str:
    out = []
    for c in text:
        if c.isdigit() and data.draw(st.booleans()):
            c = chr(ord(c) - ord("0") + 0xFF10)  # full width
        elif c == " " and data.draw(st.booleans()):
            c = "\u3000"
        out.append(c + data.draw(st.sampled_from(_ZW)))
    return "".join(out)


def _skeleton(text: str) -> str:
    """Independent of the code under test: NFKC, no format characters, digits only."""
    norm = unicodedata.normalize("NFKC", "".join(
        c for c in text if unicodedata.category(c) != "Cf"))
    return "".join(c for c in norm if c.isdigit() or c in "Xx*")


@settings(max_examples=300, deadline=None)
@given(data=st.data(), before=_FILLER, after=_FILLER)
def test_mask_text_hides_numbers_in_any_written_form(data, before, after) -> None:
    mobile = data.draw(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    id18 = data.draw(st.sampled_from([VALID_ID, "110101199003077774", "44030419851111123X"]))
    if data.draw(st.booleans()):
        number, form = mobile, data.draw(_FORMATS_MOBILE)
        shown = form.format(a=mobile[:3], b=mobile[3:7], c=mobile[7:])
        expected = mobile[:3] + "****" + mobile[7:]
    else:
        number, form = id18, data.draw(_FORMATS_ID)
        shown = form.format(a=id18[:6], b=id18[6:14], c=id18[14:])
        expected = id18[:6] + "*" * 8 + id18[14:]
    text = before + _disguise(shown, data) + after
    masked = mask_text(text)
    assert number not in _skeleton(masked)
    assert expected in _skeleton(masked)
    assert masked.startswith(before) and masked.endswith(after)  # the rest reads as typed
    assert mask_text(masked) == masked
