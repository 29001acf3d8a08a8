"""Totals of funding facts that never count the same money twice.

A funding may be a *share* of another (``share_of``: the Caf's 50 % of an engineering
mission, the 14 % of a Caf's payments that went to the EPCI). Adding a share to the
funding it is part of counts its money twice, so a total over a set of fundings adds
each funding's amount **unless one of the fundings it is a share of (directly or through
a chain of shares) is in the set too**; those shares are counted as *left out*. A share
whose parent is not in the set (the fundings a partner receives, say) is added.

The amounts keep their qualifiers: the total is exact only when every amount added is,
"at most" when the others are exact and some are ceilings, "more than" when some are
floors, and "about" as soon as one is approximate or ceilings and floors are mixed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.vocabulary import Qualifier


@dataclass(frozen=True)
class FundingAmount:
    """What a total needs to know of one funding."""

    key: str
    amount: float | None
    qualifier: Qualifier = Qualifier.EXACTLY
    #: Keys of the fundings it is a share of: its parent, that one's parent, and so on.
    share_of: Sequence[str] = ()


@dataclass(frozen=True)
class FundingTotal:
    """The total of a set of fundings (see the module docstring for the rule)."""

    amount: float
    qualifier: Qualifier
    #: Keys of the fundings whose amount was added.
    counted: tuple[str, ...]
    #: Keys of the shares left out because a funding they are part of was added.
    shares_left_out: tuple[str, ...]
    #: Keys of the fundings with no amount (nothing to add).
    without_amount: tuple[str, ...]


def funding_total(fundings: Iterable[FundingAmount]) -> FundingTotal:
    """The total of ``fundings``, each share counted once (never with its parent).

    >>> whole = FundingAmount("mission", 40000, Qualifier.AT_MOST)
    >>> half = FundingAmount("caf-half", 20000, Qualifier.AT_MOST, share_of=("mission",))
    >>> funding_total([whole, half]).amount
    40000.0
    >>> funding_total([half]).amount
    20000.0
    """
    items = list({f.key: f for f in fundings}.values())
    keys = {f.key for f in items}
    counted: list[FundingAmount] = []
    left_out: list[str] = []
    without: list[str] = []
    for f in items:
        if any(parent in keys for parent in f.share_of):
            left_out.append(f.key)
        elif f.amount is None:
            without.append(f.key)
        else:
            counted.append(f)
    return FundingTotal(
        amount=float(sum(f.amount or 0.0 for f in counted)),
        qualifier=_combined({f.qualifier for f in counted}),
        counted=tuple(sorted(f.key for f in counted)),
        shares_left_out=tuple(sorted(left_out)),
        without_amount=tuple(sorted(without)),
    )


def _combined(qualifiers: set[Qualifier]) -> Qualifier:
    """The qualifier of a sum of amounts qualified by ``qualifiers``."""
    inexact = qualifiers - {Qualifier.EXACTLY}
    if not inexact:
        return Qualifier.EXACTLY
    if len(inexact) == 1:
        return next(iter(inexact))
    return Qualifier.ABOUT
