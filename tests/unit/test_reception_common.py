"""Shared set-up of the reception tests (no tests here): a few units with occupants."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from deskapp.db.engine import Database
from deskapp.services import units


@dataclass(frozen=True)
class Site:
    unit_a: int  # 3-1-1201, 张三 13812345678
    unit_b: int  # 3-1-1202, 李四
    unit_c: int  # 5-2-801 (another building), 王五
    building_3: int
    building_5: int


def make_site(db: Database) -> Site:
    with db.write() as session:
        b3 = units.get_or_create_building(session, code="3", floors=18)
        b5 = units.get_or_create_building(session, code="5", floors=21)
        a = units.create_unit(session, building=b3, entrance="1", floor=12, room="1201",
                              area=Decimal("89.36"))
        b = units.create_unit(session, building=b3, entrance="1", floor=12, room="1202",
                              area=Decimal("96.12"))
        c = units.create_unit(session, building=b5, entrance="2", floor=8, room="801",
                              area=Decimal("105.67"))
        units.add_occupant(session, unit=a, name="张三", phone="13812345678")
        units.add_occupant(session, unit=b, name="李四", phone="13900001111")
        units.add_occupant(session, unit=c, name="王五", phone="0379-65432100")
        assert a.id and b.id and c.id and b3.id and b5.id
        return Site(a.id, b.id, c.id, b3.id, b5.id)
