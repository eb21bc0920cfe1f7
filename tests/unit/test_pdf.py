from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, A5, landscape

from deskapp.i18n import set_language
from deskapp.money import chinese_capital, format_fen
from deskapp.printing import Document, pdf_pages, pdf_text


def flat(text: str) -> str:
    """Extraction may split lines differently; compare without whitespace."""
    return "".join(text.split())


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    try:
        yield
    finally:
        set_language("zh")


def receipt() -> Document:
    doc = Document(
        "收据",
        subtitle="阳光花园物业服务中心",
        copies=["第一联 存根", "第二联 交款人"],
        page_size="A5-landscape",
        number="SJ-2026-000123",
        page_numbers=False,
        footer="打印时间：2026-11-30 10:15",
    )
    doc.field_rows(
        [("房号", "3-1-1201"), ("交款人", "张三"), ("收款方式", "微信"), ("日期", "2026-11-30")]
    )
    doc.table(
        ["收费项目", "所属期间", "金额"],
        [
            ["物业服务费", "2026-11", format_fen(25470)],
            ["停车费", "2026-11", format_fen(15000)],
        ],
        col_widths=[2, 2, 1],
        align=["left", "center", "right"],
    )
    doc.paragraph(f"合计（大写）：{chinese_capital(40470)}")
    doc.paragraph("收据 壹佰元整")
    doc.signatures(["收款人", "交款人"])
    doc.stamp_note("本收据加盖财务专用章有效")
    return doc


def test_chinese_round_trips_through_the_cid_font() -> None:
    data = Document("测试").paragraph("收据 壹佰元整").render()
    assert data.startswith(b"%PDF")
    assert b"/STSong-Light" in data
    assert b"/FontFile" not in data  # nothing embedded: no font files needed
    assert "收据 壹佰元整" in pdf_text(data)


def test_receipt_contains_everything_in_each_copy() -> None:
    data = receipt().render()
    pages = pdf_pages(data)
    assert len(pages) == 2
    expected = [
        "收据",
        "阳光花园物业服务中心",
        "编号：SJ-2026-000123",
        "房号",
        "3-1-1201",
        "交款人",
        "张三",
        "收款方式",
        "微信",
        "收费项目",
        "所属期间",
        "物业服务费",
        "停车费",
        "¥254.70",
        "¥150.00",
        "合计（大写）：肆佰零肆元柒角整",
        "收款人：",
        "本收据加盖财务专用章有效",
        "打印时间：2026-11-30 10:15",
    ]
    for page in pages:
        for text in expected:
            assert flat(text) in flat(page), text
    assert "第一联 存根" in pages[0] and "第二联" not in pages[0]
    assert "第二联 交款人" in pages[1] and "第一联" not in pages[1]
    assert "第 1 页" not in pdf_text(data)  # page numbers switched off


def test_receipt_page_size_is_a5_landscape() -> None:
    reader = PdfReader(io.BytesIO(receipt().render()))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == tuple(
        round(x) for x in landscape(A5)
    )
    assert reader.metadata is not None and reader.metadata.title == "收据"


@pytest.mark.parametrize(
    ("size", "dims"), [("A4", A4), ("A5", A5), ("A4-landscape", landscape(A4))]
)
def test_page_sizes(size: str, dims: tuple[float, float]) -> None:
    data = Document("报表", page_size=size).paragraph("内容").render()  # type: ignore[arg-type]
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (round(dims[0]), round(dims[1]))


def test_unknown_page_size() -> None:
    with pytest.raises(ValueError):
        Document("x", page_size="Letter")  # type: ignore[arg-type]


def test_rendering_is_deterministic() -> None:
    assert receipt().render() == receipt().render()


def test_single_copy_has_no_label_and_numbers_pages() -> None:
    data = Document("装修许可证").paragraph("准予施工").render()
    text = pdf_text(data)
    assert "装修许可证" in text and "准予施工" in text
    assert "第 1 页" in text
    assert len(pdf_pages(Document("x", copies=[]).render())) == 1


def test_long_table_spans_pages_with_labels_headers_and_page_numbers_per_copy() -> None:
    doc = Document("收费明细表", copies=["第一联", "第二联"])
    rows = [[f"3-1-{1000 + i}", f"业主{i}", format_fen(i * 100)] for i in range(120)]
    doc.table(["房号", "业主", "金额"], rows, align=["left", "left", "right"])
    pages = pdf_pages(doc.render())
    assert len(pages) >= 4
    half = len(pages) // 2
    first, second = pages[:half], pages[half:]
    assert all("第一联" in p for p in first) and all("第二联" in p for p in second)
    assert all("房号" in p for p in pages)  # the header row repeats
    assert "第 1 页" in first[0] and "第 2 页" in first[1]
    assert "第 1 页" in second[0] and "第 2 页" in second[1]
    text = flat(pdf_text(doc.render()))
    assert "3-1-1119" in text and "业主119" in text and "¥119.00" in text


def test_markup_characters_are_printed_literally() -> None:
    doc = Document("A&B <公司>")
    doc.paragraph("<b>不是粗体</b> & 1 < 2\n第二行")
    doc.field_rows([("备注", "<i>x</i>")], columns=1)
    doc.table(["列<1>"], [["a&b"]])
    text = pdf_text(doc.render())
    for expected in ["A&B <公司>", "<b>不是粗体</b> & 1 < 2", "第二行", "<i>x</i>", "列<1>", "a&b"]:
        assert expected in text


def test_empty_table_prints_none_row() -> None:
    text = pdf_text(Document("报表").table(["房号", "金额"], []).render())
    assert "（无）" in text


def test_field_rows_values_and_odd_counts() -> None:
    doc = Document("工单")
    doc.field_rows([("工单号", 20261130001), ("状态", None), ("地址", "3栋1单元1201室")], columns=2)
    doc.field_rows([("描述", "厨房漏水，" * 30)], columns=1)  # long value wraps
    text = flat(pdf_text(doc.render()))
    assert "20261130001" in text and "状态" in text and "3栋1单元1201室" in text
    assert "厨房漏水，" * 30 in text


def test_signatures_wrap_and_show_dates() -> None:
    doc = Document("交接单").signatures(["经办人", "业主签字", "主管", "财务"])
    text = pdf_text(doc.render())
    for label in ["经办人：", "业主签字：", "主管：", "财务："]:
        assert label in text
    assert text.count("日期") == 4
    no_date = pdf_text(Document("x").signatures(["经办人"], date=False).render())
    assert "经办人：" in no_date and "日期" not in no_date


def test_headings_spacers_page_breaks() -> None:
    doc = Document("月报", subtitle="2026年11月", author="前台")
    doc.heading("一、收费").paragraph("本月收费合计", align="right", size=12).spacer(10)
    doc.page_break().heading("二、报修")
    pages = pdf_pages(doc.render())
    assert len(pages) == 2
    assert "一、收费" in pages[0] and "二、报修" in pages[1]
    assert "第 2 页" in pages[1]


def test_chaining_returns_the_document() -> None:
    doc = Document("x")
    assert doc.paragraph("a").table(["h"], [["v"]]).stamp_note("n") is doc
    assert len(doc.blocks) == 3


def test_english_page_numbers(english: None) -> None:
    text = pdf_text(Document("Report", number="R-1").paragraph("body").render())
    assert "Page 1" in text and "No. R-1" in text


@pytest.mark.parametrize(
    "call",
    [
        lambda d: d.table([], []),
        lambda d: d.table(["a", "b"], [["only one"]]),
        lambda d: d.table(["a", "b"], [], col_widths=[1]),
        lambda d: d.table(["a", "b"], [], col_widths=[1, 0]),
        lambda d: d.table(["a"], [], align=["middle"]),
        lambda d: d.field_rows([("a", "b")], columns=0),
        lambda d: d.paragraph("x", align="justify"),
    ],
)
def test_bad_arguments(call: object) -> None:
    with pytest.raises(ValueError):
        call(Document("x"))  # type: ignore[operator]
