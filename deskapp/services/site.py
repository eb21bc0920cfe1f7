"""The site profile and the reference data of the knowledge screen (应知应会)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from deskapp import clock
from deskapp.db.models import ReferenceEntry, Role, SiteProfile, Staff
from deskapp.errors import ValidationError
from deskapp.services import audit
from deskapp.services.staff import require_role
from deskapp.services.units import pinyin_keys

SECTIONS = ("profile", "fees", "facilities", "phones")


def data_dir() -> Traversable:
    """The shipped ``data/`` folder (installed as the package ``deskapp.sitedata``)."""
    return files("deskapp.sitedata")


def get_site(session: Session) -> SiteProfile | None:
    return session.exec(select(SiteProfile).order_by(col(SiteProfile.id))).first()


def set_up_site(session: Session, *, name: str, by: Staff | None = None, company: str = "",
                address: str = "", service_phone: str = "") -> SiteProfile:
    name = name.strip()
    if not name:
        raise ValidationError("site.name.required", field="name")
    site = get_site(session)
    if site is None:
        site = SiteProfile(name=name, company=company, address=address,
                           service_phone=service_phone, created_at=clock.now())
    else:
        require_role(by, Role.SUPERVISOR)
        site.name, site.company, site.address = name, company or site.company, address or site.address
        site.service_phone = service_phone or site.service_phone
    session.add(site)
    session.flush()
    audit.record(session, by=by, action="site.setup", entity="site", entity_id=site.id,
                 detail={"name": name})
    return site


@dataclass(frozen=True)
class RefItem:
    section: str
    title: str
    body: str = ""
    phone: str = ""


def read_reference_file(path: Path | Traversable) -> list[RefItem]:
    """Read one TOML reference file: ``[[entry]]`` tables with section/title/body/phone."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    items = []
    for raw in data.get("entry", []):
        section = str(raw.get("section", ""))
        if section not in SECTIONS:
            raise ValidationError("site.reference.bad_section", section=section, file=path.name)
        items.append(RefItem(section, str(raw["title"]), str(raw.get("body", "")),
                             str(raw.get("phone", ""))))
    return items


def load_reference(session: Session, items: list[RefItem], *, by: Staff | None = None,
                   replace: bool = True) -> int:
    if replace:
        session.execute(delete(ReferenceEntry))
    for n, item in enumerate(items):
        initials, spelling = pinyin_keys(item.title)
        session.add(ReferenceEntry(section=item.section, title=item.title, body=item.body,
                                   phone=item.phone, keywords=f"{initials} {spelling}", sort=n))
    audit.record(session, by=by, action="reference.load", entity="reference",
                 detail={"entries": len(items)})
    return len(items)


def search_reference(session: Session, text: str = "", *, section: str | None = None,
                     limit: int = 500) -> list[ReferenceEntry]:
    query = select(ReferenceEntry)
    if section:
        query = query.where(ReferenceEntry.section == section)
    text = text.strip()
    if text:
        like = f"%{text}%"
        query = query.where(or_(col(ReferenceEntry.title).like(like),
                                col(ReferenceEntry.body).like(like),
                                col(ReferenceEntry.phone).like(like),
                                col(ReferenceEntry.keywords).like(f"%{text.lower()}%")))
    return list(session.exec(query.order_by(col(ReferenceEntry.sort)).limit(limit)).all())
