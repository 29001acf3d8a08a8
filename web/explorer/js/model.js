// What the explorer knows of the GraphQL schema: the fields of a node it keeps (fragment S),
// the relationships of each node kind (RELATIONS) and the queries that read them in groups.
// Relationship types and directions are those of docs/graph-model.md.

/** How many neighbours one relation adds at a time; the rest waits behind "+N more". */
export const GROUP_SIZE = 50;

const PROVENANCE = `fragment P on Provenance {
  certainty reason inferredFields dataset curatedBy
  sources { id key title url file publisher date }
}`;

const SUMMARY = `fragment S on Node {
  __typename id
  ... on Territory { code name population }
  ... on EPCI { epciType memberCount }
  ... on SubTerritory { aliases }
  ... on Partner { key name kind aliases }
  ... on Person { key name }
  ... on Contract { key title kindCode status start end aliases
    period { endOpen start { latest } end { earliest } } }
  ... on Axis { key number title }
  ... on Action { key number title themes(first: 30) { edges { node { code } } } }
  ... on Theme { code name nameEn }
  ... on Funding { key amount currency year purpose }
  ... on Body { key name }
  ... on Source { key title url }
  ... on ContractKind { code name nameEn }
  ... on FramingDocument { key title kindCode aliases }
  ... on Statement { key title: text }
}`;

/** A query document with the fragments it spreads (GraphQL refuses unused ones). */
function withFragments(body) {
  const used = [body];
  if (body.includes('...S')) used.push(SUMMARY);
  if (body.includes('...P')) used.push(PROVENANCE);
  return used.join('\n');
}

const node = 'node { ...S }';
const prov = 'provenance { ...P }';

// A relation: `group` names it (i18n), `field` is the GraphQL field (or `within` for the
// top-level territories(within:) list), `rel` the relationship type, `dir` "out" when the
// node starts the relationship. `edge` is the selection of one edge, `read` turns an edge
// into neighbours: {node, rel?, source?, data?}. `one: true` for a single-object field.
const list = (group, field, rel, dir, extra = {}) => ({ group, field, rel, dir, ...extra });
const one = (group, field, rel, dir, extra = {}) => ({ group, field, rel, dir, one: true, ...extra });

const territoryContracts = list('contracts', 'contracts', 'COVERS', 'in', {
  edge: `reach via { territory { id name } reach certainty reason } ${node}`,
  read: (e) => [{
    node: e.node,
    rel: e.reach.includes('DIRECT') ? 'COVERS' : 'REACHES',
    data: { reach: e.reach, via: e.via.filter((v) => v.reach !== 'DIRECT').map((v) => v.territory.name),
            certainty: e.via[0]?.certainty ?? null, reason: e.via[0]?.reason ?? null },
  }],
});
const territoryPartners = list('partners', 'partners', 'SERVES', 'in', {
  edge: `via { territory { id name } relation direct } ${node}`,
  read: (e) => {
    const direct = e.via.find((v) => v.direct);
    const link = direct ?? e.via[0];
    return [{
      node: e.node,
      rel: link?.relation === 'GOVERNS' ? 'GOVERNS' : 'SERVES',
      data: direct ? {} : { via: e.via.map((v) => v.territory.name), indirect: true },
    }];
  },
});
const signed = list('contracts', 'contracts', 'SIGNED', 'out', {
  edge: `role signedOn ${prov} ${node}`,
  read: (e) => [{ node: e.node, data: { role: e.role, signedOn: e.signedOn, provenance: e.provenance } }],
});
const memberships = list('bodies', 'bodies', 'MEMBER_OF', 'out', {
  edge: `role ${prov} ${node}`,
  read: (e) => [{ node: e.node, data: { role: e.role, provenance: e.provenance } }],
});
const post = (e, who) => ({
  node: e[who], data: { title: e.title, role: e.role, asOf: e.asOf, provenance: e.provenance },
});
const contractLinks = [
  ['succeeds', 'SUCCEEDS', 'out'], ['succeededBy', 'SUCCEEDS', 'in'],
  ['declines', 'DECLINES', 'out'], ['declinedBy', 'DECLINES', 'in'],
  ['amends', 'AMENDS', 'out'], ['amendedBy', 'AMENDS', 'in'],
].map(([field, rel, dir]) => list(field, field, rel, dir));

export const RELATIONS = {
  Commune: [
    one('epci', 'epci', 'MEMBER_OF', 'out'),
    one('departement', 'departement', 'IN', 'out'),
    territoryContracts, territoryPartners,
  ],
  EPCI: [
    list('members', 'members', 'MEMBER_OF', 'in'),
    list('departements', 'departements', 'IN', 'out', {
      edge: `memberCommunes ${node}`,
      read: (e) => [{ node: e.node, data: { memberCommunes: e.memberCommunes } }],
    }),
    list('subTerritories', 'subTerritories', 'PART_OF', 'in'),
    territoryContracts, territoryPartners,
  ],
  Departement: [
    one('region', 'region', 'IN', 'out'),
    list('communes', 'within', 'IN', 'in', { kinds: 'COMMUNE' }),
    list('epcis', 'within', 'IN', 'in', { kinds: 'EPCI' }),
    territoryContracts, territoryPartners,
  ],
  Region: [list('departements', 'departements', 'IN', 'in'), territoryContracts, territoryPartners],
  SubTerritory: [
    list('communes', 'communes', 'INCLUDES', 'out'),
    one('epci', 'epci', 'PART_OF', 'out'),
    territoryContracts, territoryPartners,
  ],
  Partner: [
    signed,
    list('territories', 'territories', 'SERVES', 'out', {
      edge: `relation ${prov} ${node}`,
      read: (e) => [{ node: e.node, rel: e.relation, data: { provenance: e.provenance } }],
    }),
    list('people', 'people', 'HOLDS_POST', 'in', {
      edge: `person { ...S } title role asOf ${prov}`,
      read: (e) => [post(e, 'person')],
    }),
    list('actions', 'actions', 'LEADS_OR_FUNDS', 'out'),
    memberships,
    list('fundings', 'fundings', 'PAID_BY', 'in', {
      edge: 'node { ...S payer { id } }',
      read: (e, self) => [{ node: e.node, rel: e.node.payer?.id === self ? 'PAID_BY' : 'PAID_TO' }],
    }),
  ],
  Person: [
    list('posts', 'posts', 'HOLDS_POST', 'out', {
      edge: `organisation { ...S } title role asOf ${prov}`,
      read: (e) => [post(e, 'organisation')],
    }),
    signed, memberships,
  ],
  Contract: [
    list('signatories', 'signatories', 'SIGNED', 'in', {
      edge: `partner { ...S } role signedOn ${prov}`,
      read: (e) => [{ node: e.partner, data: { role: e.role, signedOn: e.signedOn, provenance: e.provenance } }],
    }),
    list('territories', 'territories', 'COVERS', 'out', {
      edge: `${prov} ${node}`,
      read: (e) => [{ node: e.node, data: { provenance: e.provenance } }],
    }),
    list('axes', 'axes', 'HAS_AXIS', 'out'),
    // Every fiche hangs from its axis when it has one, so the hierarchy reads
    // contract → axis → fiche; only fiches without an axis hang from the contract.
    list('actions', 'actions', 'HAS_ACTION', 'out', {
      edge: 'node { ...S axis { id } }',
      read: (e) => [{ node: e.node, source: e.node.axis?.id }],
    }),
    ...contractLinks,
    list('leads', 'leads', 'LEADS', 'in'),
    list('funders', 'funders', 'FUNDS', 'in'),
    list('bodies', 'bodies', 'STEERS', 'in'),
    list('fundings', 'fundings', 'CONCERNS', 'in'),
  ],
  Axis: [one('contract', 'contract', 'HAS_AXIS', 'in'), list('actions', 'actions', 'HAS_ACTION', 'out')],
  Action: [
    one('axis', 'axis', 'HAS_ACTION', 'in'),
    one('contract', 'contract', 'HAS_ACTION', 'in', { unless: 'axis' }),
    // aliased: the summary already reads `themes` with other arguments
    list('themes', 'themes', 'ADDRESSES', 'out', { alias: 'themeList' }),
    one('lead', 'lead', 'LEADS', 'in'),
    list('funders', 'funders', 'FUNDS', 'in'),
  ],
  Theme: [list('actions', 'actions', 'ADDRESSES', 'in')],
  Funding: [
    one('payer', 'payer', 'PAID_BY', 'out'),
    one('payee', 'payee', 'PAID_TO', 'out'),
    list('contracts', 'contracts', 'CONCERNS', 'out'),
    one('territory', 'territory', 'CONCERNS', 'out'),
    one('shareOf', 'shareOf', 'SHARE_OF', 'out'),
    list('shares', 'shares', 'SHARE_OF', 'in'),
  ],
  Body: [
    one('organisation', 'organisation', 'BELONGS_TO', 'out'),
    list('members', 'members', 'MEMBER_OF', 'in', {
      edge: `role ${prov} ${node}`,
      read: (e) => [{ node: e.node, data: { role: e.role, provenance: e.provenance } }],
    }),
    list('contracts', 'contracts', 'STEERS', 'out'),
  ],
  Source: [list('nodes', 'nodes', 'SOURCED_FROM', 'in')],
  ContractKind: [],
};

export function relationsOf(kind) {
  return RELATIONS[kind] ?? [];
}

/**
 * Where a relation's result sits in an answer: under its field name (no GraphQL alias, of
 * which a query may hold 30) unless two reads of one field would clash.
 */
function resultKey(relation) {
  if (relation.alias) return relation.alias;
  return relation.field === 'within' ? relation.group : relation.field;
}

export function relationByGroup(kind, group) {
  return relationsOf(kind).find((r) => r.group === group);
}

function pageArgs(first, afterVar) {
  return `first: ${first}${afterVar ? `, after: ${afterVar}` : ''}`;
}

/**
 * One query reading several relations of a node: for each {relation, after} a page of
 * GROUP_SIZE neighbours (`mode: 'page'`) or only its total (`mode: 'count'`).
 */
export function relationsQuery(kind, wanted, mode = 'page') {
  const vars = ['$id: ID!'];
  const onNode = [];
  const topLevel = [];
  let needsCode = false;
  wanted.forEach(({ relation: r, after }, i) => {
    const key = resultKey(r);
    const alias = key === r.field ? r.field : `${key}: ${r.field}`;
    let afterVar = null;
    if (after) {
      afterVar = `$a${i}`;
      vars.push(`${afterVar}: String`);
    }
    if (r.one) {
      if (mode === 'page') onNode.push(`${alias} { ...S }`);
      return;
    }
    const first = mode === 'count' ? 1 : GROUP_SIZE;
    const edges = mode === 'count' ? '' : `pageInfo { hasNextPage endCursor } edges { ${r.edge ?? node} }`;
    if (r.field === 'within') {
      needsCode = true;
      topLevel.push(`${key}: territories(within: $code, kinds: [${r.kinds}], ${pageArgs(first, afterVar)}) { totalCount ${edges} }`);
    } else {
      onNode.push(`${alias}(${pageArgs(first, afterVar)}) { totalCount ${edges} }`);
    }
  });
  if (needsCode) vars.push('$code: String');
  const body = onNode.length ? `... on ${kind} { ${onNode.join('\n')} }` : '';
  return withFragments(`query Relations(${vars.join(', ')}) {
  node(id: $id) { ...S ${body} }
  ${topLevel.join('\n')}
}`);
}

export function relationsVariables(nodeData, wanted) {
  const variables = { id: nodeData.id };
  wanted.forEach(({ relation, after }, i) => {
    if (after) variables[`a${i}`] = after;
    if (relation.field === 'within') variables.code = nodeData.code;
  });
  return variables;
}

/** The page (or object) of a relation in a relationsQuery answer. */
export function relationResult(data, relation) {
  if (relation.field === 'within') return data[resultKey(relation)];
  return data.node?.[resultKey(relation)];
}

/**
 * Neighbours read from one relation's result, as {node, rel, source, target, data, group}.
 * `results` maps every group read in the same query to its result (for `unless`).
 */
export function neighbours(selfId, relation, result, results) {
  if (!result) return [];
  if (relation.unless && results.get(relation.unless)) return [];
  const read = relation.read ?? ((e) => [{ node: e.node }]);
  const items = relation.one ? [{ node: result }] : result.edges.flatMap((e) => read(e, selfId));
  return items.filter((item) => item.node).map((item) => {
    const rel = item.rel ?? relation.rel;
    const other = item.node.id;
    const self = item.source ?? selfId;
    const [source, target] = relation.dir === 'out' ? [self, other] : [other, self];
    // `fallback`: the node itself, should the other end named by `item.source` be absent.
    const fallback = item.source ? (relation.dir === 'out' ? [selfId, other] : [other, selfId]) : null;
    return { node: item.node, rel, source, target, fallback, data: item.data ?? {}, group: relation.group };
  });
}

export const DETAILS_QUERY = withFragments(`query Details($id: ID!) {
  node(id: $id) {
    ...S
    ... on Territory { vintage }
    ... on Commune { siren postalCodes }
    ... on EPCI { financing }
    ... on SubTerritory { provenance { ...P } }
    ... on Partner { siren provenance { ...P } }
    ... on Body { bodyKind: kind }
    ... on Person { provenance { ...P } }
    ... on Contract { statusAsOf signedOn durationYears provenance { ...P } contractKind: kind { name nameEn } }
    ... on Axis { provenance { ...P } }
    ... on Action { provenance { ...P } }
    ... on Theme { cnafDomain cnafMinimum }
    ... on Funding { amountQualifier tax start end share shareQualifier provenance { ...P } }
    ... on Body { mission provenance { ...P } }
    ... on Source { publisher date file note }
  }
}`);

export const SEARCH_QUERY = withFragments(`query Search($text: String!, $kinds: [SearchKind!], $first: Int!) {
  search(text: $text, kinds: $kinds, first: $first) { score node { ...S } }
}`);

export const NODES_QUERY = withFragments('query Nodes($ids: [ID!]!) { nodes(ids: $ids) { ...S } }');

export const VOCABULARY_QUERY = `{
  contractKinds(first: 100) { edges { node { code name nameEn } } }
  themes(first: 100) { edges { node { code name nameEn } } }
}`;

/** The plain data a graph node keeps of a summary (fragment S). */
export function nodeData(raw) {
  const kind = raw.__typename;
  const data = { id: raw.id, kind };
  for (const key of ['code', 'key', 'name', 'title', 'number', 'population', 'kindCode', 'status',
    'start', 'end', 'url', 'nameEn', 'amount', 'currency', 'year', 'purpose', 'epciType', 'memberCount']) {
    if (raw[key] !== undefined && raw[key] !== null) data[key] = raw[key];
  }
  if (raw.aliases?.length) data.aliases = raw.aliases;
  // the narrow bounds of a contract's period (start and end are the wide ones)
  if (raw.period?.start) data.startLatest = raw.period.start.latest;
  if (raw.period?.end) data.endEarliest = raw.period.end.earliest;
  if (raw.period?.endOpen) data.endOpen = true;
  if (kind === 'Partner' && raw.kind) data.partnerKind = raw.kind;
  if (kind === 'Action') data.themes = raw.themes?.edges.map((e) => e.node.code) ?? [];
  return data;
}

export const TERRITORY_KINDS = ['Commune', 'EPCI', 'Departement', 'Region', 'SubTerritory'];
