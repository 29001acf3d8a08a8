"""The keys the graph already holds, and which dataset owns each: what ``ctg validate``
and ``ctg load partnerships`` resolve a dataset's references against when the files of
the run do not define them (the registry of shared facts, docs/dataset-format.md).

Read-only; one query per owned label, each returning plain ``(key, dataset)`` pairs.
Also what keeps shared facts whole on a reload: :func:`still_referred` finds the nodes a
reload would delete that other datasets link to (:class:`SharedKeysStillReferred`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import LiteralString

from neo4j import Driver, ManagedTransaction

from domain.errors import InputError
from graph.dataset_labels import ALL_LABELS, CURATION, LABEL_OF, OWNED_LABELS

#: How many facts a refusal lists before it counts the rest.
LISTED = 10

#: label → the query listing its nodes' keys and owners (labels only from OWNED_LABELS)
_KEYS: dict[str, LiteralString] = {
    label: "MATCH (n:" + label + ") WHERE n.key IS NOT NULL "
    "RETURN n.key AS key, coalesce(n.dataset, '') AS dataset"
    for label in OWNED_LABELS
}


#: Partners governing a commune or an EPCI, for the shorthands to name rather than
#: generate a second partner for one territory (fixed text; smallest key first).
_GOVERNING: LiteralString = (
    "MATCH (p:Partner)-[:GOVERNS]->(t) WHERE t:Commune OR t:EPCI "
    "RETURN CASE WHEN t:Commune THEN 'commune' ELSE 'epci' END AS kind, t.code AS code, "
    "p.key AS key, coalesce(p.dataset, '') AS dataset ORDER BY kind, code, key"
)


def partners_governing(driver: Driver, database: str) -> dict[tuple[str, str], tuple[str, str]]:
    """``(kind, code) → (partner key, owning dataset)`` for every commune and EPCI a
    partner of the graph governs (the smallest key when several do)."""

    def work(tx: ManagedTransaction) -> dict[tuple[str, str], tuple[str, str]]:
        found: dict[tuple[str, str], tuple[str, str]] = {}
        for r in tx.run(_GOVERNING):
            found.setdefault((str(r["kind"]), str(r["code"])), (str(r["key"]), str(r["dataset"])))
        return found

    with driver.session(database=database) as session:  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
        return session.execute_read(work)


def keys_in_graph(driver: Driver, database: str) -> dict[str, dict[str, str]]:
    """Every key of a fact a dataset may define, per label (``Partner``, ``Person``, …),
    with the dataset that owns it (``curation`` for facts added through the API, ``""``
    for none)."""

    def work(tx: ManagedTransaction) -> dict[str, dict[str, str]]:
        return {
            label: {str(r["key"]): str(r["dataset"]) for r in tx.run(query)}
            for label, query in _KEYS.items()
        }

    with driver.session(database=database) as session:  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
        return session.execute_read(work)


#: The foreign links to nodes about to be deleted: (label, key, the dataset owning the link).
_REFERRED: LiteralString = (
    "MATCH (x) WHERE elementId(x) IN $gone "
    "MATCH (x)-[r]-() WHERE r.dataset IS NOT NULL AND r.dataset <> $key "
    "AND r.dataset <> $curation AND NOT r.dataset IN $run "
    "RETURN DISTINCT " + LABEL_OF + " AS label, x.key AS key, r.dataset AS dataset "
    "ORDER BY dataset, label, key"
)


def still_referred(
    tx: ManagedTransaction, dataset: str, gone: Sequence[str], run: Iterable[str] = ()
) -> list[tuple[str, str, str]]:
    """The nodes among ``gone`` (element ids of ``dataset``'s nodes its new version no
    longer has) that another dataset links to, as ``(label, key, other dataset)``; the
    links of the datasets in ``run`` and of the API's curation (checked apart, see
    :func:`graph.curated_reads.curated_at_risk`) are not counted."""
    if not gone:
        return []
    records = tx.run(
        _REFERRED,
        gone=list(gone),
        key=dataset,
        curation=CURATION,
        run=sorted(run),
        labels=list(ALL_LABELS),
    )
    return [(str(r["label"]), str(r["key"]), str(r["dataset"])) for r in records]


class SharedKeysStillReferred(InputError):
    """A reload would delete facts that other datasets link to; nothing was written."""

    def __init__(self, refusals: Sequence[tuple[str, Sequence[tuple[str, str, str]]]]) -> None:
        self.refusals = [(dataset, list(referred)) for dataset, referred in refusals]
        parts: list[str] = []
        for dataset, referred in self.refusals:
            by = sorted({other for _, _, other in referred})
            facts = ", ".join(f"{label} {key} (linked to by {other})" for label, key, other in
                              referred[:LISTED])  # fmt: skip
            more = f" … and {len(referred) - LISTED} more" if len(referred) > LISTED else ""
            parts.append(
                f"Dataset {dataset!r} no longer defines keys that dataset(s) "
                f"{', '.join(by)} link to: {facts}{more}."
            )
        super().__init__(
            " ".join(parts)
            + " A key other datasets refer to stays defined while they do: keep it in this "
            "dataset, or first change (and load) the datasets that link to it, or load them "
            "in the same run without those links; nothing was written."
        )
