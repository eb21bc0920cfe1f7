"""The append-only audit log, chained by SHA-256: each entry's hash covers its own fields
and the previous entry's hash, so editing or deleting any entry breaks the chain from there
on (:func:`verify`). Details are masked (ID numbers, phones) before they are written."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import AuditEntry, Staff
from deskapp.masking import mask_text
from deskapp.services.numbering import next_value

GENESIS = "0" * 64


def _digest(entry: AuditEntry) -> str:
    return _digest_fields(entry.seq, entry.at, entry.staff_id, entry.action, entry.entity,
                          entry.entity_id, entry.detail, entry.prev_hash)


def _digest_fields(seq: int, at: datetime, staff_id: int | None, action: str, entity: str,
                   entity_id: str, detail: str, prev_hash: str) -> str:
    payload = json.dumps(
        [seq, at.isoformat(), staff_id, action, entity, entity_id, detail, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_CHAIN_COLUMNS = (AuditEntry.seq, AuditEntry.at, AuditEntry.staff_id, AuditEntry.action,
                  AuditEntry.entity, AuditEntry.entity_id, AuditEntry.detail,
                  AuditEntry.prev_hash, AuditEntry.hash)


def record(
    session: Session,
    *,
    by: Staff | None,
    action: str,
    entity: str,
    entity_id: object = "",
    detail: str | dict[str, object] = "",
) -> AuditEntry:
    """Append one entry in the caller's transaction."""
    if isinstance(detail, dict):
        detail = json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)
    seq = next_value(session, "audit")
    # Issue #17: a transaction that records many entries (the demo build, imports) knows
    # the chain's last hash from its own previous call; trusted only for the very next seq
    # in the same transaction (a rolled-back savepoint gives a seq that does not follow).
    txn = session.get_transaction()
    cached = session.info.get(_HEAD)
    if cached is not None and cached[0] is txn and cached[1] == seq - 1:
        prev = cached[2]
    else:
        prev = session.exec(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1)).first()
    entry = AuditEntry(
        seq=seq,
        at=clock.now(),
        staff_id=by.id if by else None,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        detail=mask_text(detail)[:4000],
        prev_hash=prev or GENESIS,
        hash="",
    )
    entry.hash = _digest(entry)
    # A core INSERT: the audit log is append-only, so the ORM's unit of work buys nothing
    # and costs a flush per business action.
    entry.id = session.execute(_INSERT, entry.model_dump(exclude={"id"})).scalar_one()
    session.info[_HEAD] = (txn, seq, entry.hash)
    return entry


_HEAD = "deskapp.audit.head"


_INSERT = insert(AuditEntry).returning(AuditEntry.id)


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_broken_seq: int | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def verify(session: Session, *, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order; name the first entry whose hash or link is wrong."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    while True:
        # Plain column tuples, not ORM objects: verifying half a million entries is
        # dominated by object construction otherwise.
        rows = session.execute(
            select(*_CHAIN_COLUMNS).where(AuditEntry.seq > last_seq)
            .order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return VerifyResult(checked, None)
        for row in rows:
            seq, stored_prev, stored_hash = row[0], row[7], row[8]
            if seq != expected_seq:
                return VerifyResult(checked, expected_seq, "missing")
            if stored_prev != prev_hash:
                return VerifyResult(checked, seq, "link")
            if _digest_fields(*row[:8]) != stored_hash:
                return VerifyResult(checked, seq, "hash")
            prev_hash = stored_hash
            expected_seq += 1
            checked += 1
            last_seq = seq


def entries_for(session: Session, *, entity: str, entity_id: object) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.seq)
        ).all()
    )
