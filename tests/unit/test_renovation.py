"""Renovation rules: checklist, period and extension arithmetic, states, workers and
passes, bad input (nothing saved), lists, handover items and the monthly figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import func, select

from deskapp import clock, services
from deskapp.db.models import AuditEntry, Counter, OccupantKind, Unit
from deskapp.db.models.renovation import (
    PassStatus,
    RenovationDocument,
    RenovationFiling,
    RenovationPass,
    RenovationStatus,
    TaxStatus,
    WorkKind,
)
from deskapp.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from deskapp.printing.renovation_certificate import certificate_pdf
from deskapp.services import hooks, units
from deskapp.services.listing import ListQuery
from deskapp.services.renovation import deposit, figures, filings, handover, queries, rules
from deskapp.services.renovation import workers as renovation_workers
from deskapp.services.renovation.lists import ArchiveSource, FilingSource

# Valid GB 11643 numbers (check characters computed by the validator's own function).
from deskapp.validators import credit_code_check_char, resident_id_check_char


def _id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


OWNER_ID = _id("41030219800101001")
LEAD_ID = _id("41030519750505003")
TENANT_ID = _id("41030419900303002")
WORKER_IDS = [_id(f"4103021985020{n}00{n}") for n in range(1, 6)]
CREDIT = "91410300MA" + "44ABCD5"
CREDIT = CREDIT + credit_code_check_char(CREDIT)
BAD_ID = OWNER_ID[:-1] + ("0" if OWNER_ID[-1] != "0" else "1")


@pytest.fixture
def unit_id(db) -> int:
    with db.write() as session:
        b = units.get_or_create_building(session, code="3", floors=18)
        unit = units.create_unit(session, building=b, entrance="1", floor=12, room="1201",
                                 area=Decimal("96.12"))
        units.add_occupant(session, unit=unit, name="张三", phone="13812345678",
                           id_number=OWNER_ID)
        return unit.id


def form(unit: int | None, **over) -> rules.FilingInput:
    values = dict(
        unit_id=unit, owner_name="张三", owner_id_number=OWNER_ID, owner_phone="13812345678",
        contractor_name="洛阳美家装饰有限公司", contractor_credit_code=CREDIT, lead_name="王师傅",
        lead_id_number=LEAD_ID, lead_phone="13912345678", work_items="厨卫改造、墙面刷漆",
        permit_start=date(2026, 11, 30), permit_end=date(2027, 2, 28),
        work_kind=WorkKind.GENERAL)
    values.update(over)
    return rules.FilingInput(**values)


def _count(db, model=RenovationFiling) -> int:
    with db.read() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _new(db, by, unit_id, **over) -> int:
    with db.write() as session:
        return filings.create_filing(session, by=by, data=form(unit_id, **over)).id


def _complete_documents(db, by, filing_id, *, workers: int = 1) -> list[int]:
    with db.write() as session:
        filing = queries.get_filing(session, filing_id)
        for code in rules.filing_documents(filing):
            filings.mark_document(session, by=by, filing_id=filing_id, code=code)
        ids = []
        for n in range(workers):
            ids.append(renovation_workers.add_worker(session, by=by, filing_id=filing_id, name=f"工人{n}",
                                       id_number=WORKER_IDS[n], id_copy_received=True,
                                       photo_received=True).id)
        return ids


# --------------------------------------------------------------------------------------
# Period arithmetic
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "latest"), [
    (date(2026, 11, 30), date(2027, 2, 28)),  # clamped to February's end
    (date(2027, 11, 30), date(2028, 2, 29)),  # leap year
    (date(2027, 1, 31), date(2027, 4, 30)),  # 31 Jan + 3 months
    (date(2026, 1, 10), date(2026, 4, 10)),
    (date(2026, 12, 31), date(2027, 3, 31)),
])
def test_latest_end_is_calendar_months(start, latest):
    assert rules.latest_end(start) == latest
    rules.validate_period(start, latest)  # the latest end itself is allowed (inclusive)
    with pytest.raises(ValidationError) as err:
        rules.validate_period(start, latest + timedelta(days=1))
    assert err.value.key == "renovation.period.too_long" and err.value.field == "permit_end"


def test_end_before_start_refused():
    with pytest.raises(ValidationError) as err:
        rules.validate_period(date(2026, 12, 1), date(2026, 11, 30))
    assert err.value.key == "renovation.period.end_before_start"


# --------------------------------------------------------------------------------------
# Checklist derivation
# --------------------------------------------------------------------------------------


def _docs(**over) -> list[str]:
    answers = dict(work_kind=WorkKind.GENERAL, applicant_is_owner=True,
                   contractor_has_licence=True, contractor_has_qualification=True,
                   hot_work=False, breaks_waterproofing=False, changes_lines=False)
    answers.update(over)
    return rules.required_documents(**answers)


def test_general_work_needs_licence_qualification_drawings_and_lead():
    assert _docs() == ["licence", "qualification", "drawings", "lead_id", "lead_photo"]


def test_simple_work_skips_qualification_and_drawings_but_not_licence():
    assert _docs(work_kind=WorkKind.SIMPLE) == ["licence", "lead_id", "lead_photo"]


def test_supplier_free_service_needs_only_worker_items():
    assert _docs(work_kind=WorkKind.SUPPLIER) == []
    assert _docs(work_kind=WorkKind.SUPPLIER, changes_lines=True,
                 contractor_has_licence=False) == []


@pytest.mark.parametrize("kind", list(WorkKind))
def test_flags_add_their_documents_for_every_kind(kind):
    assert "fire_approval" in _docs(work_kind=kind, hot_work=True)
    assert "fire_approval" not in _docs(work_kind=kind)
    assert "owner_consent" in _docs(work_kind=kind, applicant_is_owner=False)
    assert "owner_consent" not in _docs(work_kind=kind)
    assert "owner_pledge" in _docs(work_kind=kind, breaks_waterproofing=True)
    assert "owner_pledge" not in _docs(work_kind=kind)


def test_line_drawing_when_lines_change():
    assert "line_drawing" in _docs(changes_lines=True)
    assert "line_drawing" in _docs(work_kind=WorkKind.SIMPLE, changes_lines=True)
    assert "line_drawing" not in _docs()


def test_statement_replaces_what_the_contractor_cannot_supply():
    no_licence = _docs(contractor_has_licence=False)
    assert "licence" not in no_licence and "statement" in no_licence
    no_qual = _docs(contractor_has_qualification=False)
    assert "qualification" not in no_qual and "statement" in no_qual
    # simple work does not ask for a qualification, so lacking one needs no statement
    assert "statement" not in _docs(work_kind=WorkKind.SIMPLE, contractor_has_qualification=False)
    assert "statement" in _docs(work_kind=WorkKind.SIMPLE, contractor_has_licence=False)
    assert _docs(contractor_has_licence=True) == [d for d in _docs() if d != "statement"]


def test_missing_items_include_workers_and_their_documents(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id, work_kind=WorkKind.SUPPLIER,
                     contractor_credit_code="")
    with db.read() as session:
        codes = [m.code for m in queries.missing_items(session, queries.get_filing(session, filing_id))]
    assert codes == ["workers"]
    with db.write() as session:
        renovation_workers.add_worker(session, by=receptionist, filing_id=filing_id, name="李四",
                        id_number=WORKER_IDS[0], id_copy_received=True)
    with db.read() as session:
        missing = queries.missing_items(session, queries.get_filing(session, filing_id))
    assert [m.code for m in missing] == ["worker_photo"] and "李四" in missing[0].text


# --------------------------------------------------------------------------------------
# Filing: bad input saves nothing
# --------------------------------------------------------------------------------------


def test_create_filing_numbers_and_audits(db, receptionist, unit_id, frozen_now):
    filing_id = _new(db, receptionist, unit_id)
    second = _new(db, receptionist, unit_id)
    with db.read() as session:
        filing = queries.get_filing(session, filing_id)
        assert filing.number == "ZX2026-0001"
        assert queries.get_filing(session, second).number == "ZX2026-0002"
        assert filing.status == RenovationStatus.DRAFT
        assert filing.unit_code == "3-1-1201" and filing.applicant_name == "张三"
        assert filing.filed_on == date(2026, 11, 30)
        entries = services.audit.entries_for(session, entity="renovation", entity_id=filing_id)
    assert [e.action for e in entries] == ["renovation.create"]
    assert OWNER_ID not in entries[0].detail


@pytest.mark.parametrize(("over", "field", "key"), [
    ({"permit_end": date(2027, 3, 1)}, "permit_end", "renovation.period.too_long"),
    ({"permit_start": date(2026, 1, 10), "permit_end": date(2026, 4, 11)}, "permit_end",
     "renovation.period.too_long"),
    ({"permit_end": "2027-02-30"}, "permit_end", "renovation.date.invalid"),
    ({"owner_id_number": BAD_ID}, "owner_id_number", "validate.id.checksum"),
    ({"lead_id_number": "4103051975050500"}, "lead_id_number", "validate.id.length"),
    ({"contractor_credit_code": CREDIT[:-1] + ("0" if CREDIT[-1] != "0" else "1")},
     "contractor_credit_code", "validate.credit.checksum"),
    ({"contractor_credit_code": ""}, "contractor_credit_code", "renovation.credit.required"),
    ({"lead_phone": "12345"}, "lead_phone", "validate.phone.invalid"),
    ({"owner_name": "  "}, "owner_name", "validate.text.required"),
    ({"work_items": ""}, "work_items", "validate.text.required"),
    ({"unit_id": 999999}, "unit", "renovation.unit.required"),
    ({"applicant_is_owner": False, "applicant_name": "李租客", "applicant_id_number": "",
      "applicant_phone": "13700001111"}, "applicant_id_number", "validate.id.empty"),
    ({"owner_id_number": TENANT_ID}, "owner_id_number", "renovation.owner.id_mismatch"),
])
def test_bad_input_names_the_field_and_saves_nothing(db, receptionist, unit_id, frozen_now,
                                                     over, field, key):
    with pytest.raises(ValidationError) as err, db.write() as session:
        data = form(unit_id, **over)
        filings.create_filing(session, by=receptionist, data=data)
    assert err.value.key == key and err.value.field == field
    assert _count(db) == 0
    with db.read() as session:  # the number was not taken either
        assert session.get(Counter, "renovation:2026") is None


def test_contractor_without_licence_needs_no_credit_code(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id, contractor_credit_code="",
                     contractor_has_licence=False)
    with db.read() as session:
        filing = queries.get_filing(session, filing_id)
        assert filing.contractor_credit_code == ""
        assert "statement" in rules.filing_documents(filing)


def test_update_only_while_draft(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id)
    with db.write() as session:
        filings.update_filing(session, by=receptionist, filing_id=filing_id,
                           data=form(unit_id, work_items="只刷墙面", work_kind=WorkKind.SIMPLE))
    with db.write() as session:
        filings.submit(session, by=receptionist, filing_id=filing_id)
    with pytest.raises(InvalidTransition), db.write() as session:
        filings.update_filing(session, by=receptionist, filing_id=filing_id, data=form(unit_id))
    with db.read() as session:
        assert queries.get_filing(session, filing_id).work_items == "只刷墙面"


# --------------------------------------------------------------------------------------
# State machine
# --------------------------------------------------------------------------------------


def test_refused_transitions(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id)
    refused = [
        lambda s: filings.approve(s, by=receptionist, filing_id=filing_id),
        lambda s: filings.review(s, by=receptionist, filing_id=filing_id, officer="赵工",
                              accepted=True),
        lambda s: filings.sign_agreement(s, by=receptionist, filing_id=filing_id),
        lambda s: filings.start_work(s, by=receptionist, filing_id=filing_id),
        lambda s: filings.extend(s, by=receptionist, filing_id=filing_id, new_end="2027-03-31"),
        lambda s: filings.apply_completion(s, by=receptionist, filing_id=filing_id),
        lambda s: filings.inspect(s, by=receptionist, filing_id=filing_id, passed=True,
                               inspector="赵工"),
        lambda s: filings.close(s, by=receptionist, filing_id=filing_id),
        lambda s: certificate_pdf(s, by=receptionist, filing_id=filing_id),
    ]
    for action in refused:
        with pytest.raises(InvalidTransition) as err, db.write() as session:
            action(session)
        assert "填表中" in str(err.value)
    with db.read() as session:
        assert queries.get_filing(session, filing_id).status == RenovationStatus.DRAFT


def test_review_returned_goes_back_to_draft_with_reason(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id)
    with db.write() as session:
        filings.submit(session, by=receptionist, filing_id=filing_id)
    with pytest.raises(ValidationError) as err, db.write() as session:
        filings.review(session, by=receptionist, filing_id=filing_id, officer="赵工",
                    accepted=False, note="")
    assert err.value.field == "review_note"
    with db.write() as session:
        filings.review(session, by=receptionist, filing_id=filing_id, officer="赵工",
                    accepted=False, note="施工方案不完整")
    with db.read() as session:
        filing = queries.get_filing(session, filing_id)
        assert filing.status == RenovationStatus.DRAFT and filing.review_note == "施工方案不完整"


def test_approval_refused_while_documents_missing(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id, hot_work=True)
    with db.write() as session:
        filings.submit(session, by=receptionist, filing_id=filing_id)
        filings.review(session, by=receptionist, filing_id=filing_id, officer="赵工", accepted=True)
        filings.mark_document(session, by=receptionist, filing_id=filing_id, code="licence")
    with pytest.raises(rules.Blocked) as err, db.write() as session:
        filings.approve(session, by=receptionist, filing_id=filing_id)
    codes = [m.code for m in err.value.missing]
    assert codes == ["qualification", "drawings", "lead_id", "lead_photo", "fire_approval",
                     "workers", "agreement", "deposit"]
    assert "动火作业消防审批" in str(err.value)
    with db.read() as session:
        assert queries.get_filing(session, filing_id).status == RenovationStatus.REVIEWED


def test_non_owner_needs_consent_and_confirmation(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id, applicant_is_owner=False,
                     applicant_name="李租客", applicant_id_number=TENANT_ID,
                     applicant_phone="13700001111")
    _complete_documents(db, receptionist, filing_id)
    with db.read() as session:
        missing = queries.missing_items(session, queries.get_filing(session, filing_id))
    assert [m.code for m in missing] == ["owner_confirmed"]
    with pytest.raises(ValidationError), db.write() as session:
        filings.confirm_with_owner(session, by=receptionist, filing_id=filing_id, note="")
    with db.write() as session:
        filings.confirm_with_owner(session, by=receptionist, filing_id=filing_id,
                                note="电话与业主张三确认")
    with db.read() as session:
        assert queries.missing_items(session, queries.get_filing(session, filing_id)) == []


def test_cancel_keeps_the_record(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id)
    with pytest.raises(ValidationError), db.write() as session:
        filings.cancel(session, by=receptionist, filing_id=filing_id, reason="")
    with db.write() as session:
        filings.cancel(session, by=receptionist, filing_id=filing_id, reason="业主暂缓装修")
    with db.read() as session:
        filing = queries.get_filing(session, filing_id)
        assert filing.status == RenovationStatus.CANCELLED
        assert filing.cancelled_by == receptionist.id and filing.cancel_reason == "业主暂缓装修"
    with pytest.raises(InvalidTransition), db.write() as session:
        filings.submit(session, by=receptionist, filing_id=filing_id)


def test_documents_can_be_unticked_only_before_review(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id)
    with db.write() as session:
        filings.mark_document(session, by=receptionist, filing_id=filing_id, code="licence")
        filings.mark_document(session, by=receptionist, filing_id=filing_id, code="licence",
                           received=False)
    assert _count(db, RenovationDocument) == 0
    with pytest.raises(ValidationError), db.write() as session:
        filings.mark_document(session, by=receptionist, filing_id=filing_id, code="nonsense")


# --------------------------------------------------------------------------------------
# Workers and passes (on an approved permit: set up without the cashier below)
# --------------------------------------------------------------------------------------


def test_worker_bad_id_and_duplicate(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id)
    with pytest.raises(ValidationError) as err, db.write() as session:
        renovation_workers.add_worker(session, by=receptionist, filing_id=filing_id, name="李四",
                        id_number=BAD_ID)
    assert err.value.field == "worker_id_number"
    with db.write() as session:
        renovation_workers.add_worker(session, by=receptionist, filing_id=filing_id, name="李四",
                        id_number=WORKER_IDS[0])
    with pytest.raises(ValidationError) as err, db.write() as session:
        renovation_workers.add_worker(session, by=receptionist, filing_id=filing_id, name="李四",
                        id_number=WORKER_IDS[0])
    assert err.value.key == "renovation.worker.duplicate"


def test_only_supervisor_refunds(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id)
    with pytest.raises(PermissionDenied), db.write() as session:
        deposit.refund_deposit(session, by=receptionist, filing_id=filing_id, request_id="x",
                            receipt_presented=True, certificate_presented=True,
                            owner_signed=True)


# --------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------


def _set(db, filing_id, **values):
    """Put a filing into a given state for list tests (lists only read)."""
    with db.write() as session:
        filing = session.get(RenovationFiling, filing_id)
        for key, value in values.items():
            setattr(filing, key, value)
        session.add(filing)


def test_list_views(db, receptionist, unit_id, frozen_now):
    today = clock.today()
    a = _new(db, receptionist, unit_id)  # draft
    b = _new(db, receptionist, unit_id, permit_start=today - timedelta(days=60),
             permit_end=today + timedelta(days=3))
    c = _new(db, receptionist, unit_id, permit_start=today - timedelta(days=80),
             permit_end=today - timedelta(days=1))
    d = _new(db, receptionist, unit_id, permit_start=today - timedelta(days=10),
             permit_end=today + timedelta(days=30))
    _set(db, b, status=RenovationStatus.IN_PROGRESS, deposit_paid_at=frozen_now,
         deposit_fen=300000)
    _set(db, c, status=RenovationStatus.APPROVED, deposit_paid_at=frozen_now, deposit_fen=300000)
    _set(db, d, status=RenovationStatus.COMPLETION_APPLIED)
    source = FilingSource()

    def ids(**filters):
        with db.read() as session:
            q = ListQuery(filters=filters)
            rows = source.fetch(session, q, 0, 50)
            assert source.count(session, q) == len(rows)
            return [r.id for r in rows]

    assert ids() == [d, c, b, a]
    assert ids(view="active") == [d, c, b]
    assert ids(view="expiring") == [b]
    assert ids(view="overdue") == [c]
    assert ids(view="deposit") == [c, b]
    with db.read() as session:
        assert queries.deposit_held_total(session) == (2, 600000)
        rows = {r.id: r for r in source.fetch(session, ListQuery(), 0, 50)}
        assert source.fetch(session, ListQuery(search="3-1-1201"), 0, 5)
        assert source.fetch(session, ListQuery(search="王师"), 0, 5)
    assert rows[c].style == "overdue" and rows[b].style == "warning"
    assert "139****5678" in rows[b].cells  # the lead's phone is masked


def test_archive_index_by_building_then_floor(db, receptionist, unit_id):
    with db.write() as session:
        b1 = units.get_or_create_building(session, code="1", floors=18)
        low = units.create_unit(session, building=b1, entrance="1", floor=3, room="301",
                                area=Decimal("80"))
        high = units.create_unit(session, building=b1, entrance="1", floor=15, room="1501",
                                 area=Decimal("80"))
        for unit in (high, low):
            units.add_occupant(session, unit=unit, name="张三", phone="13812345678",
                               kind=OccupantKind.OWNER)
        low_id, high_id = low.id, high.id
    first = _new(db, receptionist, unit_id)  # building 3
    hi = _new(db, receptionist, high_id)
    lo = _new(db, receptionist, low_id)
    with db.write() as session:
        filings.set_tax_status(session, by=receptionist, filing_id=lo, status=TaxStatus.PAID)
    source = ArchiveSource()
    with db.read() as session:
        rows = source.fetch(session, ListQuery(), 0, 10)
        assert [r.id for r in rows] == [lo, hi, first]
        assert [r.id for r in source.fetch(session, ListQuery(), 0, 10, reverse=True)] == \
            [first, hi, lo]
        b1_id = session.exec(select(Unit.building_id).where(Unit.id == low_id)).one()
        only = source.fetch(session, ListQuery(filters={"building": str(b1_id)}), 0, 10)
    assert [r.id for r in only] == [lo, hi]
    assert "已交税" in rows[0].cells


# --------------------------------------------------------------------------------------
# Handover and monthly figures
# --------------------------------------------------------------------------------------


def test_open_items_name_expiring_and_overdue_filings(db, receptionist, unit_id, frozen_now):
    today = clock.today()
    soon = _new(db, receptionist, unit_id, permit_start=today - timedelta(days=30),
                permit_end=today + timedelta(days=5))
    late = _new(db, receptionist, unit_id, permit_start=today - timedelta(days=60),
                permit_end=today - timedelta(days=2))
    later = _new(db, receptionist, unit_id, permit_start=today, permit_end=today +
                 timedelta(days=40))
    for fid in (soon, late, later):
        _set(db, fid, status=RenovationStatus.IN_PROGRESS)
    ctx = hooks.HandoverContext(start=frozen_now - timedelta(hours=8), end=frozen_now)
    with db.read() as session:
        items = [i for i in hooks.open_items(session, ctx)
                 if i.section == "renovation.handover.section"]
    assert [i.ref.id for i in items] == [late, soon]
    assert items[0].overdue and not items[1].overdue
    assert "到期仍未完工" in items[0].label and "139****5678" in items[0].label


def test_monthly_summary_counts_by_site_local_month(db, receptionist, unit_id):
    with clock.freeze(datetime(2026, 10, 31, 23, 59)):
        _new(db, receptionist, unit_id, permit_start=date(2026, 11, 1),
             permit_end=date(2027, 1, 31))
    with clock.freeze(datetime(2026, 11, 1, 0, 0)):
        nov = _new(db, receptionist, unit_id, work_kind=WorkKind.SIMPLE,
                   permit_start=date(2026, 11, 1), permit_end=date(2026, 11, 28))
    _set(db, nov, status=RenovationStatus.IN_PROGRESS, approved_at=datetime(2026, 11, 2, 9),
         deposit_paid_at=datetime(2026, 11, 2, 9), deposit_fen=300000)
    with db.read() as session:
        oct_ = figures.monthly_summary(session, year=2026, month=10)
        nov_ = figures.monthly_summary(session, year=2026, month=11)
    assert oct_.filed == 1 and oct_.by_kind == {"general": 1}
    assert nov_.filed == 1 and nov_.by_kind == {"simple": 1} and nov_.approved == 1
    assert nov_.deposits_collected == 1 and nov_.deposits_collected_fen == 300000
    assert nov_.active_at_end == 1 and nov_.overdue_at_end == 1  # ended 28 Nov, still open
    assert nov_.deposits_held_at_end_fen == 300000
    assert oct_.active_at_end == 0 and oct_.deposits_held_at_end == 0


def test_pass_requires_approved_permit(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id)
    (worker,) = _complete_documents(db, receptionist, filing_id)
    with pytest.raises(InvalidTransition), db.write() as session:
        renovation_workers.issue_pass(session, by=receptionist, worker_id=worker)
    assert _count(db, RenovationPass) == 0


# --------------------------------------------------------------------------------------
# The whole way through the cashier: deposit, permit, passes, extension, refund
# --------------------------------------------------------------------------------------

from deskapp.db.models.cashier import Bill, PayMethod, Receipt, Refund  # noqa: E402
from deskapp.printing.pdf import pdf_pages  # noqa: E402
from deskapp.services.cashier import fees, payments, refunds  # noqa: E402

START = datetime(2026, 11, 30, 9, 0)


@pytest.fixture
def standards(db) -> None:
    with db.write() as session:
        fees.load_standards(session, by=None)


def _cash(amount: int) -> list:
    return [payments.Tender(PayMethod.CASH, amount, amount)]


def _approved(db, by, unit_id, *, workers: int = 2, **over) -> tuple[int, list[int]]:
    """A filing taken by the desk from draft to approved, the real way (at START)."""
    with clock.freeze(START):
        filing_id = _new(db, by, unit_id, **over)
        worker_ids = _complete_documents(db, by, filing_id, workers=workers)
        with db.write() as session:
            filings.submit(session, by=by, filing_id=filing_id)
        with db.write() as session:
            filings.review(session, by=by, filing_id=filing_id, officer="赵工", accepted=True)
        with db.write() as session:
            filings.sign_agreement(session, by=by, filing_id=filing_id)
        with db.write() as session:
            deposit.collect_deposit(session, by=by, filing_id=filing_id,
                                 request_id=f"reno-{filing_id}", tenders=_cash(300000))
        with db.write() as session:
            filings.approve(session, by=by, filing_id=filing_id)
    return filing_id, worker_ids


def test_deposit_collected_through_the_cashier(db, receptionist, unit_id, standards):
    filing_id, _ = _approved(db, receptionist, unit_id)
    with db.read() as session:
        filing = queries.get_filing(session, filing_id)
        assert filing.status == RenovationStatus.APPROVED
        assert filing.deposit_fen == 300000 and filing.deposit_fee_code == "DP-RENO-RES"
        receipt = session.get(Receipt, filing.deposit_receipt_id)
        bill = session.get(Bill, filing.deposit_bill_id)
        assert receipt.total_fen == 300000 and receipt.number == filing.deposit_receipt_no
        assert bill.source_kind == "renovation" and bill.source_id == filing_id
        assert queries.deposit_held_total(session) == (1, 300000)


def test_deposit_refused_before_documents_and_agreement(db, receptionist, unit_id, standards):
    filing_id = _new(db, receptionist, unit_id)
    with db.write() as session:
        filings.submit(session, by=receptionist, filing_id=filing_id)
        filings.review(session, by=receptionist, filing_id=filing_id, officer="赵工", accepted=True)
    with pytest.raises(rules.Blocked), db.write() as session:
        deposit.collect_deposit(session, by=receptionist, filing_id=filing_id, request_id="r1",
                             tenders=_cash(300000))
    _complete_documents(db, receptionist, filing_id)
    with pytest.raises(Conflict) as err, db.write() as session:
        deposit.collect_deposit(session, by=receptionist, filing_id=filing_id, request_id="r1",
                             tenders=_cash(300000))
    assert err.value.key == "renovation.agreement.missing"
    assert _count(db, Receipt) == 0


def test_wrong_tender_takes_nothing(db, receptionist, unit_id, standards):
    filing_id = _new(db, receptionist, unit_id)
    _complete_documents(db, receptionist, filing_id)
    with db.write() as session:
        filings.submit(session, by=receptionist, filing_id=filing_id)
        filings.review(session, by=receptionist, filing_id=filing_id, officer="赵工", accepted=True)
        filings.sign_agreement(session, by=receptionist, filing_id=filing_id)
    with pytest.raises(ValidationError), db.write() as session:
        deposit.collect_deposit(session, by=receptionist, filing_id=filing_id, request_id="r1",
                             tenders=_cash(100000))
    assert _count(db, Receipt) == 0 and _count(db, Bill) == 0
    with db.read() as session:
        assert queries.get_filing(session, filing_id).deposit_receipt_id is None


def test_passes_numbered_gap_free_valid_until_permit_end(db, receptionist, unit_id, standards):
    first, (w1, w2) = _approved(db, receptionist, unit_id)
    with clock.freeze(START):
        with db.write() as session:
            p1 = renovation_workers.issue_pass(session, by=receptionist, worker_id=w1)
        with pytest.raises(Conflict), db.write() as session:  # one pass per worker
            renovation_workers.issue_pass(session, by=receptionist, worker_id=w1)
        with db.write() as session:
            p2 = renovation_workers.issue_pass(session, by=receptionist, worker_id=w2)
    assert (p1.number, p2.number) == ("SG000001", "SG000002")
    assert p1.valid_until == date(2027, 2, 28)
    with clock.freeze(datetime(2027, 3, 1, 9)):  # the permit has run out
        with db.write() as session:
            renovation_workers.return_pass(session, by=receptionist, pass_id=p1.id)
        with pytest.raises(Conflict) as err, db.write() as session:
            renovation_workers.issue_pass(session, by=receptionist, worker_id=w1)
        assert err.value.key == "renovation.pass.permit_expired"
    with pytest.raises(Conflict), db.write() as session:
        renovation_workers.return_pass(session, by=receptionist, pass_id=p1.id)


def test_pass_refused_without_id_copy_and_photo(db, receptionist, unit_id, standards):
    filing_id, _ = _approved(db, receptionist, unit_id)
    with clock.freeze(START), db.write() as session:
        worker = renovation_workers.add_worker(session, by=receptionist, filing_id=filing_id, name="新工人",
                                 id_number=WORKER_IDS[3], id_copy_received=True)
    with clock.freeze(START), pytest.raises(Conflict) as err, db.write() as session:
        renovation_workers.issue_pass(session, by=receptionist, worker_id=worker.id)
    assert err.value.key == "renovation.pass.documents_missing"


def test_extension_moves_end_and_every_pass_out(db, receptionist, unit_id, standards):
    filing_id, (w1, w2) = _approved(db, receptionist, unit_id)
    with clock.freeze(START):
        with db.write() as session:
            p1 = renovation_workers.issue_pass(session, by=receptionist, worker_id=w1)
            p2 = renovation_workers.issue_pass(session, by=receptionist, worker_id=w2)
        with db.write() as session:
            renovation_workers.return_pass(session, by=receptionist, pass_id=p2.id)
    with clock.freeze(datetime(2027, 2, 27, 10)):
        # 28 Feb + 3 months = 28 May: one day more is refused, nothing changes
        with pytest.raises(ValidationError) as err, db.write() as session:
            filings.extend(session, by=receptionist, filing_id=filing_id, new_end="2027-05-29")
        assert err.value.key == "renovation.extend.too_long" and "2027-05-28" in str(err.value)
        with pytest.raises(ValidationError), db.write() as session:
            filings.extend(session, by=receptionist, filing_id=filing_id, new_end="2027-02-28")
        with db.write() as session:
            filings.extend(session, by=receptionist, filing_id=filing_id, new_end="2027-05-28",
                        reason="瓷砖到货延迟")
    with clock.freeze(datetime(2027, 5, 20, 10)), db.write() as session:
        filings.extend(session, by=receptionist, filing_id=filing_id, new_end=date(2027, 8, 28))
    with db.read() as session:
        filing = queries.get_filing(session, filing_id)
        assert filing.permit_end == date(2027, 8, 28) and filing.original_end == date(2027, 2, 28)
        history = [(e.seq, e.old_end, e.new_end, e.by) for e in queries.extensions(session, filing_id)]
        assert history == [(1, date(2027, 2, 28), date(2027, 5, 28), receptionist.id),
                           (2, date(2027, 5, 28), date(2027, 8, 28), receptionist.id)]
        moved, returned = session.get(RenovationPass, p1.id), session.get(RenovationPass, p2.id)
        assert moved.valid_until == date(2027, 8, 28)
        assert returned.valid_until == date(2027, 2, 28)  # returned passes stay as they were
        assert queries.pass_marks(session, [p1.id, p2.id]) == {
            p1.id: [date(2027, 5, 28), date(2027, 8, 28)]}


def test_extension_refused_for_a_drafted_filing(db, receptionist, unit_id):
    filing_id = _new(db, receptionist, unit_id)
    with pytest.raises(InvalidTransition), db.write() as session:
        filings.extend(session, by=receptionist, filing_id=filing_id, new_end="2027-03-31")


def _to_refundable(db, by, unit_id, *, keep_out: int = 0) -> tuple[int, list[int]]:
    """Approved at START, worked, inspected, lived in from 2027-03-01, downstairs signed,
    passes returned (but the first ``keep_out``)."""
    filing_id, workers = _approved(db, by, unit_id)
    with clock.freeze(START):
        with db.write() as session:
            passes = [renovation_workers.issue_pass(session, by=by, worker_id=w).id for w in workers]
        with db.write() as session:
            certificate_pdf(session, by=by, filing_id=filing_id)
        with db.write() as session:
            filings.start_work(session, by=by, filing_id=filing_id)
    with clock.freeze(datetime(2027, 2, 20, 10)):
        with db.write() as session:
            filings.apply_completion(session, by=by, filing_id=filing_id)
        with pytest.raises(ValidationError), db.write() as session:  # a failure needs notes
            filings.inspect(session, by=by, filing_id=filing_id, passed=False, inspector="赵工")
        with db.write() as session:
            filings.inspect(session, by=by, filing_id=filing_id, passed=False, inspector="赵工",
                         notes="卫生间闭水试验渗漏")
        with db.write() as session:
            assert queries.get_filing(session, filing_id).status == RenovationStatus.IN_PROGRESS
            filings.apply_completion(session, by=by, filing_id=filing_id)
        with db.write() as session:
            filings.record_downstairs_signoff(session, by=by, filing_id=filing_id, name="李楼下")
        with db.write() as session:
            filings.inspect(session, by=by, filing_id=filing_id, passed=True, inspector="赵工")
        with db.write() as session:
            for p in passes[keep_out:]:
                renovation_workers.return_pass(session, by=by, pass_id=p)
    with clock.freeze(datetime(2027, 3, 1, 10)), db.write() as session:
        filings.record_lived_in(session, by=by, filing_id=filing_id, since="2027-03-01")
    return filing_id, passes


REFUND_DAY = datetime(2027, 6, 1, 10)


def _blockers(db, filing_id, when=REFUND_DAY, **shown) -> list[str]:
    args = dict(receipt_presented=True, certificate_presented=True, owner_signed=True)
    args.update(shown)
    with clock.freeze(when), db.read() as session:
        filing = queries.get_filing(session, filing_id)
        return [b.code for b in deposit.refund_blockers(session, filing, **args)]


def test_every_refund_condition_alone(db, receptionist, supervisor, unit_id, standards):
    filing_id, passes = _to_refundable(db, receptionist, unit_id, keep_out=1)
    # a worker's pass still out
    assert _blockers(db, filing_id) == ["passes"]
    with db.write() as session:
        out = renovation_workers.return_pass(session, by=receptionist, pass_id=passes[0])
    assert _blockers(db, filing_id) == []
    # the owner has lived in for less than 3 months (1 Mar + 3 months = 1 Jun)
    assert _blockers(db, filing_id, when=datetime(2027, 5, 31, 18)) == ["lived_in"]
    assert _blockers(db, filing_id, receipt_presented=False) == ["receipt"]
    assert _blockers(db, filing_id, certificate_presented=False) == ["certificate"]
    assert _blockers(db, filing_id, owner_signed=False) == ["owner_signed"]
    # the document set is incomplete (a worker's photo turns out not to be on file)
    worker = out.worker_id
    with db.write() as session:
        renovation_workers.set_worker_documents(session, by=receptionist, worker_id=worker,
                                  id_copy_received=True, photo_received=False)
    assert _blockers(db, filing_id) == ["documents"]
    with db.write() as session:
        renovation_workers.set_worker_documents(session, by=receptionist, worker_id=worker,
                                  id_copy_received=True, photo_received=True)
    assert _blockers(db, filing_id) == []
    # refused with the list, nothing refunded
    with clock.freeze(REFUND_DAY), pytest.raises(rules.Blocked) as err, db.write() as session:
        deposit.refund_deposit(session, by=supervisor, filing_id=filing_id, request_id="rf-1",
                            receipt_presented=False, certificate_presented=False,
                            owner_signed=True)
    assert [b.code for b in err.value.missing] == ["receipt", "certificate"]
    assert "正式收据" in str(err.value) and "登记证原件" in str(err.value)
    assert _count(db, Refund) == 0
    with clock.freeze(REFUND_DAY), db.write() as session:
        deposit.refund_deposit(session, by=supervisor, filing_id=filing_id, request_id="rf-1",
                            receipt_presented=True, certificate_presented=True,
                            owner_signed=True)
    with db.read() as session:
        filing = queries.get_filing(session, filing_id)
        refund = session.get(Refund, filing.deposit_refund_id)
        assert filing.status == RenovationStatus.REFUNDED
        assert filing.deposit_refunded_by == supervisor.id
        assert refund.amount_fen == 300000 and refund.receipt_id == filing.deposit_receipt_id
        assert queries.deposit_held_total(session) == (0, 0)
    assert _blockers(db, filing_id) == ["refunded"]
    with clock.freeze(REFUND_DAY), db.write() as session:
        filings.close(session, by=receptionist, filing_id=filing_id)
    with db.read() as session:
        june = figures.monthly_summary(session, year=2027, month=6)
        assert june.deposits_refunded == 1 and june.deposits_refunded_fen == 300000
        assert queries.get_filing(session, filing_id).status == RenovationStatus.CLOSED


def test_refund_refused_before_inspection_and_downstairs(db, receptionist, unit_id, standards):
    filing_id, workers = _approved(db, receptionist, unit_id)
    codes = _blockers(db, filing_id)
    assert codes == ["inspection", "lived_in", "downstairs"]
    with clock.freeze(START), db.write() as session:
        renovation_workers.issue_pass(session, by=receptionist, worker_id=workers[0])
    assert "passes" in _blockers(db, filing_id)


def test_close_refused_while_deposit_held(db, receptionist, unit_id, standards):
    filing_id, _ = _to_refundable(db, receptionist, unit_id)
    with pytest.raises(Conflict) as err, db.write() as session:
        filings.close(session, by=receptionist, filing_id=filing_id)
    assert err.value.key == "renovation.close.deposit_held"


def test_certificate_pdf_three_copies(db, receptionist, unit_id, standards):
    filing_id, (w1, _) = _approved(db, receptionist, unit_id)
    with clock.freeze(START), db.write() as session:
        issued = renovation_workers.issue_pass(session, by=receptionist, worker_id=w1)
    with clock.freeze(datetime(2027, 2, 27, 10)), db.write() as session:
        filings.extend(session, by=receptionist, filing_id=filing_id, new_end="2027-05-28")
    with clock.freeze(datetime(2027, 2, 27, 10)), db.write() as session:
        pdf = certificate_pdf(session, by=receptionist, filing_id=filing_id)
    pages = pdf_pages(pdf)
    assert len(pages) == 3
    labels = ("原件 业主留存", "复印件 办理出入证专用", "复印件 张贴于装修户门上")
    for page, label in zip(pages, labels, strict=True):
        assert "装修备案登记证" in page and label in page
        assert "ZX2026-0001" in page and "3-1-1201" in page and "张三" in page
        assert "2026-11-30 至 2027-02-28" in page and "延期至 2027-05-28" in page
        assert issued.number in page and "工人0" in page
        assert WORKER_IDS[0] not in page  # ID numbers are masked on the door copy too
    with db.read() as session:
        assert queries.get_filing(session, filing_id).certificate_prints == 1


def test_start_needs_the_certificate(db, receptionist, unit_id, standards):
    filing_id, _ = _approved(db, receptionist, unit_id)
    with pytest.raises(Conflict) as err, db.write() as session:
        filings.start_work(session, by=receptionist, filing_id=filing_id)
    assert err.value.key == "renovation.start.no_certificate"


def test_pass_open_item_after_expiry(db, receptionist, unit_id, standards):
    filing_id, (w1, _) = _approved(db, receptionist, unit_id)
    with clock.freeze(START), db.write() as session:
        issued = renovation_workers.issue_pass(session, by=receptionist, worker_id=w1)
    at = datetime(2027, 3, 2, 18)
    ctx = hooks.HandoverContext(start=at - timedelta(hours=8), end=at)
    with clock.freeze(at), db.read() as session:
        labels = [i.label for i in handover.open_items(session, ctx)]
    assert any(issued.number in label and "已过期未交回" in label for label in labels)
    assert any("到期仍未完工" in label for label in labels)


def test_remove_worker_refused_while_pass_out(db, receptionist, unit_id, standards):
    filing_id, (worker, other) = _approved(db, receptionist, unit_id)
    with clock.freeze(START), db.write() as session:
        issued = renovation_workers.issue_pass(session, by=receptionist, worker_id=worker)
        assert issued.status == PassStatus.OUT
    with pytest.raises(Conflict), db.write() as session:
        renovation_workers.remove_worker(session, by=receptionist, worker_id=worker)
    with db.write() as session:
        renovation_workers.remove_worker(session, by=receptionist, worker_id=other)
    with db.read() as session:
        assert [w.id for w in queries.active_workers(session, filing_id)] == [worker]


def test_inspection_alone_blocks_refund(db, receptionist, unit_id, standards):
    filing_id, _ = _approved(db, receptionist, unit_id)
    with clock.freeze(START):
        with db.write() as session:
            certificate_pdf(session, by=receptionist, filing_id=filing_id)
            filings.start_work(session, by=receptionist, filing_id=filing_id)
        with db.write() as session:
            filings.record_downstairs_signoff(session, by=receptionist, filing_id=filing_id,
                                           name="李楼下")
            filings.apply_completion(session, by=receptionist, filing_id=filing_id)
    with clock.freeze(datetime(2027, 3, 1, 10)), db.write() as session:
        filings.record_lived_in(session, by=receptionist, filing_id=filing_id, since="2027-03-01")
    assert _blockers(db, filing_id) == ["inspection"]
    with clock.freeze(datetime(2027, 3, 1, 10)), pytest.raises(ValidationError), \
            db.write() as session:
        filings.record_lived_in(session, by=receptionist, filing_id=filing_id, since="2027-03-02")


def test_whole_flow_on_postgresql(pg_db):
    """The same rules on PostgreSQL: numbering, the cashier's deposit and refund, passes,
    the lists (LIKE search instead of FTS) and the month's figures."""
    from deskapp.db.models import Role
    from deskapp.services import site
    from deskapp.services import staff as staff_svc

    db = pg_db
    with db.write() as session:
        site.set_up_site(session, name="上海滩华府")
        boss = staff_svc.create_staff(session, by=None, login="boss", name="王主管",
                                      role=Role.SUPERVISOR, password="secret123")
        desk = staff_svc.create_staff(session, by=boss, login="desk1", name="张前台",
                                      role=Role.RECEPTIONIST, password="secret123")
        b = units.get_or_create_building(session, code="3", floors=18)
        unit = units.create_unit(session, building=b, entrance="1", floor=12, room="1201",
                                 area=Decimal("96.12"))
        units.add_occupant(session, unit=unit, name="张三", phone="13812345678",
                           id_number=OWNER_ID)
        fees.load_standards(session, by=None)
        unit_id = unit.id
    filing_id, passes = _to_refundable(db, desk, unit_id)
    with clock.freeze(REFUND_DAY), db.write() as session:
        deposit.refund_deposit(session, by=boss, filing_id=filing_id, request_id="pg-rf",
                            receipt_presented=True, certificate_presented=True,
                            owner_signed=True)
    with db.read() as session:
        filing = queries.get_filing(session, filing_id)
        assert filing.number == "ZX2026-0001" and filing.status == RenovationStatus.REFUNDED
        rows = FilingSource().fetch(session, ListQuery(search="王师"), 0, 10)
        assert [r.id for r in rows] == [filing_id]
        assert [r.id for r in ArchiveSource().fetch(session, ListQuery(), 0, 10)] == [filing_id]
        june = figures.monthly_summary(session, year=2027, month=6)
        assert june.deposits_refunded_fen == 300000 and june.deposits_held_at_end == 0
        nov = figures.monthly_summary(session, year=2026, month=11)
        assert nov.filed == 1 and nov.approved == 1 and nov.deposits_collected_fen == 300000


# -- issue 14 #3: a deposit receipt is voided/refunded only as the filing allows ----------


def _reviewed_with_deposit(db, by, unit_id) -> int:
    with clock.freeze(START):
        filing_id = _new(db, by, unit_id)
        _complete_documents(db, by, filing_id)
        with db.write() as session:
            filings.submit(session, by=by, filing_id=filing_id)
            filings.review(session, by=by, filing_id=filing_id, officer="赵工", accepted=True)
            filings.sign_agreement(session, by=by, filing_id=filing_id)
        with db.write() as session:
            deposit.collect_deposit(session, by=by, filing_id=filing_id,
                                 request_id=f"reno-{filing_id}", tenders=_cash(300000))
    return filing_id


def test_void_of_a_held_deposit_is_refused_naming_the_filing(db, receptionist, supervisor,
                                                             unit_id, standards):
    filing_id, _ = _approved(db, receptionist, unit_id)
    with db.read() as session:
        filing = queries.get_filing(session, filing_id)
        receipt_id, number = filing.deposit_receipt_id, filing.number
    with clock.freeze(START), pytest.raises(Conflict) as err, db.write() as session:
        payments.void_preview(session, by=supervisor, receipt_id=receipt_id, reason="收错了")
    assert err.value.key == "cashier.void.refused"
    assert number in str(err.value) and "F4" in str(err.value)
    with clock.freeze(START), pytest.raises(Conflict), db.write() as session:
        payments.void_receipt(session, by=supervisor, receipt_id=receipt_id, reason="收错了")
    with clock.freeze(START), pytest.raises(Conflict) as err, db.write() as session:
        refunds.refund(session, by=supervisor, receipt_id=receipt_id, amount_fen=300000,
                       reason="退押金", request_id="rf-1")
    assert err.value.key == "cashier.refund.refused" and number in str(err.value)
    with db.read() as session:
        assert not session.get(Receipt, receipt_id).voided
        assert queries.get_filing(session, filing_id).deposit_receipt_id == receipt_id
        assert queries.deposit_held_total(session) == (1, 300000)
        assert session.exec(select(Refund)).all() == []


def test_void_of_a_deposit_before_the_permit_reverses_the_filing(db, receptionist, supervisor,
                                                                 unit_id, standards):
    filing_id = _reviewed_with_deposit(db, receptionist, unit_id)
    with db.read() as session:
        filing = queries.get_filing(session, filing_id)
        receipt_id, bill_id = filing.deposit_receipt_id, filing.deposit_bill_id
    with clock.freeze(START), db.read() as session:
        preview = payments.void_preview(session, by=supervisor, receipt_id=receipt_id,
                                       reason="金额收错")
    assert any(filing.number in note for note in preview.notes)
    with clock.freeze(START), db.write() as session:
        payments.void_receipt(session, by=supervisor, receipt_id=receipt_id, reason="金额收错")
    with db.read() as session:
        filing = queries.get_filing(session, filing_id)
        assert filing.deposit_receipt_id is None and filing.deposit_fen == 0
        assert filing.status == RenovationStatus.REVIEWED
        assert session.get(Bill, bill_id).status.value == "cancelled"
        assert queries.deposit_held_total(session) == (0, 0)
        actions = list(session.exec(select(AuditEntry.action)).all())
        assert "renovation.deposit.void" in actions and "cashier.receipt.void" in actions
    with clock.freeze(START), db.write() as session:  # taken again, correctly this time
        deposit.collect_deposit(session, by=receptionist, filing_id=filing_id,
                             request_id="again", tenders=_cash(300000))
    with db.read() as session:
        assert queries.deposit_held_total(session) == (1, 300000)
