"""The GraphQL schema of ctg-graph: strawberry types, inputs and thin resolvers.

No Cypher here: resolvers ask :mod:`graph` through the per-request loaders of
:class:`schema.context.Context`. Each domain has a sub-package (``territories/``…) with
its ``types.py`` and ``queries.py``; this module merges them.
"""

from __future__ import annotations

from functools import partial

import strawberry
from strawberry.extensions import MaxTokensLimiter, ParserCache, ValidationCache

from schema.coverage import CoverageQueries
from schema.curation.mutations import Mutation
from schema.descriptions import describe
from schema.errors import mask_errors
from schema.limits import document_limits
from schema.partnerships import types as partnership_types
from schema.partnerships.queries import PartnershipQueries
from schema.territories.queries import TerritoryQueries
from schema.territories.types import Commune, Departement, Epci, Region, SubTerritory

#: Deeper queries are refused before they run. Fan-out is bounded by page sizes (at most
#: 100 per connection) and the per-request object budget; depth 15 allows a contract's
#: axes' actions' themes (each connection costs two levels: edges, node) and little more.
MAX_DEPTH = 15
MAX_ALIASES = 30
MAX_TOKENS = 5000


@strawberry.type(description="Read the territorial partnership graph.")
class Query(PartnershipQueries, TerritoryQueries, CoverageQueries):
    pass


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    types=[
        Commune,
        Epci,
        Departement,
        Region,
        SubTerritory,
        partnership_types.Source,
        partnership_types.Theme,
        partnership_types.ContractKind,
        partnership_types.Partner,
        partnership_types.Person,
        partnership_types.Contract,
        partnership_types.Axis,
        partnership_types.Action,
        partnership_types.Body,
        partnership_types.Funding,
    ],
    extensions=[
        partial(ParserCache, maxsize=256),
        partial(ValidationCache, maxsize=256),
        document_limits(max_depth=MAX_DEPTH, max_aliases=MAX_ALIASES),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        mask_errors,
    ],
)
describe(schema._schema)
