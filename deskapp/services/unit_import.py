"""Loading a site's unit register (房屋及业主清册) from XLSX or CSV.

The file's first row names the columns, in Chinese or English (see ``data/units-sample.csv``
and ``data/README.md``)::

    楼栋,单元,楼层,房号,面积,用途,业主姓名,电话,身份证号
    building,entrance,floor,room,area,use,owner,phone,id_number

楼栋, 楼层, 房号 and 面积 are required columns; 单元 is blank where a building has no
units; 用途 is 住宅/办公/商铺 (or residence/office/shop; blank → 住宅); a row without an
owner is an unsold/vacant unit. CSV files may be UTF-8 (with or without BOM) or GB18030
(what Excel on Chinese Windows saves) — the whole file in one of them, decoded strictly:
a file mixing both, or with bytes of neither, is refused naming the first bad row; so is a
quote that is never closed. XLSX files are read from their first sheet.

Every row is validated before anything is written. If any row is bad the whole file is
refused with :class:`UnitImportError`, whose ``problems`` list every bad row by its row
number in the spreadsheet (the header is row 1) — nothing is half-imported.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlmodel import Session, col, select

from deskapp.db.models import Building, Occupant, OccupantKind, Role, Staff, Unit, UnitUse
from deskapp.errors import DeskError, ValidationError
from deskapp.i18n import t
from deskapp.services import audit
from deskapp.services.staff import require_role
from deskapp.services.units import get_or_create_building, pinyin_keys, unit_code
from deskapp.validators import phone as valid_phone
from deskapp.validators import required_text, resident_id, room_code

FIELDS = ("building", "entrance", "floor", "room", "area", "use", "owner", "phone", "id_number")
REQUIRED_COLUMNS = ("building", "floor", "room", "area")

#: Header spellings accepted for each column (compared after NFKC, lower-case, no spaces).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "building": ("楼栋", "楼号", "栋", "楼栋号", "栋号", "楼宇", "building"),
    "entrance": ("单元", "单元号", "entrance", "unit_entrance"),
    "floor": ("楼层", "层", "所在楼层", "floor"),
    "room": ("房号", "房间号", "室号", "门牌号", "room", "room_no"),
    "area": ("面积", "建筑面积", "面积(㎡)", "面积(m²)", "面积(m2)", "面积(平方米)",
             "建筑面积(㎡)", "建筑面积(m²)", "建筑面积(m2)", "area"),
    "use": ("用途", "房屋用途", "类型", "use", "usage"),
    "owner": ("业主姓名", "业主", "姓名", "owner", "owner_name", "name"),
    "phone": ("电话", "联系电话", "手机", "手机号", "手机号码", "phone", "mobile"),
    "id_number": ("身份证号", "身份证", "身份证号码", "证件号码", "id_number", "id", "idno",
                  "id_no"),
}
_HEADER_LOOKUP = {
    re.sub(r"\s+", "", unicodedata.normalize("NFKC", alias)).lower(): name
    for name, aliases in HEADER_ALIASES.items()
    for alias in aliases
}

USE_ALIASES: dict[str, UnitUse] = {
    "住宅": UnitUse.RESIDENCE, "住家": UnitUse.RESIDENCE, "住房": UnitUse.RESIDENCE,
    "公寓": UnitUse.RESIDENCE, "residence": UnitUse.RESIDENCE, "residential": UnitUse.RESIDENCE,
    "home": UnitUse.RESIDENCE,
    "办公": UnitUse.OFFICE, "写字楼": UnitUse.OFFICE, "商务": UnitUse.OFFICE,
    "office": UnitUse.OFFICE,
    "商铺": UnitUse.SHOP, "商业": UnitUse.SHOP, "底商": UnitUse.SHOP, "门面": UnitUse.SHOP,
    "shop": UnitUse.SHOP, "retail": UnitUse.SHOP,
}  # fmt: skip

MAX_FLOOR, MIN_FLOOR = 200, -10
MAX_AREA = Decimal("100000")
_CODE_PART = re.compile(r"[0-9A-Z]{1,6}")
_AREA_UNITS = re.compile(r"(㎡|m²|m2|平方米|平米)$", re.IGNORECASE)


class UnitImportError(ValidationError):
    """The file was refused. ``problems``: ``(row number, translated message)``, row 1
    being the header; row 0 is a problem with the file as a whole."""

    def __init__(self, problems: list[tuple[int, str]], *, file: str = "") -> None:
        super().__init__("import.rejected", field="file", count=len(problems), file=file)
        self.problems = problems

    def report(self, *, limit: int | None = None) -> str:
        """The summary line, then one line per problem: ``第3行：电话：…``."""
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [str(self)]
        lines += [t("import.problem.line", row=row, message=message) if row
                  else message for row, message in shown]
        if len(shown) < len(self.problems):
            lines.append(t("import.problem.more", n=len(self.problems) - len(shown)))
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportResult:
    file: str
    units: int
    occupants: int
    buildings_created: int


@dataclass(frozen=True)
class RegisterRow:
    """One validated row of the register (``number`` is its row in the file)."""

    number: int
    building: str
    entrance: str
    floor: int
    room: str
    area: Decimal
    use: UnitUse
    owner: str
    phone: str
    id_number: str | None
    building_label: str

    @property
    def code(self) -> str:
        return unit_code(self.building, self.entrance, self.room)


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def _first_bad_row(data: bytes, encoding: str) -> int:
    """The 1-based line of ``data`` that does not decode in ``encoding``."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1
    return 0


def decode_csv_bytes(data: bytes) -> str:
    """The whole file decoded strictly in ONE encoding: UTF-8 when it starts with a BOM;
    else UTF-8 if all of it is UTF-8; else GB18030 (what Excel on Chinese Windows saves),
    unless some rows are UTF-8 Chinese — a file mixing both would import the one kind as
    mojibake (张三 → 寮犱笁). A file that does not decode cleanly is refused, naming its
    first bad row."""
    if data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
        row = _first_bad_row(body, "utf-8")
        if row:
            raise ValidationError("import.encoding_row", field="file", row=row,
                                  encoding="UTF-8")
        return body.decode("utf-8")
    utf8_bad = _first_bad_row(data, "utf-8")
    if not utf8_bad:
        return data.decode("utf-8")
    # Some row is not UTF-8. If another non-ASCII row is, the file mixes encodings.
    for line in data.split(b"\n"):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        raise ValidationError("import.encoding_row", field="file", row=utf8_bad,
                              encoding="UTF-8")
    gb_bad = _first_bad_row(data, "gb18030")
    if gb_bad:
        raise ValidationError("import.encoding_row", field="file", row=gb_bad,
                              encoding="GB18030")
    return data.decode("gb18030")


def _read_csv(path: Path) -> list[list[object]]:
    text = decode_csv_bytes(path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[object]] = []
    try:
        for row in reader:
            rows.append(list(row))
    except csv.Error as exc:
        # an unterminated quote reads to the end of the file: name the row it opened in
        row_no = len(rows) + 1 + sum(
            max(0, sum(str(c).count("\n") for c in r)) for r in rows)
        raise ValidationError("import.csv_error", field="file", row=row_no,
                              reason=str(exc)) from None
    return rows


def _read_xlsx(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise ValidationError("import.unreadable", field="file", file=path.name) from exc
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(path: Path) -> list[list[object]]:
    """The file's rows as lists of cell values (strings for CSV, typed for XLSX)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ValidationError("import.not_found", field="file", file=str(path))
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise ValidationError("import.bad_type", field="file", file=path.name)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def map_header(header: Sequence[object]) -> dict[str, int]:
    """Column name → index; raises for unknown duplicates or missing required columns."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", _cell_text(cell))).lower()
        name = _HEADER_LOOKUP.get(key)
        if name is None:
            continue
        if name in columns:
            raise ValidationError("import.header.duplicate", field="file",
                                  column=_cell_text(cell))
        columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ValidationError("import.header.missing", field="file",
                              columns="、".join(t(f"import.field.{m}") for m in missing))
    return columns


# --------------------------------------------------------------------------------------
# Validating
# --------------------------------------------------------------------------------------


def _part(text: str, suffixes: Iterable[str]) -> str:
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()
    for suffix in suffixes:
        if value.endswith(suffix) and len(value) > len(suffix):
            return value[: -len(suffix)]
    return value


def _problem(field: str, message: str) -> str:
    return t("import.problem.field", field=t(f"import.field.{field}"), message=message)


def _parse_row(number: int, cells: dict[str, object],
               problems: list[tuple[int, str]]) -> RegisterRow | None:
    """Validate one row; append its problems and return None when it has any."""
    found: list[str] = []
    text = {name: _cell_text(value) for name, value in cells.items()}

    building_raw = text.get("building", "")
    building = _part(building_raw, ("号楼", "栋", "幢", "座", "楼", "号"))
    entrance = _part(text.get("entrance", ""), ("单元",))
    room = _part(text.get("room", ""), ("室", "号"))
    parts_ok = True
    for name, value, required in (("building", building, True), ("entrance", entrance, False),
                                  ("room", room, True)):
        if not value:
            if required:
                found.append(_problem(name, t("import.value.required")))
                parts_ok = False
        elif not _CODE_PART.fullmatch(value):
            found.append(_problem(name, t("import.value.code", value=value)))
            parts_ok = False
    if parts_ok:
        try:
            building, unit_part, room = room_code(
                f"{building}-{entrance}-{room}" if entrance else f"{building}-{room}")
            entrance = unit_part or ""
        except ValidationError as err:
            found.append(_problem("room", str(err)))

    floor = 0
    floor_text = _part(text.get("floor", ""), ("层", "F"))
    if not floor_text:
        found.append(_problem("floor", t("import.value.required")))
    else:
        try:
            floor_value = Decimal(floor_text)
            if not floor_value.is_finite() or floor_value != floor_value.to_integral_value():
                raise ValueError(floor_text)
            floor = int(floor_value)
            if not MIN_FLOOR <= floor <= MAX_FLOOR or floor == 0:
                found.append(_problem("floor", t("import.value.floor_range", low=MIN_FLOOR,
                                                 high=MAX_FLOOR)))
        except (InvalidOperation, ValueError):
            found.append(_problem("floor", t("import.value.integer", value=text.get("floor"))))

    area = Decimal("0")
    area_text = _AREA_UNITS.sub("", text.get("area", "").replace(",", "")).strip()
    if not area_text:
        found.append(_problem("area", t("import.value.required")))
    else:
        try:
            area = Decimal(area_text).quantize(Decimal("0.01"))
            if not area.is_finite() or not Decimal("0") < area <= MAX_AREA:
                found.append(_problem("area", t("import.value.area_range",
                                                high=f"{MAX_AREA:,}")))
        except (InvalidOperation, ValueError):
            found.append(_problem("area", t("import.value.number", value=text.get("area"))))

    use_text = text.get("use", "").strip().lower()
    use = UnitUse.RESIDENCE
    if use_text:
        matched = USE_ALIASES.get(use_text)
        if matched is None:
            found.append(_problem("use", t("import.value.use", value=text.get("use"))))
        else:
            use = matched

    owner = text.get("owner", "")
    phone_text = text.get("phone", "")
    id_raw = cells.get("id_number")
    id_text = text.get("id_number", "")
    if owner:
        try:
            owner = required_text(owner, t("import.field.owner"), 50)
        except ValidationError as err:
            found.append(_problem("owner", str(err)))
    elif phone_text or id_text:
        found.append(_problem("owner", t("import.value.owner_missing")))
    phone = ""
    if phone_text:
        try:
            phone = valid_phone(phone_text)
        except ValidationError as err:
            found.append(_problem("phone", str(err)))
    id_number: str | None = None
    if id_text:
        if isinstance(id_raw, int | float):
            # Excel stored the ID as a number: digits after the 15th are already lost.
            found.append(_problem("id_number", t("import.value.id_numeric")))
        else:
            try:
                id_number = resident_id(id_text)
            except ValidationError as err:
                found.append(_problem("id_number", str(err)))

    if found:
        problems.extend((number, message) for message in found)
        return None
    return RegisterRow(number=number, building=building, entrance=entrance, floor=floor, room=room,
                area=area, use=use, owner=owner, phone=phone, id_number=id_number,
                building_label=building_raw.strip())


def _existing_codes(session: Session, codes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(session.exec(select(col(Unit.code)).where(col(Unit.code).in_(chunk))).all())
    return found


def validate_rows(session: Session, table: list[list[object]], *,
                  file: str = "", allow_existing: bool = False) -> list[RegisterRow]:
    """Parse and check every row; raise :class:`UnitImportError` listing all problems.
    ``allow_existing``: units already in the database are fine (a register update)."""
    # The header is the first non-blank row.
    start = next((i for i, row in enumerate(table) if any(_cell_text(c) for c in row)), None)
    if start is None:
        raise ValidationError("import.empty", field="file", file=file)
    columns = map_header(table[start])
    problems: list[tuple[int, str]] = []
    rows: list[RegisterRow] = []
    for offset, raw in enumerate(table[start + 1 :], start=start + 2):
        if not any(_cell_text(c) for c in raw):
            continue  # blank line
        cells = {name: raw[index] if index < len(raw) else None
                 for name, index in columns.items()}
        row = _parse_row(offset, cells, problems)
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        raise ValidationError("import.empty", field="file", file=file)

    first_seen: dict[str, int] = {}
    for row in rows:
        if row.code in first_seen:
            problems.append((row.number, _problem("room", t(
                "import.value.duplicate_in_file", code=row.code, row=first_seen[row.code]))))
        else:
            first_seen[row.code] = row.number
    existing = set() if allow_existing else _existing_codes(session, list(first_seen))
    for row in rows:
        if row.code in existing and first_seen.get(row.code) == row.number:
            problems.append((row.number, _problem("room", t(
                "import.value.duplicate_in_db", code=row.code))))
    if problems:
        problems.sort(key=lambda p: p[0])
        raise UnitImportError(problems, file=file)
    return rows


# --------------------------------------------------------------------------------------
# Importing
# --------------------------------------------------------------------------------------


def import_units(session: Session, *, by: Staff, path: Path) -> ImportResult:
    """Load a unit register (supervisor only). All rows or nothing, one audit entry."""
    require_role(by, Role.SUPERVISOR)
    path = Path(path)
    table = read_table(path)
    rows = validate_rows(session, table, file=path.name)

    before = set(session.exec(select(Building.code)).all())
    buildings: dict[str, Building] = {}
    top: dict[str, int] = {}
    for row in rows:
        top[row.building] = max(top.get(row.building, 0), row.floor)
    for row in rows:
        if row.building not in buildings:
            label = row.building_label  # "2号楼" / "A座" names the building; "2" does not
            name = label if label and not label.isascii() else None
            buildings[row.building] = get_or_create_building(
                session, code=row.building, name=name, floors=top[row.building])

    building_ids: dict[str, int] = {}
    for code, building in buildings.items():
        assert building.id is not None
        building_ids[code] = building.id
    units = [Unit(building_id=building_ids[row.building], entrance=row.entrance,
                  floor=row.floor, room=row.room, code=row.code, area=row.area, use=row.use,
                  vacant=not row.owner)
             for row in rows]
    session.add_all(units)
    session.flush()
    occupants = []
    for row, unit in zip(rows, units, strict=True):
        if not row.owner:
            continue
        initials, spelling = pinyin_keys(row.owner)
        assert unit.id is not None
        occupants.append(Occupant(unit_id=unit.id, kind=OccupantKind.OWNER, name=row.owner,
                                  initials=initials, spelling=spelling, phone=row.phone,
                                  phone_tail=row.phone[-4:] if row.phone else "",
                                  id_number=row.id_number))
    session.add_all(occupants)
    session.flush()
    created = len(set(buildings) - before)
    audit.record(session, by=by, action="unit.import", entity="unit",
                 detail={"file": path.name, "units": len(units), "occupants": len(occupants),
                         "buildings_created": created})
    return ImportResult(file=path.name, units=len(units), occupants=len(occupants),
                        buildings_created=created)


def explain(err: DeskError) -> str:
    """What to show for an import failure: the full report for a refused file."""
    return err.report() if isinstance(err, UnitImportError) else str(err)
