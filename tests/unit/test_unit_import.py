"""Importing a unit register from CSV (UTF-8 / GB18030) and XLSX."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from deskapp.db.engine import Database
from deskapp.db.models import AuditEntry, Building, Occupant, Staff, Unit, UnitUse
from deskapp.errors import PermissionDenied, ValidationError
from deskapp.i18n import set_language
from deskapp.services.site import data_dir
from deskapp.services.unit_import import UnitImportError, import_units
from deskapp.services.units import search_units

HEADER_ZH = "楼栋,单元,楼层,房号,面积,用途,业主姓名,电话,身份证号"
GOOD_ROWS = [
    "1,1,12,1201,89.36,住宅,张伟,13812345678,410303197805123010",
    "1,1,12,1202,128.50,住宅,李秀英,0379-65551234,",
    "1,2,12,1201,89.36,住宅,,,",
    "7,,15,1508,156.20,办公,王芳,15937911122,",
    "8,,1,S101,236.40,商铺,赵磊,18637912345,410305199002141516",
]


def write_csv(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def count(db: Database, model: type) -> int:
    with db.read() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_good_csv_utf8_bom(db: Database, supervisor: Staff, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "units.csv", [HEADER_ZH, *GOOD_ROWS], "utf-8-sig")
    with db.write() as session:
        result = import_units(session, by=supervisor, path=path)
    assert (result.units, result.occupants, result.buildings_created) == (5, 4, 3)
    with db.read() as session:
        units = {u.code: u for u in session.exec(select(Unit)).all()}
        assert set(units) == {"1-1-1201", "1-1-1202", "1-2-1201", "7-1508", "8-S101"}
        assert units["1-2-1201"].vacant and not units["1-1-1201"].vacant
        assert units["7-1508"].use == UnitUse.OFFICE and units["8-S101"].use == UnitUse.SHOP
        assert units["1-1-1202"].area == Decimal("128.50")
        hit = search_units(session, "zw")
        assert [h.code for h in hit] == ["1-1-1201"]
        assert hit[0].phone == "13812345678"
        landline = session.exec(select(Occupant).where(Occupant.name == "李秀英")).one()
        assert landline.phone == "0379-65551234"
        assert session.exec(select(Building).where(Building.code == "1")).one().floors == 12
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "unit.import")).all()
        assert len(entries) == 1
        assert "13812345678" not in entries[0].detail


def test_gb18030_csv_with_english_values(db: Database, supervisor: Staff,
                                         tmp_path: Path) -> None:
    lines = [HEADER_ZH, "2号楼,1单元,5层,501室,95.5㎡,residence,欧阳娜娜,13700001111,"]
    path = write_csv(tmp_path / "excel.csv", lines, "gb18030")
    assert path.read_bytes()[:3] != b"\xef\xbb\xbf"
    with db.write() as session:
        result = import_units(session, by=supervisor, path=path)
    assert result.units == 1
    with db.read() as session:
        unit = session.exec(select(Unit)).one()
        assert (unit.code, unit.floor, unit.area) == ("2-1-501", 5, Decimal("95.50"))
        assert session.exec(select(Building.name)).one() == "2号楼"
        assert [h.occupant_name for h in search_units(session, "oyn")] == ["欧阳娜娜"]


def test_plain_utf8_csv_english_header(db: Database, supervisor: Staff, tmp_path: Path) -> None:
    lines = ["Building,Entrance,Floor,Room,Area,Use,Owner,Phone,ID_Number",
             "A,,3,301,70,office,周杰,13600002222,"]
    path = write_csv(tmp_path / "en.csv", lines, "utf-8")
    with db.write() as session:
        import_units(session, by=supervisor, path=path)
    with db.read() as session:
        assert session.exec(select(Unit.code)).one() == "A-301"


def test_xlsx(db: Database, supervisor: Staff, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER_ZH.split(","))
    ws.append([3, 1, 8, 801, 105.67, "住宅", "陈静", 13912345678, "410311198509234423"])
    ws.append([3, 1, 8, "0802", 118.35, "住宅", "刘强", "139 1234 5679", None])
    ws.append([None] * 9)  # blank rows are skipped
    ws.append(["8", None, 2, "S201", 300, "商铺", None, None, None])
    wb.create_sheet("备注").append(["ignored"])
    path = tmp_path / "register.xlsx"
    wb.save(path)
    with db.write() as session:
        result = import_units(session, by=supervisor, path=path)
    assert (result.units, result.occupants) == (3, 2)
    with db.read() as session:
        codes = set(session.exec(select(Unit.code)).all())
        assert codes == {"3-1-801", "3-1-802", "8-S201"}
        phones = set(session.exec(select(Occupant.phone)).all())
        assert phones == {"13912345678", "13912345679"}


def test_broken_file_lists_every_bad_row_and_imports_nothing(
        db: Database, supervisor: Staff, tmp_path: Path) -> None:
    lines = [
        HEADER_ZH,
        GOOD_ROWS[0],                                        # row 2
        "1,1,十二,1203,89.36,住宅,孙丽,13812345670,",         # row 3: floor not a number
        GOOD_ROWS[1],                                        # row 4
        "1,1,12,1204,89.36,住宅,周敏,1381234567,",            # row 5: phone too short
        GOOD_ROWS[3],                                        # row 6
        "1,1,12,1205,abc,住宅,吴刚,13812345671,410303197805123011",  # row 7: area + ID
    ]
    path = write_csv(tmp_path / "bad.csv", lines, "utf-8-sig")
    before = count(db, AuditEntry)
    with pytest.raises(UnitImportError) as caught, db.write() as session:
        import_units(session, by=supervisor, path=path)
    err = caught.value
    assert isinstance(err, ValidationError)
    assert sorted({row for row, _ in err.problems}) == [3, 5, 7]
    messages = dict(err.problems)
    assert messages[3] == "楼层：“十二”不是整数"
    assert messages[5] == "电话：请输入11位手机号，或带区号的座机号（如 0571-87654321）"
    row7 = [m for row, m in err.problems if row == 7]
    assert row7 == ["面积：“abc”不是数字", "身份证号：身份证号校验位不正确，请核对号码"]
    report = err.report()
    assert report.splitlines()[0] == "文件bad.csv有4处问题，未导入任何数据。请改正后重新导入："
    assert "第3行：楼层：“十二”不是整数" in report
    assert count(db, Unit) == 0 and count(db, Occupant) == 0
    assert count(db, AuditEntry) == before

    set_language("en")
    with pytest.raises(UnitImportError) as caught, db.write() as session:
        import_units(session, by=supervisor, path=path)
    assert dict(caught.value.problems)[3] == 'Floor: "十二" is not a whole number'


def test_duplicate_rooms_in_file_and_in_database(db: Database, supervisor: Staff,
                                                 tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", [HEADER_ZH, GOOD_ROWS[0]], "utf-8-sig")
    with db.write() as session:
        import_units(session, by=supervisor, path=first)
    lines = [HEADER_ZH,
             GOOD_ROWS[3],                                   # row 2: 7-1508
             GOOD_ROWS[0],                                   # row 3: already in the DB
             "7,,15,1508,120,办公,钱七,13700003333,"]         # row 4: repeats row 2
    second = write_csv(tmp_path / "b.csv", lines, "utf-8-sig")
    with pytest.raises(UnitImportError) as caught, db.write() as session:
        import_units(session, by=supervisor, path=second)
    assert caught.value.problems == [
        (3, "房号：房屋1-1-1201已在系统中"),
        (4, "房号：房屋7-1508与第2行重复"),
    ]
    assert count(db, Unit) == 1


def test_missing_columns_and_bad_type(db: Database, supervisor: Staff, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["楼栋,房号,业主姓名", "1,101,张三"], "utf-8")
    with pytest.raises(ValidationError) as caught, db.write() as session:
        import_units(session, by=supervisor, path=path)
    assert caught.value.key == "import.header.missing"
    assert "楼层" in str(caught.value) and "面积" in str(caught.value)
    other = tmp_path / "x.xls"
    other.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ValidationError) as caught, db.write() as session:
        import_units(session, by=supervisor, path=other)
    assert caught.value.key == "import.bad_type"


def test_non_supervisor_refused(db: Database, receptionist: Staff, specialist: Staff,
                                tmp_path: Path) -> None:
    path = write_csv(tmp_path / "units.csv", [HEADER_ZH, *GOOD_ROWS], "utf-8-sig")
    for who in (receptionist, specialist):
        with pytest.raises(PermissionDenied), db.write() as session:
            import_units(session, by=who, path=path)
    assert count(db, Unit) == 0


def test_shipped_sample_imports(db: Database, supervisor: Staff, tmp_path: Path) -> None:
    sample = tmp_path / "units-sample.csv"
    sample.write_bytes(data_dir().joinpath("units-sample.csv").read_bytes())
    with db.write() as session:
        result = import_units(session, by=supervisor, path=sample)
    assert result.units == 7 and result.occupants == 6


# --------------------------------------------------------------------------------------
# issue 15: hostile files
# --------------------------------------------------------------------------------------


def _refused(db: Database, supervisor: Staff, path: Path) -> str:
    with pytest.raises(ValidationError) as err, db.write() as session:
        import_units(session, by=supervisor, path=path)
    assert count(db, Unit) == 0 and count(db, Occupant) == 0
    return str(err.value)


def test_utf8_file_with_one_gb18030_row_is_refused_naming_it(db: Database, supervisor: Staff,
                                                              tmp_path: Path) -> None:
    rows = [HEADER_ZH, *GOOD_ROWS]
    data = b"".join((line.encode("gb18030") if i == 2 else line.encode("utf-8")) + b"\r\n"
                    for i, line in enumerate(rows))
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    message = _refused(db, supervisor, path)
    assert "第3行" in message and "UTF-8" in message


def test_bom_followed_by_gb18030_bytes_is_refused_naming_the_row(db: Database, supervisor: Staff,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "bom-gb.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join([HEADER_ZH, *GOOD_ROWS]).encode("gb18030"))
    assert "第1行" in _refused(db, supervisor, path)


def test_bytes_of_no_encoding_are_refused(db: Database, supervisor: Staff, tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(HEADER_ZH.encode("gb18030") + b"\r\n1,1,12,1201,89.36,\x81\x20,x,,\r\n")
    assert "第2行" in _refused(db, supervisor, path)


def test_unterminated_quote_names_its_row(db: Database, supervisor: Staff, tmp_path: Path) -> None:
    lines = [HEADER_ZH, GOOD_ROWS[0], '1,1,12,1202,128.50,住宅,"李秀英,0379-65551234,', *GOOD_ROWS[2:]]
    path = write_csv(tmp_path / "quote.csv", lines, "utf-8-sig")
    message = _refused(db, supervisor, path)
    assert "第3行" in message


def test_name_of_zero_width_characters_is_refused(db: Database, supervisor: Staff,
                                                  tmp_path: Path) -> None:
    lines = [HEADER_ZH, "1,1,12,1201,89.36,住宅,\u200b\u200c\u200d,13812345678,"]
    path = write_csv(tmp_path / "zw.csv", lines, "utf-8")
    with pytest.raises(UnitImportError) as err, db.write() as session:
        import_units(session, by=supervisor, path=path)
    assert err.value.problems[0][0] == 2
    assert count(db, Occupant) == 0
