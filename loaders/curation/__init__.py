"""Curation changes: a fact sent through the API becomes the change that writes it.

Each function takes plain records in the dataset format's terms (the dicts a dataset
file would hold: ``{"key": "caf-15", "kind": "caf", ...}``, a fact's provenance as
``{"source": ..., "certainty": ...}``) and returns a :data:`Plan`. Run inside the write
transaction, a plan reads what it needs of the graph, builds a **dataset fragment**,
checks it with the dataset loader's own code (:func:`loaders.datasets.check_fragment`:
shapes, keys, codes, themes, kinds, dates, sources, references resolved against the
graph), turns it into rows with :func:`loaders.dataset_graph.dataset_graph` and returns
the :class:`graph.curation_store.Change` that :func:`graph.curation_store.apply_change`
writes in the same transaction.

A change that cannot be made raises a :class:`domain.errors.ChangeRefusedError` (the
key is taken, something named is missing, the input breaks the format), so the whole
transaction rolls back and nothing is written.

The package: :mod:`~loaders.curation.plans` holds what every change shares (the
curator, the fragment, its validation, the building blocks of a plan); the changes
themselves are grouped by the part of a dataset they edit: :mod:`~loaders.curation.sources`,
:mod:`~loaders.curation.partners`, :mod:`~loaders.curation.contracts` (with their
signatories and covered territories), :mod:`~loaders.curation.actions` (a contract's
axes and fiches actions, and their themes) and :mod:`~loaders.curation.fundings`. Every
change is reached from here (``curation.create_partner(...)``).
"""

from __future__ import annotations

from loaders.curation.actions import (
    axis_key,
    create_action,
    create_axis,
    delete_action,
    delete_axis,
    new_action_key,
    tag_action,
    untag_action,
    update_action,
    update_axis,
)
from loaders.curation.contracts import (
    add_coverage,
    add_signatory,
    create_contract,
    delete_contract,
    remove_coverage,
    remove_signatory,
    update_contract,
)
from loaders.curation.fundings import (
    create_funding,
    delete_funding,
    update_funding,
)
from loaders.curation.partners import (
    create_partner,
    delete_partner,
    update_partner,
)
from loaders.curation.plans import (
    Curator,
    Fragment,
    Plan,
    Record,
    territory_index,
    validated,
)
from loaders.curation.sources import (
    create_source,
    delete_source,
    update_source,
)

__all__ = [
    "Curator",
    "Fragment",
    "Plan",
    "Record",
    "add_coverage",
    "add_signatory",
    "axis_key",
    "create_action",
    "create_axis",
    "create_contract",
    "create_funding",
    "create_partner",
    "create_source",
    "delete_action",
    "delete_axis",
    "delete_contract",
    "delete_funding",
    "delete_partner",
    "delete_source",
    "new_action_key",
    "remove_coverage",
    "remove_signatory",
    "tag_action",
    "territory_index",
    "untag_action",
    "update_action",
    "update_axis",
    "update_contract",
    "update_funding",
    "update_partner",
    "update_source",
    "validated",
]
