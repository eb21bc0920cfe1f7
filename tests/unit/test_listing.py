"""SqlListSource (count / fetch / filters / reverse) and the Chinese text search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import DateTime, Engine, Integer, String, create_engine, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import StaticPool

from deskapp.services import textsearch
from deskapp.services.listing import (
    FilterSpec,
    ListColumn,
    ListQuery,
    ListRow,
    ListSource,
    SqlListSource,
    parse_date,
)
from deskapp.services.textsearch import (
    create_fts,
    dialect_name,
    drop_fts,
    escape_like,
    fts_match_count,
    fts_phrase,
    rebuild_fts,
    search_condition,
)
from deskapp.tui.widgets.record_list import fit_cell


class Base(DeclarativeBase):
    pass


class Complaint(Base):
    __tablename__ = "t_complaint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)


START = datetime(2025, 3, 1, 9, 30)
ROWS = [
    ("卫生间漏水的问题", "楼上卫生间漏水，天花板渗水", "open", "A-1"),
    ("电梯故障", "3号楼电梯停在8层", "open", "B_2"),
    ("噪音投诉", "夜间装修噪音，100% 影响休息", "closed", "C-3"),
    ("厨房漏水", "水管接口漏水", "closed", "D-4"),
    ("Parking gate", "The parking gate is broken", "open", "E-5"),
    ("门禁卡补办", "业主张三补办门禁卡", "open", "F\\6"),
]


class ComplaintSource(SqlListSource):
    columns = [
        ListColumn("created", "c.created", 16),
        ListColumn("title", "c.title", 20),
        ListColumn("status", "c.status", 6),
    ]
    filters = [
        FilterSpec("status", "c.status", "choice", [("open", "未处理"), ("closed", "已关闭")]),
        FilterSpec("from", "c.from", "date_from"),
        FilterSpec("to", "c.to", "date_to"),
        FilterSpec("code", "c.code", "text"),
    ]
    model = Complaint
    order_by = (Complaint.created_at.desc(), Complaint.id.desc())
    filter_columns = {
        "status": Complaint.status,
        "from": Complaint.created_at,
        "to": Complaint.created_at,
        "code": Complaint.code,
    }
    search_columns = ("title", "body")
    fts_table = "t_complaint_fts"

    def to_row(self, item: Complaint) -> ListRow:
        return ListRow(
            item.id,
            (f"{item.created_at:%Y-%m-%d %H:%M}", item.title, item.status),
            "muted" if item.status == "closed" else "",
        )


@pytest.fixture
def engine() -> Iterator[Engine]:
    eng = create_engine(
        "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
    )
    Base.metadata.create_all(eng)
    with eng.begin() as conn:
        # Rows exist before the index: create_fts must index them ('rebuild').
        conn.execute(
            Complaint.__table__.insert(),
            [
                {"id": i, "title": title, "body": body, "status": status, "code": code,
                 "created_at": START + timedelta(days=i)}
                for i, (title, body, status, code) in enumerate(ROWS, start=1)
            ],
        )
        create_fts(conn, table="t_complaint", fts_table="t_complaint_fts",
                   columns=["title", "body"])
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


def ids(session: Session, query: str, *, fts: str | None = "t_complaint_fts") -> list[int]:
    cond = search_condition(session, model=Complaint, fts_table=fts, query=query,
                            columns=["title", "body"])
    return list(session.scalars(select(Complaint.id).where(cond).order_by(Complaint.id)))


# --- SqlListSource ----------------------------------------------------------------------


def test_source_satisfies_protocol() -> None:
    assert isinstance(ComplaintSource(), ListSource)


def test_count_and_fetch_newest_first(session: Session) -> None:
    src = ComplaintSource()
    assert src.count(session, ListQuery()) == 6
    rows = src.fetch(session, ListQuery(), 0, 10)
    assert [r.id for r in rows] == [6, 5, 4, 3, 2, 1]
    assert rows[0].cells == ("2025-03-07 09:30", "门禁卡补办", "open")
    assert rows[2].style == "muted"
    assert [r.id for r in src.fetch(session, ListQuery(), 2, 2)] == [4, 3]
    assert src.fetch(session, ListQuery(), 10, 5) == []
    assert src.fetch(session, ListQuery(), 0, 0) == []


def test_reverse_fetch_reads_from_the_oldest(session: Session) -> None:
    src = ComplaintSource()
    assert [r.id for r in src.fetch(session, ListQuery(), 0, 2, reverse=True)] == [1, 2]
    # The last page of the list read forwards equals the first page read backwards.
    forward = src.fetch(session, ListQuery(), 4, 2)
    backward = src.fetch(session, ListQuery(), 0, 2, reverse=True)
    assert forward == list(reversed(backward))
    # Any window: offset o forwards == offset n-o-limit backwards, reversed.
    for offset in range(6):
        for limit in range(1, 6 - offset + 1):
            fwd = src.fetch(session, ListQuery(), offset, limit)
            bwd = src.fetch(session, ListQuery(), 6 - offset - limit, limit, reverse=True)
            assert fwd == bwd[::-1]


def test_choice_date_and_text_filters(session: Session) -> None:
    src = ComplaintSource()

    def listed(**filters: object) -> list[int]:
        q = ListQuery(filters=dict(filters))
        rows = src.fetch(session, q, 0, 50)
        assert src.count(session, q) == len(rows)
        return [r.id for r in rows]

    assert listed(status="closed") == [4, 3]
    assert listed(status="") == [6, 5, 4, 3, 2, 1]  # empty means no filter
    assert listed(status=None) == [6, 5, 4, 3, 2, 1]
    # Both date ends are inclusive whole days, on a DateTime column.
    assert listed(**{"from": date(2025, 3, 4)}) == [6, 5, 4, 3]
    assert listed(**{"to": date(2025, 3, 4)}) == [3, 2, 1]
    assert listed(**{"from": "2025-03-03", "to": "2025-03-04"}) == [3, 2]
    assert listed(status="open", **{"from": date(2025, 3, 3)}) == [6, 5, 2]
    # Text filter is a substring with LIKE wildcards taken literally.
    assert listed(code="_") == [2]
    assert listed(code="\\") == [6]
    assert listed(code="c-") == [3]


def test_filters_and_search_combine(session: Session) -> None:
    src = ComplaintSource()
    q = ListQuery(filters={"status": "closed"}, search="漏水")
    assert [r.id for r in src.fetch(session, q, 0, 10)] == [4]
    assert src.count(session, q) == 1
    q = ListQuery(filters={"status": "open"}, search="漏水的")
    assert [r.id for r in src.fetch(session, q, 0, 10)] == [1]
    assert [r.id for r in src.fetch(session, q, 0, 10, reverse=True)] == [1]


def test_parse_date() -> None:
    assert parse_date("2025-03-08") == date(2025, 3, 8)
    assert parse_date(datetime(2025, 3, 8, 10)) == date(2025, 3, 8)
    assert parse_date("") is None
    with pytest.raises(ValueError):
        parse_date("2025-13-01")


# --- text search ------------------------------------------------------------------------


def test_fts_trigram_three_or_more_characters(session: Session) -> None:
    assert ids(session, "漏水的") == [1]
    assert ids(session, "天花板渗水") == [1]
    assert ids(session, "电梯停") == [2]
    assert ids(session, "park") == [5]  # case-insensitive
    assert ids(session, "PARKING GATE") == [5]  # two terms, both must match
    assert ids(session, "parking broken") == [5]  # …in any searched column
    assert ids(session, "parking 电梯") == []


def test_fts_condition_uses_the_index(session: Session) -> None:
    cond = search_condition(session, model=Complaint, fts_table="t_complaint_fts",
                            query="漏水的")
    sql = str(cond.compile())
    assert "MATCH" in sql and "LIKE" not in sql


def test_frequent_terms_walk_the_list_order(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = ComplaintSource()
    rare = search_condition(session, model=Complaint, fts_table="t_complaint_fts", query="漏水的")
    assert "+ 0" not in str(rare.compile())
    monkeypatch.setattr(textsearch, "FTS_FREQUENT", 1)
    frequent = search_condition(session, model=Complaint, fts_table="t_complaint_fts",
                                query="漏水的")
    assert "+ 0" in str(frequent.compile())
    # Same answers either way, forwards and backwards.
    assert ids(session, "漏水的") == [1]
    assert ids(session, "parking gate") == [5]
    q = ListQuery(search="漏水 水管接")
    assert [r.id for r in src.fetch(session, q, 0, 5)] == [4]
    assert [r.id for r in src.fetch(session, q, 0, 5, reverse=True)] == [4]
    assert src.count(session, q) == 1


def test_fts_match_count_and_count_fast_path(session: Session) -> None:
    assert fts_match_count(session, fts_table="t_complaint_fts", query="漏水的") == 1
    assert fts_match_count(session, fts_table="t_complaint_fts", query="卫生间 漏水的") == 1
    # 1–2 characters: counted from the one-character index (issue #17)
    assert fts_match_count(session, fts_table="t_complaint_fts", query="漏水") == 2
    assert fts_match_count(session, fts_table="t_complaint_fts", query="漏水 楼上") == 1
    assert fts_match_count(session, fts_table="t_complaint_fts", query="漏水的 水") == 1
    assert fts_match_count(session, fts_table="t_complaint_fts", query="0%") is None  # LIKE
    assert fts_match_count(session, fts_table="t_complaint_fts", query="  ") is None
    src = ComplaintSource()
    for query in (ListQuery(search="漏水的"), ListQuery(search="漏水"),
                  ListQuery(filters={"status": "open"}, search="漏水的"),
                  ListQuery(search="parking gate"), ListQuery(search="水"),
                  ListQuery(filters={"status": "open"}, search="漏水")):
        expected = session.execute(src.count_statement(session, query)).scalar_one()
        assert src.count(session, query) == expected == len(src.fetch(session, query, 0, 50))


def test_short_terms_use_the_one_character_index(session: Session) -> None:
    # issue #17: 1–2 character terms are an index lookup, not a LIKE scan
    assert ids(session, "漏水") == [1, 4]
    assert ids(session, "水") == [1, 4]
    assert ids(session, "张") == [6]
    cond = search_condition(session, model=Complaint, fts_table="t_complaint_fts", query="漏水")
    sql = str(cond.compile())
    assert "t_complaint_fts_chars MATCH" in sql and "LIKE" not in sql


def test_short_terms_match_exactly_what_like_matches(session: Session) -> None:
    """Every 1–2 character term, case and punctuation included, finds the same rows through
    the index as through LIKE."""
    texts = [" ".join(r[:2]) for r in ROWS]
    terms = {c for text in texts for c in text if not c.isspace()}
    terms |= {text[i:i + 2] for text in texts for i in range(len(text) - 1)
              if not text[i:i + 2].isspace()}
    terms |= {"PA", "pA", "漏电", "张三", "9", "Zz"}
    for term in sorted(terms):
        if any(c.isspace() for c in term):
            continue
        assert ids(session, term) == ids(session, term, fts=None), term


def test_short_terms_with_punctuation_fall_back_to_like(session: Session) -> None:
    cond = search_condition(session, model=Complaint, fts_table="t_complaint_fts", query="0%")
    assert "LIKE" in str(cond.compile())
    assert ids(session, "0%") == [3]


def test_one_character_index_follows_insert_update_delete(session: Session) -> None:
    session.execute(Complaint.__table__.insert().values(
        id=99, title="窗户玻璃裂了", body="", status="open", code="", created_at=START))
    assert ids(session, "玻璃") == [99]
    session.execute(Complaint.__table__.update().where(Complaint.id == 99)
                    .values(title="门锁坏了"))
    assert ids(session, "玻璃") == [] and ids(session, "锁") == [99]
    session.execute(Complaint.__table__.delete().where(Complaint.id == 99))
    assert ids(session, "锁") == []


def test_one_character_index_is_rebuilt_and_dropped(session: Session) -> None:
    session.execute(text("INSERT INTO t_complaint_fts_chars(t_complaint_fts_chars) "
                         "VALUES ('delete-all')"))
    assert ids(session, "水") == []
    rebuild_fts(session, "t_complaint_fts")
    assert ids(session, "水") == [1, 4]
    drop_fts(session, fts_table="t_complaint_fts")
    names = session.execute(text("SELECT name FROM sqlite_master WHERE name LIKE "
                                 "'t_complaint_fts%'")).scalars().all()
    assert names == []
    assert ids(session, "水", fts=None) == [1, 4]


def test_mixed_terms_all_must_match(session: Session) -> None:
    assert ids(session, "漏水 楼上") == [1]
    assert ids(session, "卫生间 渗水") == [1]
    assert ids(session, "漏水 电梯") == []


def test_like_wildcards_are_literal(session: Session) -> None:
    assert ids(session, "%") == [3]
    assert ids(session, "0%") == [3]
    assert ids(session, "_") == []
    assert escape_like("a%b_c\\") == "a\\%b\\_c\\\\"


def test_fts_query_syntax_is_quoted(session: Session) -> None:
    # FTS5 operators, quotes and column filters are plain text, never syntax errors.
    for query in ['"漏水', "title:漏水的", "NOT 电梯故障", "漏水*", "(a OR b)", "a''b"]:
        ids(session, query)
    assert fts_phrase('say "hi"') == '"say ""hi"""'
    assert ids(session, "NOT 电梯故障") == []  # both terms: 'NOT' and '电梯故障'


def test_without_fts_table_everything_is_like(session: Session) -> None:
    assert ids(session, "漏水的", fts=None) == [1]
    assert ids(session, "Parking", fts=None) == [5]


def test_postgresql_uses_ilike() -> None:
    cond = search_condition("postgresql", model=Complaint, fts_table="t_complaint_fts",
                            query="漏水的问题", columns=["title"])
    from sqlalchemy.dialects import postgresql

    sql = str(cond.compile(dialect=postgresql.dialect()))
    assert "ILIKE" in sql and "MATCH" not in sql


def test_triggers_follow_insert_update_delete(engine: Engine, session: Session) -> None:
    session.add(Complaint(id=7, title="外墙渗水严重", body="", status="open", code="G",
                          created_at=START))
    session.commit()
    assert ids(session, "外墙渗") == [7]
    session.get(Complaint, 7).title = "外墙脱落"  # type: ignore[union-attr]
    session.commit()
    assert ids(session, "外墙渗") == []
    assert ids(session, "外墙脱") == [7]
    session.get(Complaint, 7).status = "closed"  # type: ignore[union-attr]
    session.commit()  # not an indexed column: the index stays right
    assert ids(session, "外墙脱") == [7]
    session.delete(session.get(Complaint, 7))
    session.commit()
    assert ids(session, "外墙脱") == []
    result = session.execute(
        text("INSERT INTO t_complaint_fts(t_complaint_fts, rank) VALUES('integrity-check', 1)")
    )
    assert result is not None  # raises if the index disagrees with the table


def test_create_is_idempotent_and_drop_and_rebuild(engine: Engine) -> None:
    with engine.begin() as conn:
        create_fts(conn, table="t_complaint", fts_table="t_complaint_fts",
                   columns=["title", "body"])
        assert dialect_name(conn) == "sqlite"
    with Session(engine) as s:
        rebuild_fts(s, "t_complaint_fts")
        assert ids(s, "漏水的") == [1]
    with engine.begin() as conn:
        drop_fts(conn, fts_table="t_complaint_fts")
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
        assert not any(n.startswith("t_complaint_fts") for n in names)
        conn.execute(text("INSERT INTO t_complaint(id, title, body, status, code, created_at)"
                          " VALUES (99, 'x', 'y', 'open', 'z', '2025-01-01')"))


def test_identifiers_are_checked(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError):
        create_fts(conn, table="t; DROP TABLE x", fts_table="f", columns=["a"])


# --- cell fitting -----------------------------------------------------------------------


def test_fit_cell_counts_cjk_as_two_cells() -> None:
    assert fit_cell("张三", 6) == "张三  "
    assert fit_cell("张三", 6, "right") == "  张三"
    assert fit_cell("卫生间漏水", 6) == "卫生… "
    assert fit_cell("卫生间漏水", 7) == "卫生间…"
    assert fit_cell("a\nb", 4) == "a b "
    assert fit_cell("abc", 0) == ""
