"""The demo site "上海滩华府" (Luoyang) and the synthetic site of the benchmark.

:func:`build_demo` fills an empty database with the shipped demo data from ``data/``:
the site profile, the reference data (应知应会), 529 units — 1–6号楼 residential towers,
7号楼 商务楼, the 商业裙楼 (8) — their owners and tenants, and the demo staff (every
password ``demo123``). Then every module of :mod:`deskapp.demo` adds demo activity.

:func:`build_synthetic_site` builds buildings, units and occupants at scale (tens of
thousands of units) with bulk inserts, for the benchmark.

Both run inside the caller's transaction (``with db.write() as session``) and are
deterministic for a given ``seed``.
"""

from __future__ import annotations

import gc
import importlib
import random
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from types import ModuleType

from sqlalchemy import event, func, insert
from sqlmodel import Session, col, select

from deskapp import clock
from deskapp.db.models import Building, Occupant, OccupantKind, Role, Staff, Unit, UnitUse
from deskapp.db.types import table_of
from deskapp.errors import Conflict
from deskapp.services import audit
from deskapp.services.site import data_dir, load_reference, read_reference_file, set_up_site
from deskapp.services.staff import create_staff
from deskapp.services.units import (
    get_or_create_building,
    occupant_values,
    pinyin_keys,
    unit_code,
)
from deskapp.validators import resident_id_check_char

DEMO_PASSWORD = "demo123"
DEMO_UNITS = 529

#: (login, name, role) — the first one is the supervisor who creates the others.
DEMO_STAFF: tuple[tuple[str, str, Role], ...] = (
    ("zhuguan", "王主管", Role.SUPERVISOR),
    ("zhuanyuan", "李专员", Role.SPECIALIST),
    ("qiantai1", "张前台", Role.RECEPTIONIST),
    ("qiantai2", "刘前台", Role.RECEPTIONIST),
)

REFERENCE_FILES = ("site.toml", "fees.toml", "facilities.toml", "phonebook.toml")


# --------------------------------------------------------------------------------------
# Layout of the demo site
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tower:
    code: str
    name: str
    floors: int  # storeys of the building
    first: int  # lowest floor with units
    entrances: tuple[str, ...]  # ("1", "2") or ("",)
    per_floor: int  # units per floor per entrance
    use: UnitUse
    prefix: str = ""  # room prefix: "S" for shops


# Residential towers: homes from 3F (1–2F lobby, stilt floor and the podium's shops).
_TOWERS: tuple[_Tower, ...] = (
    _Tower("1", "1号楼", 18, 3, ("1", "2"), 2, UnitUse.RESIDENCE),
    _Tower("2", "2号楼", 18, 3, ("1", "2"), 2, UnitUse.RESIDENCE),
    _Tower("3", "3号楼", 18, 3, ("1", "2"), 2, UnitUse.RESIDENCE),
    _Tower("4", "4号楼", 20, 3, ("1", "2"), 2, UnitUse.RESIDENCE),
    _Tower("5", "5号楼", 21, 3, ("1", "2"), 2, UnitUse.RESIDENCE),
    _Tower("6", "6号楼", 23, 3, ("1", "2"), 2, UnitUse.RESIDENCE),
    # 商务楼: offices 6F–15F, 8 per floor (1–5F lobby, conference centre, HQ's own use).
    _Tower("7", "7号楼（商务楼）", 15, 6, ("",), 8, UnitUse.OFFICE),
)
_SHOP_FLOORS = ((1, 15), (2, 10))  # 商业裙楼: S101–S115, S201–S210
_SHOP_BUILDING = ("8", "商业裙楼")
SHOP_AREA_TOTAL = Decimal("5672.02")  # 商业建筑面积

_HOME_TYPES = (  # 户型 areas (m²) and how common they are
    (Decimal("62.48"), 2), (Decimal("78.90"), 4), (Decimal("89.36"), 6),
    (Decimal("96.12"), 6), (Decimal("105.67"), 5), (Decimal("118.35"), 4),
    (Decimal("128.50"), 3), (Decimal("143.20"), 2), (Decimal("165.80"), 1),
    (Decimal("178.66"), 1),
)  # fmt: skip


@dataclass(frozen=True)
class _UnitSpec:
    building: str
    entrance: str
    floor: int
    room: str
    area: Decimal
    use: UnitUse


def demo_layout(rng: random.Random) -> list[_UnitSpec]:
    """Every unit of the demo site, in building order (exactly :data:`DEMO_UNITS`)."""
    specs: list[_UnitSpec] = []
    areas, weights = zip(*_HOME_TYPES, strict=True)
    for tower in _TOWERS:
        # A position (entrance, n-th unit of the floor) has the same area on every floor.
        plan: dict[tuple[str, int], Decimal] = {}
        for entrance in tower.entrances:
            for pos in range(1, tower.per_floor + 1):
                if tower.use == UnitUse.RESIDENCE:
                    plan[entrance, pos] = rng.choices(areas, weights)[0]
                else:
                    plan[entrance, pos] = Decimal(rng.randrange(6000, 22000)) / 100
        for entrance in tower.entrances:
            for floor in range(tower.first, tower.floors + 1):
                for pos in range(1, tower.per_floor + 1):
                    specs.append(_UnitSpec(tower.code, entrance, floor, f"{floor}{pos:02d}",
                                           plan[entrance, pos], tower.use))
    shops = [(floor, n) for floor, count in _SHOP_FLOORS for n in range(1, count + 1)]
    raw = [Decimal(rng.randrange(8000, 40000)) for _ in shops]
    scale = SHOP_AREA_TOTAL / sum(raw)
    shop_areas = [(r * scale).quantize(Decimal("0.01")) for r in raw]
    shop_areas[-1] = SHOP_AREA_TOTAL - sum(shop_areas[:-1])  # add up to the exact total
    for (floor, n), area in zip(shops, shop_areas, strict=True):
        specs.append(_UnitSpec(_SHOP_BUILDING[0], "", floor, f"S{floor}{n:02d}", area,
                               UnitUse.SHOP))
    assert len(specs) == DEMO_UNITS, len(specs)
    return specs


# --------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------

# Common surnames, most frequent first (weights roughly follow their frequency).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严武戴孔汤"
)
_SURNAME_WEIGHTS = tuple(max(1.0, 12.0 - i * 0.25) for i in range(len(_SURNAMES)))
_GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞建国志海波斌峰浩宇文博俊凯林东亮龙晨瑞轩睿泽"
_GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英玲桂兰萍红燕婷雪琳慧佳欣悦雨思嘉梅莉倩颖晓彤璐涵瑶怡"
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "191", "198", "199",
)  # fmt: skip
# Birth-region codes: mostly Luoyang's districts and counties, some from elsewhere.
_REGIONS = (
    "410302", "410303", "410304", "410305", "410307", "410308", "410311", "410323",
    "410324", "410325", "410327", "410329", "410105", "410102", "411302", "410402",
    "110105", "310104",
)  # fmt: skip


def random_name(rng: random.Random) -> tuple[str, bool]:
    """A plausible Chinese name and whether it reads as male."""
    surname = rng.choices(_SURNAMES, _SURNAME_WEIGHTS)[0]
    male = rng.random() < 0.5
    pool = _GIVEN_MALE if male else _GIVEN_FEMALE
    given = rng.choice(pool) if rng.random() < 0.4 else rng.choice(pool) + rng.choice(pool)
    return surname + given, male


def random_mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def random_resident_id(rng: random.Random, *, male: bool | None = None,
                       born_from: int = 1950, born_to: int = 2002) -> str:
    """A well-formed resident ID number (GB 11643-1999, valid check character)."""
    born = date(born_from, 1, 1) + timedelta(
        days=rng.randrange((date(born_to, 12, 31) - date(born_from, 1, 1)).days))
    seq = rng.randrange(100)
    sex = rng.randrange(10) if male is None else rng.randrange(5) * 2 + (1 if male else 0)
    first17 = f"{rng.choice(_REGIONS)}{born:%Y%m%d}{seq:02d}{sex}"
    return first17 + resident_id_check_char(first17)


# --------------------------------------------------------------------------------------
# build_demo
# --------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    """What :func:`build_demo` made; demo modules read it and add to ``extra``."""

    seed: int
    today: date
    site_id: int = 0
    buildings: int = 0
    units: int = 0
    owners: int = 0
    tenants: int = 0
    vacant: int = 0
    reference_entries: int = 0
    staff: dict[str, int] = field(default_factory=dict)  # login → staff id
    unit_ids: list[int] = field(default_factory=list)
    occupied_unit_ids: list[int] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)  # demo modules that ran
    extra: dict[str, int] = field(default_factory=dict)  # counts added by demo modules
    timings: dict[str, float] = field(default_factory=dict)  # seconds per demo module

    @property
    def occupants(self) -> int:
        return self.owners + self.tenants

    def staff_member(self, session: Session, login: str) -> Staff:
        staff = session.get(Staff, self.staff[login])
        assert staff is not None
        return staff


def ensure_fee_standards(session: Session, *, since: date) -> None:
    """The site's fee standards (``data/fee-standards.toml``) loaded once, stamped as set
    up on ``since`` — every area's demo that bills something calls this first, whichever
    runs first."""
    from deskapp.db.models.cashier import FeeStandard
    from deskapp.services.cashier import fees

    if not session.exec(select(func.count()).select_from(FeeStandard)).one():
        with clock.freeze(datetime.combine(since, dtime(8))):
            fees.load_standards(session, by=None)


def _read_toml(name: str) -> dict[str, object]:
    with data_dir().joinpath(name).open("rb") as fh:
        return tomllib.load(fh)


def _ensure_empty(session: Session) -> None:
    for model in (Staff, Unit):
        if session.exec(select(func.count()).select_from(model)).one():
            raise Conflict("demo.not_empty")


DEMO_MARK = "demo.build"  # the audit action build_demo writes: what marks a demo database


def database_kind(url: str) -> str:
    """What ``deskapp demo`` would overwrite at ``url`` (a SQLite URL): ``"absent"`` (no
    file), ``"empty"`` (a file without tables), ``"demo"`` (built by :func:`build_demo`:
    its audit log holds the ``demo.build`` entry), or ``"other"`` — a real site, or any
    other database, which is never overwritten without being asked."""
    import sqlite3
    from pathlib import Path

    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        return "absent"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return "other"
    try:
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables - {"alembic_version"}:
            return "empty"
        if "audit_entry" in tables and conn.execute(
                "SELECT 1 FROM audit_entry WHERE action = ? LIMIT 1", (DEMO_MARK,)).fetchone():
            return "demo"
        return "other"
    except sqlite3.Error:
        return "other"
    finally:
        conn.close()


DemoProgress = Callable[[str, int, int], None]
"""``progress(area, done, total)``: the build is starting ``area`` ("site" first, then each
demo module's short name); ``done`` of ``total`` steps are finished."""


def build_demo(session: Session, *, seed: int = 1, today: date | None = None,
               activity: bool = True, progress: DemoProgress | None = None) -> DemoSummary:
    """Fill an empty database with the demo site, in the caller's transaction.
    ``activity=False`` builds the site, units, occupants and staff only (no area's demo
    activity): what tests that need a populated site but no history use. ``progress`` is
    told which part is being built (``deskapp demo`` shows it as a progress bar)."""
    _ensure_empty(session)
    with _pinned(session), audit.batch(session), _no_gc():
        return _build_demo(session, seed=seed, today=today, activity=activity,
                           progress=progress)


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while the demo is built: the build allocates
    hundreds of thousands of short-lived ORM objects, and the collections they set off
    took about 5% of the build (issue #17); what it leaves in cycles while paused is
    a few MB (measured: peak RSS 170 → 176 MB), collected after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _pinned(session: Session) -> Iterator[None]:
    """Keep every object the session loads alive while the demo is built.
    The session's identity map holds objects weakly, so the services' ``session.get(Unit,
    id)`` of a unit nobody references any more is a SELECT; within the build's single
    transaction the pinned object is what that SELECT would return, so it is a lookup
    (issue #17: thousands of statements fewer)."""
    pinned: list[object] = []

    def pin(_session: object, instance: object) -> None:
        pinned.append(instance)

    # only objects read from the database: one the build created itself may hold a value
    # as the code assigned it (Decimal("523") where the database gives back "523.00")
    events = ("loaded_as_persistent",)
    for name in events:
        event.listen(session, name, pin)
    try:
        yield
    finally:
        for name in events:
            event.remove(session, name, pin)
        pinned.clear()


def _build_demo(session: Session, *, seed: int, today: date | None, activity: bool,
                progress: DemoProgress | None) -> DemoSummary:
    steps = 1 + (len(_seeds()) if activity else 0)
    if progress is not None:
        progress("site", 0, steps)
    today = today or clock.today()
    rng = random.Random(seed)
    summary = DemoSummary(seed=seed, today=today)

    # Staff first: the supervisor is the first account (created by nobody).
    supervisor: Staff | None = None
    for login, name, role in DEMO_STAFF:
        member = create_staff(session, by=supervisor, login=login, name=name, role=role,
                              password=DEMO_PASSWORD)
        supervisor = supervisor or member
        assert member.id is not None
        summary.staff[login] = member.id

    profile = _read_toml("site-profile.toml")
    site = set_up_site(session, by=supervisor, name=str(profile["name"]),
                       company=str(profile.get("company", "")),
                       address=str(profile.get("address", "")),
                       service_phone=str(profile.get("service_phone", "")))
    assert site.id is not None
    summary.site_id = site.id
    items = [item for name in REFERENCE_FILES
             for item in read_reference_file(data_dir().joinpath(name))]
    summary.reference_entries = load_reference(session, items, by=supervisor)

    _build_units(session, rng, today, summary)
    audit.record(session, by=supervisor, action=DEMO_MARK, entity="site",
                 entity_id=site.id,
                 detail={"seed": seed, "units": summary.units, "owners": summary.owners,
                         "tenants": summary.tenants})
    if activity:
        run_demo_modules(session, summary=summary, progress=None if progress is None else (
            lambda area, done, _total: progress(area, 1 + done, steps)))
    return summary


def _build_units(session: Session, rng: random.Random, today: date,
                 summary: DemoSummary) -> None:
    specs = demo_layout(rng)
    buildings: dict[str, Building] = {}
    for tower in _TOWERS:
        buildings[tower.code] = get_or_create_building(session, code=tower.code,
                                                       name=tower.name, floors=tower.floors)
    code, name = _SHOP_BUILDING
    buildings[code] = get_or_create_building(session, code=code, name=name, floors=2)
    summary.buildings = len(buildings)

    # ~5% of the units have no owner yet (developer-held); most of those stand vacant (~4%).
    unowned = rng.sample(range(len(specs)), round(len(specs) * 0.05))
    vacant = set(unowned[: round(len(specs) * 0.04)])
    unowned_set = set(unowned)
    used_phones: set[str] = set()

    def mobile() -> str:
        while True:
            number = random_mobile(rng)
            if number not in used_phones:
                used_phones.add(number)
                return number

    tenant_share = {UnitUse.SHOP: 0.6, UnitUse.OFFICE: 0.3, UnitUse.RESIDENCE: 0.04}
    # Issue #17: units and occupants are plain rows (create_unit / add_occupant write no
    # audit entry), so they go in two bulk inserts, checked by the service's own rules
    # (occupant_values); the same rows, in the same order, as one by one.
    unit_rows: list[dict[str, object]] = []
    occupants: list[tuple[int, dict[str, object]]] = []  # (index of its unit, columns)
    for i, spec in enumerate(specs):
        building = buildings[spec.building]
        unit_rows.append({"building_id": building.id, "entrance": spec.entrance,
                          "floor": spec.floor, "room": spec.room,
                          "code": unit_code(building.code, spec.entrance, spec.room),
                          "area": spec.area, "use": spec.use, "vacant": i in vacant,
                          "note": ""})
        summary.vacant += i in vacant
        if i in unowned_set:
            continue
        name, male = random_name(rng)
        id_number = random_resident_id(rng, male=male) if rng.random() < 0.6 else None
        moved_in = today - timedelta(days=rng.randrange(60, 8 * 365))
        occupants.append((i, occupant_values(unit_id=0, name=name, phone=mobile(),
                                             id_number=id_number, moved_in=moved_in,
                                             phone2=mobile() if rng.random() < 0.1 else "")))
        summary.owners += 1
        if rng.random() < tenant_share[spec.use]:
            tname, tmale = random_name(rng)
            occupants.append((i, occupant_values(
                unit_id=0, name=tname, phone=mobile(), kind=OccupantKind.TENANT,
                id_number=random_resident_id(rng, male=tmale) if rng.random() < 0.5 else None,
                moved_in=moved_in + timedelta(days=rng.randrange(0, 50)))))
            summary.tenants += 1
    session.execute(insert(table_of(Unit)), unit_rows)
    ids: dict[str, int] = {code: uid for code, uid in session.execute(
        select(col(Unit.code), col(Unit.id))).all()}
    unit_ids = [ids[str(row["code"])] for row in unit_rows]
    summary.unit_ids.extend(unit_ids)
    summary.units = len(unit_ids)
    summary.occupied_unit_ids.extend(
        unit_ids[i] for i, values in occupants if values["kind"] == OccupantKind.OWNER)
    session.execute(insert(table_of(Occupant)), [
        {**values, "unit_id": unit_ids[i]} for i, values in occupants])


# The modules of :mod:`deskapp.demo` — an explicit list; they run in ``ORDER``, then name.
DEMO_MODULES = ("cards", "cashier", "complaints", "customer", "movein", "ops", "parking",
                "reception", "registers", "renovation", "survey")


def demo_modules() -> list[ModuleType]:
    """The modules of :mod:`deskapp.demo`, in run order."""
    modules = [importlib.import_module(f"deskapp.demo.{name}") for name in DEMO_MODULES]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def _seeds() -> list[tuple[str, Callable[..., object]]]:
    found = [(m.__name__.rsplit(".", 1)[-1], getattr(m, "seed", None)) for m in demo_modules()]
    return [(short, fn) for short, fn in found if fn is not None]


def run_demo_modules(session: Session, *, summary: DemoSummary,
                     progress: DemoProgress | None = None) -> None:
    """Call ``seed(session, rng=…, today=…, summary=…)`` of every demo module.
    ``progress(area, done, total)`` is told before each module starts."""
    seeds = _seeds()
    for done, (short, seed_fn) in enumerate(seeds):
        if progress is not None:
            progress(short, done, len(seeds))
        started = time.perf_counter()
        seed_fn(session, rng=random.Random(f"{summary.seed}:{short}"), today=summary.today,
                summary=summary)
        session.flush()
        summary.modules.append(short)
        summary.timings[short] = round(time.perf_counter() - started, 2)


# --------------------------------------------------------------------------------------
# build_synthetic_site
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticSummary:
    buildings: int
    units: int
    occupants: int


_SYN_FLOORS, _SYN_ENTRANCES, _SYN_PER_FLOOR = 30, ("1", "2"), 2


def _synthetic_specs(units: int, first_code: int) -> Iterator[tuple[str, str, int, str]]:
    made = 0
    code = first_code
    while made < units:
        for entrance in _SYN_ENTRANCES:
            for floor in range(1, _SYN_FLOORS + 1):
                for pos in range(1, _SYN_PER_FLOOR + 1):
                    if made == units:
                        return
                    yield str(code), entrance, floor, f"{floor}{pos:02d}"
                    made += 1
        code += 1


def build_synthetic_site(session: Session, *, units: int, seed: int = 1,
                         occupied: float = 0.95) -> SyntheticSummary:
    """Bulk-build ``units`` residential units (30-floor towers, 2 entrances, 2 per floor)
    with owners for about ``occupied`` of them and tenants for a few. Building codes
    continue after the highest numeric code already present."""
    rng = random.Random(seed)
    existing = session.exec(select(Building.code)).all()
    first = max((int(c) for c in existing if c.isdigit()), default=0) + 1
    specs = list(_synthetic_specs(units, first))
    codes = sorted({s[0] for s in specs}, key=int)
    if codes:
        session.execute(insert(table_of(Building)), [
            {"code": c, "name": f"{c}号楼", "floors": _SYN_FLOORS, "sort": int(c)} for c in codes
        ])
    building_ids: dict[str, int] = {
        code: bid for code, bid in session.execute(
            select(col(Building.code), col(Building.id))
            .where(col(Building.code).in_(codes))).all()
    }
    types = [a for a, _ in _HOME_TYPES]
    unit_rows = [
        {"building_id": building_ids[b], "entrance": e, "floor": f, "room": r,
         "code": unit_code(b, e, r), "area": rng.choice(types), "use": UnitUse.RESIDENCE,
         "vacant": False, "note": ""}
        for b, e, f, r in specs
    ]
    if unit_rows:
        session.execute(insert(table_of(Unit)), unit_rows)
    unit_ids = session.execute(
        select(col(Unit.id)).where(col(Unit.building_id).in_(building_ids.values()))
        .order_by(col(Unit.id))
    ).scalars().all()

    # A pool of names, so pinyin is computed once per name (it dominates the run time).
    pool = [random_name(rng) for _ in range(min(3000, max(1, units)))]
    keys = {name: pinyin_keys(name) for name, _ in pool}
    occupant_rows: list[dict[str, object]] = []

    def person(unit_id: int, kind: OccupantKind) -> dict[str, object]:
        name, male = rng.choice(pool)
        initials, spelling = keys[name]
        phone = random_mobile(rng)
        return {"unit_id": unit_id, "kind": kind, "name": name, "initials": initials,
                "spelling": spelling, "phone": phone, "phone_tail": phone[-4:], "phone2": "",
                "id_number": random_resident_id(rng, male=male) if rng.random() < 0.3 else None,
                "moved_in": None, "active": True}

    for unit_id in unit_ids:
        if rng.random() >= occupied:
            continue
        occupant_rows.append(person(unit_id, OccupantKind.OWNER))
        if rng.random() < 0.05:
            occupant_rows.append(person(unit_id, OccupantKind.TENANT))
    if occupant_rows:
        session.execute(insert(table_of(Occupant)), occupant_rows)
    audit.record(session, by=None, action="demo.synthetic", entity="site",
                 detail={"seed": seed, "units": len(unit_rows), "occupants": len(occupant_rows)})
    return SyntheticSummary(buildings=len(codes), units=len(unit_rows),
                            occupants=len(occupant_rows))
