"""A draft's kept facts as a dataset of the project's format (docs/dataset-format.md)."""

from __future__ import annotations

from loaders.drafts.facts import Draft


def to_yaml(draft: Draft, *, name: str) -> str:
    """The dataset ``name`` holding ``draft``'s facts, as YAML text that `ctg validate`
    accepts or refuses only for the gaps its header lists (``draft.gaps``)."""
    raise NotImplementedError(name)  # written by the dataset part
