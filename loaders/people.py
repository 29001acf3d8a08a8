"""People against the graph: a load refuses an alias (or name) of its people that is
already an alias (or name) of another person in the graph, from a dataset not in the
load, unless the two are declared the same person. The same check within the datasets
of one run is :func:`loaders.datasets.read_datasets`'s, at the lines of both."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from networkx.utils import UnionFind

from domain.names import fold
from graph.person_reads import StoredPerson
from loaders.datasets import Dataset, DatasetError, Problem


def check_people_in_graph(datasets: Sequence[Dataset], stored: Sequence[StoredPerson]) -> None:
    """Refuse the people of ``datasets`` whose alias is another person's name or alias in
    ``stored`` (or whose name is another's alias there), folded alike, when nothing
    declares them the same person (in the graph or in ``datasets``).

    Raises:
        DatasetError: one problem per collision, naming the dataset and key of the
            person in the graph; nothing must be written.
    """
    same: UnionFind[str] = UnionFind()
    for known in stored:
        same.union(known.key, *known.same_as)
    for dataset in datasets:
        for declaration in dataset.content.same_people:
            same.union(*declaration.people)
    forms: dict[str, list[tuple[StoredPerson, bool]]] = {}
    for known in stored:
        forms.setdefault(fold(known.name), []).append((known, False))
        for name in known.aliases:
            forms.setdefault(fold(name), []).append((known, True))
    problems: list[Problem] = []
    for dataset in datasets:
        where = dataset.files[0] if len(dataset.files) == 1 else Path(dataset.key)
        for i, person in enumerate(dataset.content.people):
            written = [(person.name, f"people[{i}].name", False)]
            written += [
                (a, f"people[{i}].aliases[{j}]", True) for j, a in enumerate(person.aliases)
            ]
            for form, path, alias in written:
                for other, other_alias in forms.get(fold(form), []):
                    if other.key == person.key or same[other.key] == same[person.key]:
                        continue
                    if not (alias or other_alias):
                        continue  # two people named alike may be two people
                    problems.append(
                        Problem(
                            where,
                            None,
                            path,
                            f"{'alias' if alias else 'name'} {form!r} of person "
                            f"{person.key!r} is {'an alias' if other_alias else 'the name'} of "
                            f"person {other.key!r} ({other.name!r}), in the graph from dataset "
                            f"{other.dataset or 'none'!r}, accents and case aside: if they are "
                            "one person, declare it in `same_people`; if not, drop the alias",
                        )
                    )
    if problems:
        raise DatasetError(problems)
