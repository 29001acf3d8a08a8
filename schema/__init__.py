"""The GraphQL schema of ctg-graph: strawberry types, inputs and thin resolvers.

No Cypher here: resolvers ask :mod:`graph` through the per-request loaders of
:class:`schema.context.Context`. Each domain has a sub-package: ``territories/``
(``types.py``, ``queries.py``), ``partnerships/`` (one module per part of the domain —
provenance, vocabularies, partners, contracts, actions, bodies, fundings, competences,
framing documents, statements — and ``queries.py``, ``fact_queries.py``), ``curation/``
(inputs, results, mutations, the ``curatedFacts`` query); this module merges them.
"""

from __future__ import annotations

import logging
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter
from strawberry.types import ExecutionContext

from domain.errors import DatabaseUnavailableError
from schema.coverage import CoverageQueries
from schema.curation.mutations import Mutation
from schema.curation.queries import CurationQueries
from schema.descriptions import describe
from schema.error_codes import is_client_error
from schema.errors import mask_errors
from schema.introspection import introspection_cache
from schema.limits import SharedParserCache, document_limits
from schema.partnerships import (
    actions,
    bodies,
    competences,
    contracts,
    documents,
    fundings,
    partners,
    provenance,
    statements,
    vocabularies,
)
from schema.partnerships.fact_queries import FactQueries
from schema.partnerships.queries import PartnershipQueries
from schema.relay import describe_lists
from schema.territories.queries import TerritoryQueries
from schema.territories.types import Commune, Departement, Epci, Region, SubTerritory

#: Deeper queries are refused before they run. Fan-out is bounded by page sizes (at most
#: 100 per connection) and the per-request object budget; depth 15 allows a contract's
#: axes' actions' themes (each connection costs two levels: edges, node) and little more.
MAX_DEPTH = 15
MAX_ALIASES = 30
MAX_TOKENS = 5000
#: Most fields the introspection of one request may answer: the standard introspection
#: query answers about 13 000 here (GraphiQL's a few more), 30 aliases of a two-level
#: one 416 000 (10 MB). Building 20 000 holds the event loop some 0.3 s.
MAX_INTROSPECTION_VALUES = 20_000

logger = logging.getLogger("ctg.graphql")


@strawberry.type(description="Read the territorial partnership graph.")
class Query(PartnershipQueries, FactQueries, TerritoryQueries, CoverageQueries, CurationQueries):
    pass


class Schema(strawberry.Schema):
    """strawberry's schema, logging only what an operator must look at in full.

    An unexpected error keeps its traceback. A Neo4j outage is one warning per request
    (not a traceback per failed field), and what the client got wrong — syntax,
    validation, a variable missing or of the wrong type, a refused argument, a curation
    refusal — one info line: those answers
    already tell the client what to do, and an outage or a fuzzer would flood the log.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        outage = [e for e in errors if isinstance(e.original_error, DatabaseUnavailableError)]
        if outage:
            logger.warning("Neo4j unavailable: %s", outage[0].message)
        unexpected = []
        for error in errors:
            original = error.original_error
            if isinstance(original, DatabaseUnavailableError):
                continue
            if is_client_error(error):
                logger.info("request refused: %s", error.message)
            else:
                unexpected.append(error)
        super().process_errors(unexpected, execution_context)


schema = Schema(
    query=Query,
    mutation=Mutation,
    types=[
        Commune,
        Epci,
        Departement,
        Region,
        SubTerritory,
        provenance.Source,
        vocabularies.Theme,
        vocabularies.ContractKind,
        partners.Partner,
        partners.Person,
        contracts.Contract,
        actions.Axis,
        actions.Action,
        bodies.Body,
        fundings.Funding,
        competences.Competence,
        competences.CompetenceHolding,
        documents.FramingDocument,
        statements.Statement,
    ],
    extensions=[
        SharedParserCache,  # strawberry's ParserCache, shared with the HTTP view
        document_limits(  # strawberry's ValidationCache, behind the limits
            max_depth=MAX_DEPTH,
            max_aliases=MAX_ALIASES,
            max_introspection_values=MAX_INTROSPECTION_VALUES,
        ),
        introspection_cache(),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        mask_errors,
    ],
)
describe_lists(schema._schema)
describe(schema._schema)
