"""The demo site and the synthetic benchmark site."""

from __future__ import annotations

import tomllib
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import func, select

from deskapp.db.engine import Database
from deskapp.db.models import Occupant, OccupantKind, ReferenceEntry, Role, Staff, Unit, UnitUse
from deskapp.errors import Conflict
from deskapp.services import audit
from deskapp.services.demo import (
    DEMO_PASSWORD,
    DEMO_STAFF,
    DemoSummary,
    build_demo,
    build_synthetic_site,
    demo_layout,
    demo_modules,
)
from deskapp.services.site import data_dir, get_site
from deskapp.services.staff import authenticate
from deskapp.services.units import pinyin_keys, search_units
from deskapp.validators import mobile_phone, resident_id

TODAY = date(2026, 11, 30)


@pytest.fixture
def demo(db: Database) -> DemoSummary:
    with db.write() as session:
        return build_demo(session, seed=1, today=TODAY, activity=False)


def test_exactly_529_units_of_three_uses(db: Database, demo: DemoSummary) -> None:
    assert demo.units == 529
    with db.read() as session:
        units = session.exec(select(Unit)).all()
    assert len(units) == 529
    uses = Counter(u.use for u in units)
    assert set(uses) == {UnitUse.RESIDENCE, UnitUse.OFFICE, UnitUse.SHOP}
    homes = [u for u in units if u.use == UnitUse.RESIDENCE]
    assert all(Decimal(60) <= u.area <= Decimal(180) for u in homes)
    shops = [u for u in units if u.use == UnitUse.SHOP]
    assert sum(u.area for u in shops) == Decimal("5672.02")  # 商业建筑面积
    codes = {u.code for u in units}
    assert {"1-1-301", "3-1-1201", "6-2-2302", "7-1508", "8-S101", "8-S210"} <= codes
    vacant = sum(u.vacant for u in units)
    assert 15 <= vacant <= 30  # ~4%


def test_occupants_are_plausible(db: Database, demo: DemoSummary) -> None:
    with db.read() as session:
        occupants = session.exec(select(Occupant)).all()
        owned = {o.unit_id for o in occupants if o.kind == OccupantKind.OWNER}
        tenant_units = session.exec(
            select(Unit.use).join(Occupant, Occupant.unit_id == Unit.id)
            .where(Occupant.kind == OccupantKind.TENANT)).all()
    assert 0.93 * 529 <= len(owned) <= 0.97 * 529
    assert demo.owners == len(owned)
    assert {UnitUse.SHOP, UnitUse.OFFICE} <= set(tenant_units)
    for occ in occupants:
        assert 2 <= len(occ.name) <= 3
        assert mobile_phone(occ.phone) == occ.phone
        assert occ.phone_tail == occ.phone[-4:]
        if occ.id_number:
            assert resident_id(occ.id_number) == occ.id_number
    with_id = sum(1 for o in occupants if o.id_number)
    assert with_id > len(occupants) // 3


def test_every_role_present_and_demo_password_works(db: Database, demo: DemoSummary) -> None:
    with db.read() as session:
        staff = session.exec(select(Staff)).all()
        assert {s.role for s in staff} == set(Role)
        assert {(s.login, s.name, s.role) for s in staff} == set(DEMO_STAFF)
        for login, _, _ in DEMO_STAFF:
            assert authenticate(session, login=login, password=DEMO_PASSWORD).login == login
        site = get_site(session)
        assert site is not None and site.name == "上海滩华府"
        sections = Counter(session.exec(select(ReferenceEntry.section)).all())
        assert set(sections) == {"profile", "fees", "facilities", "phones"}
        assert audit.verify(session).ok


def test_unit_picker_finds_demo_units(db: Database, demo: DemoSummary) -> None:
    with db.read() as session:
        hit = search_units(session, "3-1-1201")
        assert [h.code for h in hit] == ["3-1-1201"]
        assert [h.code for h in search_units(session, "3栋1单元1201")] == ["3-1-1201"]
        assert [h.code for h in search_units(session, "7-1508")] == ["7-1508"]

        owner = session.exec(
            select(Occupant).where(Occupant.kind == OccupantKind.OWNER).order_by(Occupant.id)
            .offset(100)).first()
        assert owner is not None
        initials, _ = pinyin_keys(owner.name)
        hits = search_units(session, initials, limit=600)
        assert owner.unit_id in {h.unit_id for h in hits}
        assert all(h.occupant_name for h in hits)

        hits = search_units(session, owner.phone[-4:], limit=600)
        assert owner.unit_id in {h.unit_id for h in hits}


def test_demo_is_deterministic_and_refuses_non_empty(tmp_path, db: Database,
                                                      demo: DemoSummary) -> None:
    import random

    assert demo_layout(random.Random(1)) == demo_layout(random.Random(1))
    with pytest.raises(Conflict), db.write() as session:
        build_demo(session, seed=1, today=TODAY, activity=False)


def test_reference_files_match_the_plan() -> None:
    profile = tomllib.loads(data_dir().joinpath("site.toml").read_text("utf-8"))["entry"]
    text = "\n".join(f"{e['title']} {e['body']}" for e in profile)
    for fact in ("16,377", "58,105.61", "3.99", "433", "5,672.02", "529", "30.9%"):
        assert fact in text
    phones = tomllib.loads(data_dir().joinpath("phonebook.toml").read_text("utf-8"))["entry"]
    titles = " ".join(e["title"] for e in phones)
    for needed in ("派出所", "消防", "街道办", "社区", "租赁办", "三防办", "供水", "供电",
                   "供气", "视讯", "服务中心", "中控室"):
        assert needed in titles
    standards = tomllib.loads(
        data_dir().joinpath("fee-standards.toml").read_text("utf-8"))["standard"]
    assert len({s["code"] for s in standards}) == len(standards)
    for s in standards:
        assert isinstance(s["unit_price_fen"], int) and s["unit_price_fen"] > 0
        assert s["kind"] in {"property", "parking", "water", "electricity", "service", "deposit"}
        assert s["basis"] in {"per_m2_month", "per_space_month", "per_unit_reading", "fixed"}
        assert s["applies_to"] in {"residence", "office", "shop", "all"}
        assert isinstance(s["effective_from"], date)


def test_synthetic_site_2000_units(db: Database) -> None:
    with db.write() as session:
        result = build_synthetic_site(session, units=2000, seed=3)
    assert result.units == 2000
    with db.read() as session:
        assert session.exec(select(func.count()).select_from(Unit)).one() == 2000
        occupants = session.exec(select(Occupant)).all()
        assert len(occupants) == result.occupants
        owners = {o.unit_id for o in occupants if o.kind == OccupantKind.OWNER}
        assert 1800 <= len(owners) <= 1990
        occ = occupants[500]
        assert (occ.initials, occ.spelling) == pinyin_keys(occ.name)
        hits = search_units(session, occ.phone[-4:], limit=2000)
        assert occ.unit_id in {h.unit_id for h in hits}
        assert search_units(session, "1-1-101")[0].code == "1-1-101"
    # A second batch continues the building numbering.
    with db.write() as session:
        again = build_synthetic_site(session, units=10, seed=4)
    assert again.units == 10


def test_demo_modules_are_seeded_in_order(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import random
    import types

    from deskapp.services import demo as demo_svc

    calls: list[tuple[str, date, int]] = []

    def make(name: str, order: int) -> types.ModuleType:
        module = types.ModuleType(f"deskapp.demo.{name}")
        module.ORDER = order  # type: ignore[attr-defined]

        def seed(session, *, rng: random.Random, today: date, summary: DemoSummary) -> None:
            calls.append((name, today, len(summary.unit_ids)))
            summary.extra[name] = rng.randrange(1000)

        module.seed = seed  # type: ignore[attr-defined]
        return module

    second, first = make("zeta", 10), make("alpha", 200)
    monkeypatch.setattr(demo_svc, "demo_modules",
                        lambda: sorted([first, second], key=lambda m: (m.ORDER, m.__name__)))
    with db.write() as session:
        summary = build_demo(session, seed=7, today=TODAY)
    assert calls == [("zeta", TODAY, 529), ("alpha", TODAY, 529)]
    assert summary.modules == ["zeta", "alpha"]
    # Each module's generator depends only on the seed and the module name.
    assert summary.extra["zeta"] == random.Random("7:zeta").randrange(1000)


def test_real_demo_modules_follow_the_contract() -> None:
    from deskapp.services.demo import demo_modules

    for module in demo_modules():
        assert callable(getattr(module, "seed", None)), module.__name__


def test_the_full_demo_builds_with_every_area_activity(db: Database) -> None:
    """What `deskapp demo` runs: every area's demo module, in one transaction; the
    progress names the site and then each area in turn; the audit chain (written in
    batches) verifies and the counter stands at its last entry."""
    from deskapp.services import numbering

    calls: list[tuple[str, int, int]] = []
    with db.write() as session:
        summary = build_demo(session, seed=1, today=TODAY,
                             progress=lambda *a: calls.append(a))
    assert summary.units == 529
    assert set(summary.modules) == {m.__name__.rsplit(".", 1)[-1] for m in demo_modules()}
    steps = len(summary.modules) + 1
    assert calls == [("site", 0, steps)] + [
        (area, done, steps) for done, area in enumerate(summary.modules, start=1)]
    with db.read() as session:
        result = audit.verify(session)
        assert result.ok and result.checked > 5000
        assert audit.head(session)[0] == result.checked == numbering.peek(session, "audit")
    print("demo module seconds:", summary.timings)


# --- issue #17: the build tells which part it is at; audit entries chain in one transaction


def test_build_reports_progress_by_part(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import deskapp.services.demo as demo_mod

    calls: list[tuple[str, int, int]] = []
    seen: list[str] = []
    monkeypatch.setattr(demo_mod, "_seeds", lambda: [
        ("reception", lambda session, **kw: seen.append("reception")),
        ("cashier", lambda session, **kw: seen.append("cashier")),
    ])
    with db.write() as session:
        summary = build_demo(session, seed=1, today=TODAY, activity=True,
                             progress=lambda *a: calls.append(a))
    assert calls == [("site", 0, 3), ("reception", 1, 3), ("cashier", 2, 3)]
    assert seen == ["reception", "cashier"] and summary.modules == ["reception", "cashier"]


def test_demo_modules_are_the_progress_steps() -> None:
    import deskapp.services.demo as demo_mod

    names = [short for short, _ in demo_mod._seeds()]
    assert names and names == [m.__name__.rsplit(".", 1)[-1] for m in demo_modules()
                               if hasattr(m, "seed")]


def test_audit_chain_stays_whole_with_many_entries_and_a_rolled_back_savepoint(
        db: Database, demo: DemoSummary) -> None:
    with db.write() as session:
        for i in range(5):
            audit.record(session, by=None, action="test.bulk", entity="t", entity_id=i)
        nested = session.begin_nested()
        audit.record(session, by=None, action="test.undone", entity="t", entity_id=99)
        audit.record(session, by=None, action="test.undone", entity="t", entity_id=100)
        nested.rollback()
        audit.record(session, by=None, action="test.after", entity="t", entity_id=6)
    with db.write() as session:  # a new transaction reads the head again
        audit.record(session, by=None, action="test.next", entity="t", entity_id=7)
    with db.read() as session:
        assert audit.verify(session).ok
