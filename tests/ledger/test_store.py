"""The ledger store: migrations, idempotent ingest, one transaction per document, PostgreSQL."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from counterclaim.errors import LedgerError
from counterclaim.ingest.document import Document
from counterclaim.ledger.models import Base, DocumentRow, EntityRow, MentionRow
from counterclaim.ledger.store import Ledger, database_url
from counterclaim.records import Analysis, EntityRecord, MentionRecord

TEXT = "Sabina Aliyeva appealed to the UN.\n"


def _core_counts(ledger: Ledger) -> dict[str, int]:
    counts = ledger.counts()
    return {k: counts[k] for k in ("documents", "entities", "mentions")}


def _analysis(text: str = TEXT) -> Analysis:
    return Analysis(
        entities=[EntityRecord("PERSON:sabina-aliyeva", "Sabina Aliyeva", "PERSON", roles=("Ombudsman",)),
                  EntityRecord("ORG:united-nations", "United Nations", "ORG", aliases=("UN",))],
        mentions=[MentionRecord(0, 14, text[0:14], "PERSON:sabina-aliyeva"),
                  MentionRecord(31, 33, text[31:33], "ORG:united-nations")],
        asserter="PERSON:sabina-aliyeva",
    )


@pytest.mark.parametrize(
    "db, expected",
    [("counterclaim.db", "sqlite:///counterclaim.db"),
     ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
     ("sqlite:///x.db", "sqlite:///x.db")],
)
def test_database_url(db, expected):
    assert database_url(db) == expected


def _schema_diff(conn):
    """Model vs database, leaving out the full-text index the migration adds outside the models."""
    diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    return [d for d in diff if "documents_fts" not in repr(d)]


def test_migrations_build_exactly_the_models(tmp_path):
    ledger = Ledger(str(tmp_path / "l.db"))
    with ledger.engine.connect() as conn:
        diff = _schema_diff(conn)
    assert diff == []


def test_add_is_idempotent_and_whole(tmp_path):
    ledger = Ledger(str(tmp_path / "l.db"))
    doc = Document(text=TEXT, path="a.txt")
    assert ledger.add_document(doc, _analysis()) is True
    assert ledger.add_document(Document(text=TEXT, path="copy.txt"), _analysis()) is False
    assert _core_counts(ledger) == {"documents": 1, "entities": 2, "mentions": 2}
    reopened = Ledger(str(tmp_path / "l.db"))
    (row,) = reopened.documents()
    assert row.path == "a.txt" and row.asserter_id == "PERSON:sabina-aliyeva" and row.analyzed


def test_a_failure_mid_write_leaves_no_half_document(tmp_path, monkeypatch):
    ledger = Ledger(str(tmp_path / "l.db"))

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Ledger, "_write_analysis", boom)
    with pytest.raises(RuntimeError):
        ledger.add_document(Document(text=TEXT, path="a.txt"), _analysis())
    assert _core_counts(ledger) == {"documents": 0, "entities": 0, "mentions": 0}


def test_replace_analysis_swaps_mentions_in_one_go(tmp_path):
    ledger = Ledger(str(tmp_path / "l.db"))
    doc = Document(text=TEXT, path="a.txt")
    ledger.add_document(doc, None)
    assert ledger.documents(analyzed=False)
    ledger.replace_analysis(doc.id, _analysis(), analyzer="test")
    ledger.replace_analysis(doc.id, _analysis(), analyzer="test")
    with ledger.session() as s:
        assert len(s.scalars(select(MentionRow)).all()) == 2
        assert s.get(DocumentRow, doc.id).analyzed


def test_unreachable_database_is_a_coded_error():
    with pytest.raises(LedgerError) as exc:
        Ledger("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    assert exc.value.code == "E201" and exc.value.exit_code == 2


def test_a_ledger_from_a_newer_counterclaim_is_refused(tmp_path):
    path = tmp_path / "l.db"
    ledger = Ledger(str(path))
    with ledger.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(LedgerError) as exc:
        Ledger(str(path))
    assert exc.value.code == "E202"


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("COUNTERCLAIM_TEST_PG_URL"), reason="COUNTERCLAIM_TEST_PG_URL not set")
def test_same_code_on_postgresql():
    url = os.environ["COUNTERCLAIM_TEST_PG_URL"]
    ledger = Ledger(url)
    with ledger.engine.begin() as conn:
        for table in ("mentions", "entity_aliases", "documents", "entities"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
    doc = Document(text=TEXT, path="a.txt")
    assert ledger.add_document(doc, _analysis()) is True
    assert ledger.add_document(doc, _analysis()) is False
    assert _core_counts(Ledger(url)) == {"documents": 1, "entities": 2, "mentions": 2}
    with ledger.engine.connect() as conn:
        assert _schema_diff(conn) == []


def _ledger_urls(tmp_path):
    urls = [str(tmp_path / "l.db")]
    if os.environ.get("COUNTERCLAIM_TEST_PG_URL"):
        urls.append(os.environ["COUNTERCLAIM_TEST_PG_URL"])
    return urls


def test_long_metadata_and_aliases_fit_every_backend(tmp_path):
    """Values longer than their columns (a 600-character alias seen twice, a long outlet) never fail a document."""
    long_name = "Committee " * 60
    text = f"{long_name}met.\n"
    for url in _ledger_urls(tmp_path):
        ledger = Ledger(url)
        with ledger.engine.begin() as conn:
            for table in ("mentions", "entity_aliases", "documents", "entities"):
                conn.exec_driver_sql(f"DELETE FROM {table}")
        for n in range(2):
            body = text + ("again\n" if n else "")
            doc = Document(text=body, path=f"{n}.txt", outlet="O" * 300, dateline="D" * 300, language="en")
            ent = EntityRecord("ORG:committee", long_name.strip(), "ORG", aliases=(long_name.strip() + "s",))
            analysis = Analysis(entities=[ent], mentions=[MentionRecord(0, 9, body[0:9], "ORG:committee")])
            assert ledger.add_document(doc, analysis, analyzer="a" * 300) is True
        assert _core_counts(ledger) == {"documents": 2, "entities": 1, "mentions": 2}
        row = ledger.documents()[0]
        assert len(row.outlet) == 200 and row.outlet.endswith("…")


def test_a_batch_skips_texts_already_held_and_keeps_the_fullest_entity_name(tmp_path):
    """Spark's executors store documents in batches (one transaction each): a text the ledger or the batch already
    holds is skipped, and an entity gets its fullest name whichever document came first."""
    other = "Sabina Aliyeva, the Ombudsman, wrote to the UN.\n"
    at = other.index("UN")
    short = Analysis(entities=[EntityRecord("ORG:united-nations", "UN", "ORG")],
                     mentions=[MentionRecord(at, at + 2, "UN", "ORG:united-nations")])
    for url in _ledger_urls(tmp_path):
        ledger = Ledger(url)
        with ledger.engine.begin() as conn:
            for table in ("mentions", "entity_aliases", "documents", "entities"):
                conn.exec_driver_sql(f"DELETE FROM {table}")
        assert ledger.add_documents([(Document(text=other, path="b.txt"), short, "x")]) == [True]
        batch = [(Document(text=TEXT, path="a.txt"), _analysis(), "x"),
                 (Document(text=other, path="b2.txt"), short, "x"),
                 (Document(text=TEXT, path="a2.txt"), _analysis(), "x")]
        assert ledger.add_documents(batch) == [True, False, False]
        assert _core_counts(ledger) == {"documents": 2, "entities": 2, "mentions": 3}
        with ledger.session() as s:
            assert s.scalar(select(EntityRow.name).where(EntityRow.id == "ORG:united-nations")) == "United Nations"


def test_a_batch_the_database_keeps_refusing_is_stored_one_document_per_transaction(tmp_path, monkeypatch):
    ledger = Ledger(str(tmp_path / "l.db"))

    def refuse(_batch):  # type: ignore[no-untyped-def]
        raise OperationalError("INSERT INTO documents", {}, Exception("deadlock detected"))

    monkeypatch.setattr(ledger, "_add_documents", refuse)
    batch = [(Document(text=TEXT, path="a.txt"), _analysis(), None),
             (Document(text=TEXT, path="a2.txt"), _analysis(), None),
             (Document(text=TEXT + "Again.\n", path="b.txt"), _analysis(), None)]
    assert ledger.add_documents(batch) == [True, False, True]
    assert _core_counts(ledger) == {"documents": 2, "entities": 2, "mentions": 4}


def test_figures_attributions_and_claims_are_stored_and_replaced_whole(tmp_path):
    from counterclaim.records import AttributionRecord, ClaimRecord, QuantityRecord, text_span

    text = "The UN said 45 civilians, including 12 children, were killed.\n"
    analysis = Analysis(
        entities=[EntityRecord("ORG:united-nations", "United Nations", "ORG")],
        mentions=[MentionRecord(4, 6, text[4:6], "ORG:united-nations")],
        quantities=[QuantityRecord("q0", 12, 14, "45", 45, category="killed", claim="c0"),
                    QuantityRecord("q1", 36, 38, "12", 12, category="killed", subgroup="children", parent="q0")],
        attributions=[AttributionRecord("a0", text_span(text, 12, 60), speaker="ORG:united-nations",
                                        speaker_span=text_span(text, 0, 6), cue=text_span(text, 7, 11),
                                        via=("ORG:not-in-this-document",))],
        claims=[ClaimRecord("c0", 12, 61, text[12:61], asserter="ORG:united-nations", claim_type="figure",
                            about=("GPE:unknown",), attribution="a0")],
    )
    ledger = Ledger(str(tmp_path / "l.db"))
    doc = Document(text=text, path="a.txt")
    assert ledger.add_document(doc, analysis)
    counts = ledger.counts()
    assert (counts["quantities"], counts["attributions"], counts["claims"]) == (2, 1, 1)
    from counterclaim.ledger.models import AttributionRow, ClaimRow, QuantityRow

    with ledger.session() as s:
        child = s.get(QuantityRow, f"{doc.id}:q1")
        assert child.parent_id == f"{doc.id}:q0" and child.subgroup == "children"
        att = s.get(AttributionRow, f"{doc.id}:a0")
        assert att.via == [] and att.speaker_id == "ORG:united-nations"  # unknown ids are dropped
        claim = s.get(ClaimRow, f"{doc.id}:c0")
        assert claim.about == [] and claim.attribution_id == f"{doc.id}:a0"
    ledger.replace_analysis(doc.id, Analysis(entities=analysis.entities, mentions=analysis.mentions))
    counts = ledger.counts()
    assert (counts["mentions"], counts["quantities"], counts["attributions"], counts["claims"]) == (1, 0, 0, 0)
