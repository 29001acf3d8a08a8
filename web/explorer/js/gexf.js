// The visible graph as GEXF 1.3, for Gephi, built in the page. Ids, `kind`, `label` and
// `rel` follow `ctg export` (analyses/exports/): node ids are "<kind>:<key>", every node
// has `kind`, every edge `rel` (also its label and its GEXF kind), dates are ISO text.
import { COLOURS, activityOn, displayLabel } from './graph.js';

const KIND = {
  Commune: 'commune', EPCI: 'epci', Departement: 'departement', Region: 'region',
  SubTerritory: 'sub_territory', Partner: 'partner', Person: 'person', Contract: 'contract',
  Axis: 'axis', Action: 'action', Theme: 'theme', Funding: 'funding', Body: 'body',
  Source: 'source', ContractKind: 'contract_kind',
};

const NODE_ATTRIBUTES = [
  ['kind', 'string'], ['code', 'string'], ['key', 'string'], ['contract_kind', 'string'],
  ['status', 'string'], ['start', 'string'], ['end', 'string'], ['population', 'integer'],
  ['number', 'integer'], ['partner_kind', 'string'], ['active', 'boolean'], ['activity', 'string'],
  ['coverage', 'string'], ['graphql_id', 'string'],
];

function escape(text) {
  return String(text).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c])
    // characters XML 1.0 forbids
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

function gexfId(data) {
  const kind = KIND[data.kind] ?? data.kind.toLowerCase();
  const key = ['Commune', 'EPCI', 'Departement', 'Region', 'Theme', 'ContractKind'].includes(data.kind) ? data.code : data.key;
  return `${kind}:${key ?? data.id}`;
}

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return `r="${(n >> 16) & 255}" g="${(n >> 8) & 255}" b="${n & 255}"`;
}

/**
 * @param nodes cytoscape nodes shown (no "+N more" handles)
 * @param edges cytoscape edges between them
 * @param options {on, coverageOf(id), today}
 */
export function toGexf(nodes, edges, { on = '', coverageOf = () => null, today = new Date().toISOString().slice(0, 10) } = {}) {
  const ids = new Map(nodes.map((n) => [n.id(), gexfId(n.data())]));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" '
      + 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
      + 'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">',
    `  <meta lastmodifieddate="${today}"><creator>ctg-graph explorer</creator>`
      + `<description>${escape(on ? `Partnership graph, contracts active on ${on}` : 'Partnership graph')}</description></meta>`,
    '  <graph defaultedgetype="directed" mode="static">',
    '    <attributes class="node">',
    ...NODE_ATTRIBUTES.map(([id, type]) => `      <attribute id="${id}" title="${id}" type="${type}"/>`),
    '    </attributes>',
    '    <attributes class="edge">',
    '      <attribute id="rel" title="rel" type="string"/>',
    '    </attributes>',
    '    <nodes>',
  ];
  for (const node of nodes) {
    const d = node.data();
    const activity = on && d.kind === 'Contract' ? activityOn(d, on) : null;
    const values = {
      kind: KIND[d.kind] ?? d.kind, code: d.code, key: d.key, contract_kind: d.kindCode, status: d.status,
      start: d.start, end: d.end, population: d.population, number: d.number, partner_kind: d.partnerKind,
      // active: true or false when known; activity: active, inactive or unknown
      active: activity && activity !== 'unknown' ? activity === 'active' : null, activity,
      coverage: coverageOf(d.id), graphql_id: d.id,
    };
    const attvalues = Object.entries(values).filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `<attvalue for="${k}" value="${escape(v)}"/>`).join('');
    const { x, y } = node.position();
    const hex = COLOURS[d.kind] ?? '#cccccc';
    lines.push(`      <node id="${escape(ids.get(d.id))}" label="${escape(displayLabel(d))}">`
      + `<attvalues>${attvalues}</attvalues>`
      + `<viz:color ${rgb(hex)}/><viz:position x="${x.toFixed(1)}" y="${(-y).toFixed(1)}" z="0"/>`
      + `<viz:size value="${node.width().toFixed(1)}"/></node>`);
  }
  lines.push('    </nodes>', '    <edges>');
  let n = 0;
  for (const edge of edges) {
    const source = ids.get(edge.source().id());
    const target = ids.get(edge.target().id());
    if (!source || !target) continue;
    const rel = edge.data('rel');
    lines.push(`      <edge id="e${n++}" source="${escape(source)}" target="${escape(target)}" label="${rel}" kind="${rel}">`
      + `<attvalues><attvalue for="rel" value="${rel}"/></attvalues></edge>`);
  }
  lines.push('    </edges>', '  </graph>', '</gexf>', '');
  return lines.join('\n');
}
