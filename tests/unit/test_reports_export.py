"""The one list export: a record list's source and query → CSV (UTF-8 with BOM) or XLSX,
with the filters and search in force, every page, personal data masked."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from deskapp.db.models.reception import Contact, ContactChannel, ContactKind, ContactStatus
from deskapp.errors import ValidationError
from deskapp.services import export
from deskapp.services.listing import FilterSpec, ListColumn, ListQuery, ListRow
from deskapp.services.reception.lists import ContactSource


@pytest.fixture
def contacts(db, receptionist, frozen_now):
    with db.write() as s:
        for i in range(7):
            s.add(Contact(at=datetime(2026, 11, 1 + i, 9), channel=ContactChannel.PHONE,
                          kind=ContactKind.REPAIR if i % 2 else ContactKind.ENQUIRY,
                          status=ContactStatus.DONE, content=f"第{i}号 厨房漏水",
                          person_name="张三", phone="13812345678", unit_code="3-1-1201",
                          staff_id=receptionist.id, created_at=datetime(2026, 11, 1 + i, 9)))
        s.add(Contact(at=datetime(2026, 11, 20, 9), channel=ContactChannel.WALK_IN,
                      kind=ContactKind.ENQUIRY, status=ContactStatus.PENDING,
                      content="身份证 11010519491231002X 手机 139 1234 5678 要求回电",
                      staff_id=receptionist.id, created_at=datetime(2026, 11, 20, 9)))
    return db


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel on Chinese Windows
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_has_bom_chinese_header_every_row_and_masks(contacts):
    source = ContactSource()
    with contacts.read() as s:
        data, count = export.export_bytes(s, source=source, query=ListQuery(), fmt="csv")
    rows = _csv_rows(data)
    assert count == 8 and len(rows) == 9
    assert rows[0][:3] == ["时间", "渠道", "类别"]
    body = "\n".join(",".join(r) for r in rows)
    assert "13812345678" not in body and "138****5678" in body
    assert "11010519491231002X" not in body and "110105********002X" in body
    assert "139****5678" in body  # a mobile typed into free text is masked too
    assert rows[1][0] == "11-20 09:00"  # newest first, as the list shows


def test_filters_and_search_are_what_the_list_shows(contacts):
    source = ContactSource()
    with contacts.read() as s:
        _, repairs = export.export_bytes(
            s, source=source, query=ListQuery(filters={"kind": "repair"}), fmt="csv")
        data, found = export.export_bytes(
            s, source=source, query=ListQuery(filters={"kind": "repair"}, search="第3号"),
            fmt="csv")
        shown = source.count(s, ListQuery(filters={"kind": "repair"}))
    assert repairs == shown == 3
    assert found == 1 and "第3号" in data.decode("utf-8-sig")
    text = export.describe_query(source, ListQuery(filters={"kind": "repair"}, search="漏水"))
    assert text == "类别：报修；搜索：漏水"
    assert export.describe_query(source, ListQuery()) == "全部"


class Amounts:
    """A tiny source of many rows, to check paging and numbers."""

    columns = [ListColumn("n", "reports.xlsx.item", 6), ListColumn("amount", "reports.xlsx.yuan",
                                                                    12, "right"),
               ListColumn("count", "reports.xlsx.count", 6, "right")]
    filters = [FilterSpec("k", "reports.xlsx.key", "choice", [("a", "甲")])]

    def __init__(self, n: int) -> None:
        self.n = n

    def count(self, session, query) -> int:
        return self.n

    def fetch(self, session, query, offset, limit, *, reverse=False):
        return [ListRow(i, (f"第{i}行", f"¥{i:,}.05", str(i)))
                for i in range(offset, min(offset + limit, self.n))]


def test_every_page_is_exported(db):
    with db.read() as s:
        rows = list(export.export_rows(s, Amounts(2501), ListQuery(), page=1000))
    assert len(rows) == 2501 and rows[-1][0] == "第2500行"


def test_xlsx_title_filters_header_numbers(db, frozen_now):
    from openpyxl import load_workbook

    with db.read() as s:
        data, count = export.export_bytes(s, source=Amounts(1205),
                                          query=ListQuery(filters={"k": "a"}), fmt="xlsx",
                                          title="收费-收据")
    assert count == 1205
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "收费-收据"
    assert ws["A1"].value == "收费-收据"
    assert ws["A2"].value == "筛选：代码：甲　导出时间：2026-11-30 10:00"
    assert [c.value for c in ws[3]] == ["项目", "金额（元）", "数量"]
    assert ws["A4"].value == "第0行"
    assert ws["B1204"].value == pytest.approx(1200.05)  # "¥1,200.05" as a number
    assert ws["B1204"].number_format == "#,##0.00"
    assert ws["C1204"].value == 1200
    assert ws.max_row == 3 + 1205
    assert ws.freeze_panes == "A4"


def test_bad_format_is_refused(db):
    with db.read() as s, pytest.raises(ValidationError) as err:
        export.export_bytes(s, source=Amounts(1), query=ListQuery(), fmt="pdf")
    assert err.value.field == "format"


def test_write_export_names_files_and_never_overwrites(db, tmp_path, frozen_now):
    with db.read() as s:
        first, n = export.write_export(s, source=Amounts(3), query=ListQuery(), fmt="csv",
                                       title="前台 接待/记录", directory=tmp_path)
        second, _ = export.write_export(s, source=Amounts(3), query=ListQuery(), fmt="csv",
                                        title="前台 接待/记录", directory=tmp_path)
    assert n == 3
    assert first.name == "前台_接待_记录-20261130-100000.csv"
    assert second != first and second.exists() and first.exists()


def test_export_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKAPP_EXPORT_DIR", str(tmp_path / "out"))
    assert export.export_dir() == tmp_path / "out" and (tmp_path / "out").is_dir()
    monkeypatch.delenv("DESKAPP_EXPORT_DIR")
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path / "home"))
    assert export.export_dir() == tmp_path / "home" / "exports"
