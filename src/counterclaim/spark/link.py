"""Cross-document linking on Spark: the library's linker, its candidates met by Spark joins on its blocking keys.

The local linker (:func:`counterclaim.link.link_all`) reads the whole ledger in one process.
Here the same stages run on the executors, each on the few documents one block needs, and
give the same result (the ledger ``counterclaim ingest`` writes):

1. **Rows.** Each analysed document becomes its contract rows on its executor
   (:func:`contract_rows`, through a scratch ledger, so the rows are the ledger's own).
   Entity rows are merged per id by a ``groupBy`` (the fullest name, every alias and role).
2. **Entities.** Entity resolution needs the entity rows and, per entity, the documents that
   mention it; the driver receives exactly that (one small record per entity and document,
   no texts) and runs :func:`~counterclaim.link.entities.resolve_entities`.
3. **Incidents.** Each document's anchors (places, dates, event words of its sentences) are
   computed on its executor; the driver clusters the anchors (one small record per
   document, blocked on place keys) into incidents, and joins each bare surname to its
   incident's only full name (:func:`~counterclaim.link.surnames.join_surnames`).
4. **Copies.** Claims and figures repeated word for word are grouped by a window on their
   duplicate keys; each copy points to its representative.
5. **Blocks.** Every document joins the shards of the blocks its items fall in: its incidents
   (paraphrases, contradictions, figures, rebuttals, the incident's parties), the
   war-level figure blocks, and, for a denied charge ('genocide'), the documents whose
   affirmations carry the same (charge, party) key (a join on that key). Each shard runs
   the library's own stage functions on its documents' rows only.
6. **Best ones.** Contradictions (the best per denial and other document) and rebuttals (the
   best per document and author) are chosen among the shards' scored candidates, and
   relations found twice keep the best score, as :func:`~counterclaim.link.relations.link_relations`
   does.
"""

from __future__ import annotations

import functools
import os
import pickle
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from counterclaim.link import LinkResult
from counterclaim.records import RelationRecord

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

    from counterclaim.ingest.document import Document
    from counterclaim.ledger.store import Ledger
    from counterclaim.link.corpus import Corpus

ROWS_SCHEMA = "doc string, order string, rows binary"
KEYS_SCHEMA = "kind string, doc string, n long, id string, published string, key string, payload binary"
PASS2_SCHEMA = "kind string, doc string, key string, inc string, payload binary"
SHARD_SCHEMA = "kind string, payload binary"
INCIDENT, WAR_FIGURES, CHARGE = "I", "F", "C"  # shard kinds
SEP = "\x00"
# the order link_relations lists its stages in: on equal scores, the earlier stage's relation is kept
STAGES = ("same_claim_copy", "paraphrase", "contradiction", "figure", "rebuttal", "figure_copy")


# --- rows of one document (executor side) -------------------------------------------------------
@cache
def _scratch() -> Ledger:
    """An empty SQLite ledger of this Python worker, used to turn one analysis into contract rows."""
    from counterclaim.ledger.store import Ledger

    folder = tempfile.mkdtemp(prefix="counterclaim-rows-")
    return Ledger(os.path.join(folder, "rows.db"))


def contract_rows(document: Document, analysis: Any, analyzer: str | None) -> list[dict[str, Any]]:
    """The document's contract rows as the ledger stores them (its entities with this document's names only)."""
    from counterclaim.export.rows import iter_rows
    from counterclaim.ledger.models import Base

    ledger = _scratch()
    ledger.add_document(document, analysis, analyzer=analyzer)
    try:
        return [r for r in iter_rows(ledger, resolve=False) if r["kind"] != "meta"]
    finally:
        with ledger.write_session() as s:
            for table in reversed(Base.metadata.sorted_tables):
                s.execute(table.delete())


def merge_entities(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One entity's rows from several documents (in store order) as the ledger keeps them: the first type,
    the fullest name, every alias and role."""
    from counterclaim.ledger.store import _name_order

    name = min((r["name"] for r in rows), key=_name_order)
    aliases = sorted({a for r in rows for a in r.get("aliases") or []} | {name})
    roles = sorted({a for r in rows for a in r.get("roles") or []})
    return {**rows[0], "name": name, "aliases": aliases, "roles": roles}


# --- executor side: passes over documents -------------------------------------------------------
def _corpus(bundles: list[list[dict[str, Any]]], shared: Any) -> Corpus:
    from counterclaim.link.corpus import Corpus

    entities, canon = shared.value
    return Corpus([r for rows in bundles for r in rows] + entities, canon)


def _keys(batches: Iterator[pd.DataFrame], *, shared: Any) -> Iterator[pd.DataFrame]:
    """Per document: its anchors, and the duplicate keys of its claims and figures."""
    import pandas as pd

    from counterclaim.link.duplicates import duplicate_key as claim_key
    from counterclaim.link.figures import duplicate_key as figure_key
    from counterclaim.link.incidents import document_anchors

    for batch in batches:
        corpus = _corpus([pickle.loads(b) for b in batch["rows"]], shared)
        out: list[tuple[Any, ...]] = []
        of_doc: dict[str, list[Any]] = defaultdict(list)
        for a in document_anchors(corpus):
            of_doc[a.doc].append(a)
        out.extend(("anchors", doc, 0, None, None, None, pickle.dumps(found)) for doc, found in of_doc.items())
        for cl in corpus.claims.values():
            if (key := claim_key(cl)) is not None:
                out.append(("claim", cl.doc, 0, cl.id, corpus.published(cl.doc), key, None))
        for q in corpus.qtys:
            if (fkey := figure_key(q)) is not None:
                out.append(("figure", q.doc, 0, q.row["id"], corpus.published(q.doc), repr(fkey), None))
        yield pd.DataFrame(out, columns=["kind", "doc", "n", "id", "published", "key", "payload"])


def _blocks(batches: Iterator[pd.DataFrame], *, shared: Any, owners: Any) -> Iterator[pd.DataFrame]:
    """Per document: its items' incidents, the shards it joins, and its charge-path keys."""
    import pandas as pd

    from counterclaim.link.contradictions import charge_keys, sides
    from counterclaim.link.figures import block_key
    from counterclaim.link.incidents import assign_items

    for batch in batches:
        corpus = _corpus([pickle.loads(b) for b in batch["rows"]], shared)
        anchors = [a for blob in batch["anchors"] for a in pickle.loads(blob)]
        reps: dict[str, str] = {}
        for blob in batch["copies"]:
            reps.update(pickle.loads(blob) if isinstance(blob, bytes | bytearray) else {})
        assign = assign_items(corpus, anchors, owners.value)
        out: list[tuple[Any, ...]] = []
        by_doc: dict[str, dict[str, str]] = defaultdict(dict)
        for item, inc in assign.items():
            by_doc[item.split(":", 1)[0]][item] = inc
        for doc in corpus.docs:
            out.append(("assign", doc, None, None, pickle.dumps((by_doc[doc], {k: v for k, v in reps.items()
                                                                             if k.split(":", 1)[0] == doc}))))
        for doc, inc in sorted({(a.doc, owners.value[a.key]) for a in anchors}):
            out.append(("member", doc, INCIDENT + SEP + inc, None, None))
        for q in corpus.qtys:
            key = block_key(q, assign)
            if key is not None and key[0] == "conflict" and q.row["id"] not in reps:
                out.append(("member", q.doc, WAR_FIGURES + SEP + repr(key), None, None))
        for inc, (denials, affirms) in sides(corpus, assign, reps).items():
            for d, _cue in denials:
                out.extend(("deny", d.doc, repr(k), inc, None) for k in charge_keys(corpus, d, True))
            for a in affirms:
                out.extend(("affirm", a.doc, repr(k), inc, None) for k in charge_keys(corpus, a, False))
        yield pd.DataFrame(out, columns=["kind", "doc", "key", "inc", "payload"])


def _shard(group: pd.DataFrame, *, shared: Any) -> pd.DataFrame:
    """Run the library's stages on the documents of one block (one incident, one war-level figure block,
    or the two documents of a denied charge)."""
    import pandas as pd

    kind, key = str(group["shard"].iloc[0]).split(SEP, 1)
    corpus = _corpus([pickle.loads(b) for b in group["rows"]], shared)
    assign: dict[str, str] = {}
    reps: dict[str, str] = {}
    for blob in group["assign"]:
        items, copies = pickle.loads(blob)
        assign.update(items)
        reps.update(copies)
    if kind == INCIDENT:
        found = _incident_shard(corpus, key, assign, reps)
    elif kind == WAR_FIGURES:
        found = _war_figure_shard(corpus, key, assign, reps)
    else:
        found = _charge_shard(corpus, key, assign, reps)
    return pd.DataFrame([(k, pickle.dumps(v)) for k, v in found], columns=["kind", "payload"])


def _incident_shard(corpus: Corpus, inc: str, assign: dict[str, str], reps: dict[str, str]
                    ) -> list[tuple[str, Any]]:
    """The incident's members and parties, and its paraphrases, contradictions, figures and rebuttals.

    The shard holds every document with an anchor in the incident, hence every item of it.
    """
    from counterclaim.link.contradictions import incident_candidates, score_candidates, sides
    from counterclaim.link.duplicates import paraphrase_relations
    from counterclaim.link.figures import block_relations, figure_blocks
    from counterclaim.link.incidents import Incident, incident_parties
    from counterclaim.link.rebuttals import rebuttal_candidates

    own = {k: v for k, v in assign.items() if v == inc}
    claims = sorted(k for k in own if k in corpus.claims)
    quantities = sorted(k for k in own if k in corpus.qty_by_id)
    incident = Incident(inc, "", "", None, None, None, [], sorted(corpus.docs), claims, quantities, "")
    parties = incident_parties(corpus, incident)
    out: list[tuple[str, Any]] = [("incident", (inc, claims, quantities, parties))]
    out.extend(("relation", ("paraphrase", r)) for r in paraphrase_relations(corpus, own, reps, None))
    by_inc = sides(corpus, own, reps)
    if inc in by_inc:
        out.extend(("contradiction", c) for c in
                   score_candidates(corpus, assign, incident_candidates(corpus, *by_inc[inc], None)))
    for key, items in sorted(figure_blocks(corpus, assign, reps).items()):
        if key[0] == inc:
            out.extend(("relation", ("figure", r)) for r in block_relations(corpus, key, items, None))
    out.extend(("rebuttal", r) for r in rebuttal_candidates(corpus, assign, {inc: set(parties)}, None, inc))
    return out


def _war_figure_shard(corpus: Corpus, key: str, assign: dict[str, str], reps: dict[str, str]
                      ) -> list[tuple[str, Any]]:
    """Figures of a war-level category (missing persons) compared across incidents."""
    from counterclaim.link.figures import block_relations, figure_blocks

    out: list[tuple[str, Any]] = []
    for block, items in figure_blocks(corpus, assign, reps).items():
        if repr(block) == key:
            out.extend(("relation", ("figure", r)) for r in block_relations(corpus, block, items, None))
    return out


def _charge_shard(corpus: Corpus, key: str, assign: dict[str, str], reps: dict[str, str]
                  ) -> list[tuple[str, Any]]:
    """A denial of a charge in one document against the affirmations of that charge by a party it names
    in another document (their (charge, party) keys met in a join)."""
    from counterclaim.link.contradictions import charge_candidates, score_candidates, sides

    deny_doc, affirm_doc = key.split(SEP)
    cands = [(d, a, cue) for d, a, cue in charge_candidates(corpus, assign, sides(corpus, assign, reps), None)
             if d.doc == deny_doc and a.doc == affirm_doc]
    return [("contradiction", c) for c in score_candidates(corpus, assign, cands)]


# --- driver side --------------------------------------------------------------------------------
def document_rows(analysed: DataFrame) -> DataFrame:
    """``doc, order, rows`` (pickled contract rows) of each analysed document of ``spark_ingest``."""
    return analysed.where("rows is not null").select("doc", "order", "rows")


def spark_link(docs: DataFrame) -> LinkResult:
    """Link the documents of ``docs`` (``doc, order, rows``: each document's pickled contract rows).

    Returns what :func:`counterclaim.link.link_all` returns for the same rows, all of them new
    (as after ``ingest`` into an empty ledger).
    """
    from pyspark.sql import functions as F

    from counterclaim.link.corpus import Corpus
    from counterclaim.link.entities import resolve_entities
    from counterclaim.link.incidents import cluster_incidents
    from counterclaim.link.surnames import join_surnames, main_incidents

    spark = docs.sparkSession
    sc = spark.sparkContext
    docs = docs.persist()
    cached = [docs]
    try:
        # 1. entities: merged per id. Reaches the driver: one row per entity, one (entity, document, mention kind)
        #    record per mention pair and the document ids, which entity resolution reads (no text)
        entity_rows = _merged_entities(docs)
        mentions = [{"kind": "mention", "entity": r["entity"], "doc": r["doc"], "mention_kind": r["mention_kind"]}
                    for r in _mentions(docs).toLocalIterator()]
        everything = {r["doc"] for r in docs.select("doc").toLocalIterator()}
        links, entity_relations = resolve_entities(entity_rows + mentions, new_docs=everything)
        canon = {link.entity: link.canonical for link in links}
        shared = sc.broadcast((entity_rows, canon))
        names = Corpus(entity_rows, canon)

        # 2. anchors and duplicate keys per document. Reaches the driver: each document's anchors (place, date and
        #    event keys of its sentences), which incident clustering reads
        keys = docs.mapInPandas(functools.partial(_keys, shared=shared), KEYS_SCHEMA).persist()
        cached.append(keys)
        anchors = [a for r in keys.where("kind = 'anchors'").select("doc", "payload").orderBy("doc").toLocalIterator()
                   for a in pickle.loads(r["payload"])]  # in document order, as build_incidents makes them
        incidents, owner = cluster_incidents(names, anchors)
        owners = sc.broadcast(owner)
        # a bare surname joins its incident's only full name (persons never move anchors or keys)
        links, entity_relations = join_surnames(entity_rows + mentions, canon, links, entity_relations,
                                                main_incidents(owner))
        if (final := {link.entity: link.canonical for link in links}) != canon:
            canon = final
            shared = sc.broadcast((entity_rows, canon))

        # 3. copies: a window over each duplicate key, the earliest published (then smallest id) represents
        copies = _copies(keys.where("kind in ('claim', 'figure')")).persist()
        cached.append(copies)

        # 4. each document's incidents, shards and charge keys
        per_doc = (docs.join(keys.where("kind = 'anchors'").select("doc", F.col("payload").alias("anchors")), "doc")
                   .join(copies.groupBy("doc").applyInPandas(_pack_copies, "doc string, copies binary"), "doc", "left")
                   .select("doc", "rows", "anchors", "copies"))
        blocks = per_doc.mapInPandas(functools.partial(_blocks, shared=shared, owners=owners), PASS2_SCHEMA).persist()
        cached.append(blocks)
        deny, affirm = blocks.where("kind = 'deny'").alias("d"), blocks.where("kind = 'affirm'").alias("a")
        charged = (deny.join(affirm, (F.col("d.key") == F.col("a.key")) & (F.col("d.inc") != F.col("a.inc"))
                             & (F.col("d.doc") != F.col("a.doc")))
                   .select(F.col("d.doc").alias("dd"), F.col("a.doc").alias("ad")).distinct()
                   .withColumn("shard", F.concat_ws(SEP, F.lit(CHARGE), "dd", "ad")))
        members = (blocks.where("kind = 'member'").select("key", "doc").withColumnRenamed("key", "shard")
                   .unionByName(charged.select("shard", F.col("dd").alias("doc")))
                   .unionByName(charged.select("shard", F.col("ad").alias("doc"))).distinct())
        assigned = blocks.where("kind = 'assign'").select("doc", F.col("payload").alias("assign"))
        shards = (members.join(docs.select("doc", "rows"), "doc").join(assigned, "doc")
                  .groupBy("shard").applyInPandas(functools.partial(_shard, shared=shared), SHARD_SCHEMA)).persist()
        cached.append(shards)
        shards.count()  # every shard at once (toLocalIterator alone would run its partitions one by one)

        # 5. Reaches the driver: what the shards found (relations, scored candidates, incident members) and the
        #    copies' representatives, which it reduces as the library does and writes in one transaction
        found: dict[str, list[Any]] = defaultdict(list)
        for r in shards.toLocalIterator():
            found[r["kind"]].append(pickle.loads(r["payload"]))
        copy_rows = [(r["kind"], r["id"], r["rep"]) for r in copies.toLocalIterator()]
    finally:
        for frame in cached:
            frame.unpersist()
    return _result(links, entity_relations, incidents, found, copy_rows)


def _merged_entities(docs: DataFrame) -> list[dict[str, Any]]:
    """Every entity once, its rows from the documents merged (:func:`merge_entities`), sorted by id."""
    def explode(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        for batch in batches:
            out = [(r["id"], order, pickle.dumps(r)) for order, blob in zip(batch["order"], batch["rows"], strict=True)
                   for r in pickle.loads(blob) if r["kind"] == "entity"]
            yield pd.DataFrame(out, columns=["id", "order", "row"])

    def merge(group: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        rows = [pickle.loads(b) for _o, b in sorted(zip(group["order"], group["row"], strict=True))]
        return pd.DataFrame([(rows[0]["id"], pickle.dumps(merge_entities(rows)))], columns=["id", "row"])

    merged = (docs.mapInPandas(explode, "id string, order string, row binary")
              .groupBy("id").applyInPandas(merge, "id string, row binary").orderBy("id"))
    return [pickle.loads(r["row"]) for r in merged.toLocalIterator()]


def _mentions(docs: DataFrame) -> DataFrame:
    """Distinct (entity, document, mention kind): what entity resolution reads of the mentions."""
    def explode(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        for batch in batches:
            out = {(r["entity"], r["doc"], r.get("mention_kind")) for blob in batch["rows"]
                   for r in pickle.loads(blob) if r["kind"] == "mention"}
            yield pd.DataFrame(sorted(out, key=str), columns=["entity", "doc", "mention_kind"])

    return docs.mapInPandas(explode, "entity string, doc string, mention_kind string").distinct()


def _copies(keys: DataFrame) -> DataFrame:
    """``kind, doc, id, rep`` for every copy: an item whose duplicate key an earlier-published item (then one
    of a smaller id) of another document has, as ``duplicate_claims`` and ``duplicate_figures`` pick them."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    first = Window.partitionBy("kind", "key").orderBy("published", "id")
    ranked = keys.withColumn("rep", F.first("id").over(first)).withColumn("rep_doc", F.first("doc").over(first))
    return ranked.where((F.col("id") != F.col("rep")) & (F.col("doc") != F.col("rep_doc"))).select(
        "kind", "doc", "id", "rep")


def _pack_copies(group: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    copies = dict(zip(group["id"], group["rep"], strict=True))
    return pd.DataFrame([(group["doc"].iloc[0], pickle.dumps(copies))], columns=["doc", "copies"])


def _result(links: list[Any], entity_relations: list[RelationRecord], incidents: list[Any],
            found: dict[str, list[Any]], copy_rows: list[tuple[str, str, str]]) -> LinkResult:
    """The shards' findings reduced as the local linker reduces them."""
    from counterclaim.link.contradictions import best_contradictions
    from counterclaim.link.duplicates import duplicate_record as same_claim
    from counterclaim.link.figures import duplicate_record as same_figure
    from counterclaim.link.rebuttals import best_rebuttals

    members = {inc: (claims, quantities, parties) for inc, claims, quantities, parties in found["incident"]}
    for inc in incidents:
        inc.claims, inc.quantities, inc.parties = members.get(inc.id, ([], [], []))
    rebuts, works = best_rebuttals(found["rebuttal"])
    staged: dict[str, list[RelationRecord]] = defaultdict(list)
    for stage, rel in found["relation"]:
        staged[stage].append(rel)
    staged["contradiction"] = best_contradictions(sorted(found["contradiction"], key=lambda c: (c[0], c[1][2:])))
    staged["rebuttal"] = rebuts
    for kind, copy, rep in sorted(copy_rows):
        staged["same_claim_copy" if kind == "claim" else "figure_copy"].append(
            same_claim(rep, copy) if kind == "claim" else same_figure(rep, copy))
    unique: dict[tuple[str, str, str], RelationRecord] = {}
    for stage in STAGES:
        for r in sorted(staged[stage], key=lambda r: (r.type, r.a, r.b)):
            key = (r.type, r.a, r.b)
            if key not in unique or r.score > unique[key].score:
                unique[key] = r
    relations = [unique[k] for k in sorted(unique)]
    return LinkResult(links, entity_relations + relations, incidents, works, set())
