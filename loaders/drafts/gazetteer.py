"""Territory names → codes, from the territorial reference."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.reference_store import ReferenceRecords


@dataclass(frozen=True)
class Gazetteer:
    """Every name of every territory of the reference."""

    vintage: int

    @classmethod
    def from_reference(cls, records: ReferenceRecords) -> Gazetteer:
        """The gazetteer of ``records``."""
        return cls(vintage=records.vintage)
