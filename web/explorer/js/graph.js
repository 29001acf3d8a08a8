// The graph canvas (Cytoscape.js) and everything done to it: adding nodes, expanding a
// node's relations in groups behind "+N more" handles, filters, the date, coverage
// colours, layouts, pinning, hiding, removing and the shortest path. It emits 'change'
// whenever what is shown changes, so the list, the details and the URL can follow.
import { gql } from './api.js';
import { language, relationLabel, t } from './i18n.js';
import {
  NODES_QUERY, TERRITORY_KINDS, neighbours, nodeData, relationByGroup, relationResult,
  relationsOf, relationsQuery, relationsVariables,
} from './model.js';

export const COLOURS = {
  Commune: '#9ecae1', EPCI: '#4292c6', Departement: '#2171b5', Region: '#08519c', SubTerritory: '#6baed6',
  Partner: '#f16913', Person: '#fdae6b', Body: '#d94801', Contract: '#6a51a3', Axis: '#9e9ac8',
  Action: '#cbc9e2', Theme: '#41ab5d', Funding: '#fed976', Source: '#969696', ContractKind: '#bdbdbd',
};
const SHAPES = {
  Commune: 'ellipse', EPCI: 'round-rectangle', Departement: 'hexagon', Region: 'octagon',
  SubTerritory: 'round-rectangle', Partner: 'diamond', Person: 'ellipse', Body: 'pentagon',
  Contract: 'rectangle', Axis: 'tag', Action: 'round-rectangle', Theme: 'star', Funding: 'vee',
  Source: 'barrel', ContractKind: 'round-triangle',
};
const SIZES = { Commune: 22, Action: 24, Theme: 24, Departement: 42, Region: 48, EPCI: 36, Contract: 36 };

/** Rank of each kind in the hierarchical layout: territory → contract → axis → fiche. */
const RANKS = {
  Region: 0, Departement: 0, EPCI: 1, SubTerritory: 1, Commune: 2, Partner: 3, Person: 3, Body: 3,
  Contract: 4, Funding: 4, Axis: 5, Action: 6, Theme: 7, Source: 7, ContractKind: 7,
};

export function displayLabel(data) {
  switch (data.kind) {
    case 'Commune': return `${data.name} (${data.code})`;
    case 'Axis': case 'Action': return data.number != null ? `${data.number}. ${data.title}` : data.title;
    case 'Theme': case 'ContractKind': return language() === 'en' && data.nameEn ? data.nameEn : data.name;
    case 'Funding': return data.amount != null
      ? `${new Intl.NumberFormat(language() === 'en' ? 'en-GB' : 'fr-FR').format(data.amount)} ${data.currency ?? ''}${data.year ? ` (${data.year})` : ''}`
      : (data.purpose ?? data.key);
    case 'More': return t('more.label', { n: data.remaining });
    default: return data.name ?? data.title ?? data.key ?? data.code ?? data.id;
  }
}

/**
 * 'active', 'inactive' or 'unknown': a contract's activity on the day `on` (ISO text), by
 * the rule of domain/dates.py (docs/graph-model.md, "Dates"). `start` and `end` are the
 * widest bounds, `startLatest` and `endEarliest` the narrow ones (absent: the same day).
 */
export function activityOn(data, on) {
  if ((data.start && on < data.start) || (data.end && on > data.end)) return 'inactive';
  if (!data.start || on < (data.startLatest ?? data.start)) return 'unknown';
  if (data.endOpen || (data.end && on <= (data.endEarliest ?? data.end))) return 'active';
  return 'unknown';
}

function style() {
  const base = [
    { selector: 'node', style: {
      label: (ele) => displayLabel(ele.data()),
      'background-color': (ele) => COLOURS[ele.data('kind')] ?? '#ccc',
      shape: (ele) => SHAPES[ele.data('kind')] ?? 'ellipse',
      width: (ele) => SIZES[ele.data('kind')] ?? 30,
      height: (ele) => SIZES[ele.data('kind')] ?? 30,
      'font-size': 11, color: '#1a1a1a', 'text-valign': 'bottom', 'text-margin-y': 4,
      'text-wrap': 'ellipsis', 'text-max-width': 150, 'min-zoomed-font-size': 8,
      'text-background-color': '#fff', 'text-background-opacity': 0.75, 'text-background-padding': 1,
      'border-width': 1, 'border-color': '#555',
    } },
    { selector: 'node[kind = "More"]', style: {
      shape: 'round-rectangle', 'background-color': '#fff', 'border-style': 'dashed', 'border-width': 2,
      'border-color': '#444', width: 70, height: 24, 'text-valign': 'center', 'text-margin-y': 0,
      'font-weight': 'bold', 'text-background-opacity': 0, 'z-index': 10,
    } },
    { selector: 'edge', style: {
      width: 1.5, 'line-color': '#999', 'target-arrow-color': '#999', 'target-arrow-shape': 'triangle',
      'curve-style': 'bezier', 'arrow-scale': 0.8,
      label: (ele) => (ele.data('rel') === 'MORE' ? '' : relationLabel(ele.data('rel'))),
      'font-size': 9, color: '#444', 'text-rotation': 'autorotate', 'min-zoomed-font-size': 8,
      'text-background-color': '#fff', 'text-background-opacity': 0.8, 'text-background-padding': 1,
    } },
    { selector: 'edge[rel = "REACHES"], edge[?indirect]', style: { 'line-style': 'dashed' } },
    { selector: 'edge[rel = "MORE"]', style: { 'line-style': 'dotted', 'target-arrow-shape': 'none' } },
    { selector: '.filtered, .hidden', style: { display: 'none' } },
    { selector: 'node.inactive', style: { opacity: 0.25, 'border-style': 'dashed' } },
    { selector: 'edge.inactive', style: { opacity: 0.2 } },
    // unknown is a state of its own, never drawn as inactive
    { selector: 'node.unknown-activity', style: {
      opacity: 0.7, 'border-width': 4, 'border-style': 'dashed', 'border-color': '#7b3294' } },
    { selector: 'node.covered', style: { 'border-width': 5, 'border-color': '#1a9850' } },
    { selector: 'node.partly', style: { 'border-width': 5, 'border-color': '#fdae61' } },
    { selector: 'node.coverage-unknown', style: { 'border-width': 5, 'border-color': '#7b3294', 'border-style': 'dashed' } },
    { selector: 'node.uncovered', style: { 'border-width': 5, 'border-color': '#d73027', 'border-style': 'dotted' } },
    { selector: 'node.pinned', style: { 'border-width': 4, 'border-style': 'double', 'border-color': '#000' } },
    { selector: 'node.path', style: { 'border-width': 5, 'border-color': '#e31a1c' } },
    { selector: 'edge.path', style: { width: 5, 'line-color': '#e31a1c', 'target-arrow-color': '#e31a1c' } },
    { selector: ':selected', style: { 'overlay-color': '#000', 'overlay-opacity': 0.15, 'overlay-padding': 6 } },
  ];
  return base;
}

export class GraphView extends EventTarget {
  constructor(cytoscape, container) {
    super();
    this.cy = cytoscape({
      container, style: style(), minZoom: 0.05, maxZoom: 3,
      boxSelectionEnabled: false, selectionType: 'single',
    });
    this.expanded = new Map(); // node id -> Map(group -> {after, total, loaded})
    this.log = []; // expansions in order: {op: 'x', id} or {op: 'm', id, group}
    this.removed = new Set();
    this.filters = { types: new Set(), kinds: null, themes: new Set(), on: '' };
    this.layoutName = 'force';
    this.quiet = false; // true while a shared view is replayed: one layout at the end
    this.coverage = new Map(); // `${on}|${id}` -> 'covered' | 'partly' | 'unknown' | 'uncovered'
    this.pending = new Set(); // expansions under way, so a second click waits for the first
    this.cy.on('dbltap', 'node', (event) => {
      if (event.target.data('kind') !== 'More') this.activate(event.target.id());
    });
    this.cy.on('tap', 'node, edge', (event) => {
      if (event.target.data('kind') === 'More') this.activate(event.target.id());
      else this.emit('select', { id: event.target.id() });
    });
    this.cy.on('free', 'node', () => this.emit('change'));
  }

  /** Run `work` in one cytoscape batch (one redraw) and return what it returns. */
  batch(work) {
    this.cy.startBatch();
    try {
      return work();
    } finally {
      this.cy.endBatch();
    }
  }

  emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /** Say the canvas is busy while `promise` runs (several may overlap). */
  async track(promise) {
    this.busyCount = (this.busyCount ?? 0) + 1;
    if (this.busyCount === 1) this.emit('busy', { busy: true });
    try {
      return await promise;
    } finally {
      this.busyCount -= 1;
      if (this.busyCount === 0) this.emit('busy', { busy: false });
    }
  }

  node(id) {
    const found = this.cy.getElementById(id);
    return found.nonempty() ? found : null;
  }

  /** Nodes a user works with: every node but the "+N more" handles. */
  realNodes() {
    return this.cy.nodes().filter((n) => n.data('kind') !== 'More');
  }

  visibleNodes() {
    return this.cy.nodes().filter((n) => !n.hasClass('filtered') && !n.hasClass('hidden'));
  }

  /** Add (or refresh) nodes from GraphQL summaries; returns the cytoscape nodes. */
  addNodes(raws, around = null) {
    const fresh = new Map();
    this.batch(() => {
      for (const raw of raws) {
        if (!raw) continue;
        const data = nodeData(raw);
        const existing = this.node(data.id);
        if (existing) existing.data(data);
        else if (!fresh.has(data.id)) fresh.set(data.id, data);
      }
    });
    for (const id of fresh.keys()) this.removed.delete(id);
    // one add() for all: much cheaper than one per node when a group brings 50
    const added = this.cy.add([...fresh.values()].map((data) => ({ group: 'nodes', data, position: this.spiral(around) })));
    return added.toArray();
  }

  /** Next free place on a sunflower spiral around a node (or the centre of the view). */
  spiral(aroundId) {
    const centre = aroundId && this.node(aroundId);
    const origin = centre ? centre.position() : this.viewCentre();
    const holder = centre ?? this.cy;
    const n = holder.scratch('_placed') ?? 0;
    holder.scratch('_placed', n + 1);
    if (!centre && n === 0) return { ...origin };
    const radius = 70 + 26 * Math.sqrt(n);
    const angle = n * 2.39996;
    return { x: origin.x + radius * Math.cos(angle), y: origin.y + radius * Math.sin(angle) };
  }

  viewCentre() {
    const extent = this.cy.extent();
    return { x: (extent.x1 + extent.x2) / 2, y: (extent.y1 + extent.y2) / 2 };
  }

  /** Add the relationships whose two ends are drawn (each once). */
  addEdges(items) {
    const fresh = new Map();
    for (const item of items) {
      let [source, target] = [item.source, item.target];
      if ((!this.node(source) || !this.node(target)) && item.fallback) [source, target] = item.fallback;
      if (!this.node(source) || !this.node(target)) continue;
      const id = `${source}|${item.rel}|${target}`;
      if (this.node(id) || fresh.has(id)) continue;
      fresh.set(id, { group: 'edges', data: { id, source, target, rel: item.rel, group: item.group, ...item.data } });
    }
    this.cy.add([...fresh.values()]);
  }

  /** Open nodes by global id (from the search or a shared link). */
  async open(ids) {
    const data = await gql(NODES_QUERY, { ids });
    const added = this.addNodes(data.nodes);
    await this.afterChange(added);
    return data.nodes.filter(Boolean);
  }

  isExpanded(id) {
    return this.expanded.has(id);
  }

  /** Double-click or Enter: expand a node, or load the next group of a handle. */
  activate(id) {
    const node = this.node(id);
    if (!node || this.pending.has(id)) return Promise.resolve();
    this.pending.add(id);
    const run = this.track(node.data('kind') === 'More' ? this.more(node.data('parent'), node.data('group'))
      : this.expand(id));
    return run.catch((error) => this.emit('error', { error })).finally(() => this.pending.delete(id));
  }

  async expand(id) {
    const node = this.node(id);
    if (!node || this.expanded.has(id)) return;
    const self = node.data();
    const relations = relationsOf(self.kind);
    this.expanded.set(id, new Map());
    try {
      const wanted = relations.map((relation) => ({ relation }));
      const data = await this.track(gql(relationsQuery(self.kind, wanted), relationsVariables(self, wanted)));
      if (data.node) node.data(nodeData(data.node));
      const results = new Map(relations.map((r) => [r.group, relationResult(data, r)]));
      const added = this.batch(() => relations.flatMap((r) => this.take(id, r, results.get(r.group), results)));
      this.log.push({ op: 'x', id });
      await this.afterChange(added);
    } catch (error) {
      this.expanded.delete(id);
      throw error;
    }
  }

  /** The next GROUP_SIZE neighbours of one relation of an expanded node. */
  async more(id, group) {
    const node = this.node(id);
    const paging = this.expanded.get(id)?.get(group);
    if (!node || !paging?.after) return;
    const self = node.data();
    const relation = relationByGroup(self.kind, group);
    const wanted = [{ relation, after: paging.after }];
    const data = await this.track(gql(relationsQuery(self.kind, wanted), relationsVariables(self, wanted)));
    const result = relationResult(data, relation);
    const added = this.batch(() => this.take(id, relation, result, new Map([[group, result]])));
    this.log.push({ op: 'm', id, group });
    await this.afterChange(added);
  }

  /** Add one relation's neighbours and update its "+N more" handle; returns new nodes. */
  take(id, relation, result, results) {
    const items = neighbours(id, relation, result, results);
    const added = this.addNodes(items.map((item) => item.node), id);
    this.addEdges(items);
    if (relation.one || !result) return added;
    const paging = this.expanded.get(id);
    const before = paging.get(relation.group) ?? { loaded: 0 };
    const state = {
      after: result.pageInfo.hasNextPage ? result.pageInfo.endCursor : null,
      total: result.totalCount,
      loaded: before.loaded + result.edges.length,
    };
    paging.set(relation.group, state);
    this.updateHandle(id, relation.group, state);
    return added;
  }

  updateHandle(parent, group, state) {
    const handleId = `more|${parent}|${group}`;
    const handle = this.node(handleId);
    const remaining = Math.max(0, state.total - state.loaded);
    if (!state.after || remaining === 0) {
      if (handle) handle.remove();
      return;
    }
    if (handle) {
      handle.data('remaining', remaining);
      return;
    }
    this.cy.add({ group: 'nodes', data: { id: handleId, kind: 'More', parent, group, remaining },
      position: this.spiral(parent) });
    this.cy.add({ group: 'edges', data: { id: `${handleId}|edge`, source: parent, target: handleId, rel: 'MORE' } });
  }

  async afterChange(added) {
    this.applyFilters();
    await this.track(this.refreshCoverage());
    if (added.length && !this.quiet) this.runLayout(this.realNodes().length <= 150 || this.layoutName === 'hierarchy');
    this.emit('change');
  }

  remove(id) {
    const node = this.node(id);
    if (!node) return;
    this.cy.remove(node.union(this.cy.nodes(`[kind = "More"]`).filter((h) => h.data('parent') === id)));
    this.removed.add(id);
    this.emit('change');
  }

  setHidden(id, hidden) {
    const node = this.node(id);
    if (!node) return;
    node.toggleClass('hidden', hidden);
    this.applyFilters();
    this.emit('change');
  }

  showHidden() {
    this.cy.nodes('.hidden').removeClass('hidden');
    this.applyFilters();
    this.emit('change');
  }

  setPinned(id, pinned, position = null) {
    const node = this.node(id);
    if (!node) return;
    if (position) node.position(position);
    node.toggleClass('pinned', pinned);
    if (pinned) node.lock();
    else node.unlock();
    this.emit('change');
  }

  setFilters(filters) {
    this.filters = { ...this.filters, ...filters };
    this.applyFilters();
    this.track(this.refreshCoverage()).then(() => this.emit('change'), (error) => this.emit('error', { error }));
    this.emit('change');
  }

  /** Types, contract kinds and themes hide nodes; the date fades inactive contracts. */
  applyFilters() {
    const { types, kinds, themes, on } = this.filters;
    this.cy.batch(() => {
      for (const node of this.cy.nodes()) {
        const d = node.data();
        if (d.kind === 'More') continue;
        const filtered = types.has(d.kind)
          || (d.kind === 'Contract' && kinds !== null && !kinds.has(d.kindCode))
          || (d.kind === 'Action' && themes.size > 0 && !d.themes?.some((c) => themes.has(c)))
          || (d.kind === 'Theme' && themes.size > 0 && !themes.has(d.code));
        node.toggleClass('filtered', filtered);
        const activity = on && d.kind === 'Contract' ? activityOn(d, on) : null;
        node.toggleClass('inactive', activity === 'inactive');
        node.toggleClass('unknown-activity', activity === 'unknown');
        const status = on ? this.coverage.get(`${on}|${d.id}`) : null;
        for (const name of ['covered', 'partly', 'uncovered']) node.toggleClass(name, status === name);
        node.toggleClass('coverage-unknown', status === 'unknown');
      }
      for (const handle of this.cy.nodes('[kind = "More"]')) {
        const parent = this.node(handle.data('parent'));
        handle.toggleClass('filtered', !parent || parent.hasClass('filtered') || parent.hasClass('hidden'));
      }
      for (const edge of this.cy.edges()) {
        edge.toggleClass('inactive', edge.source().hasClass('inactive') || edge.target().hasClass('inactive'));
      }
    });
  }

  /**
   * On a date, ask which territories shown are reached by a contract certainly active
   * (covered, or partly), only by contracts whose activity is unknown (unknown: possibly
   * covered), or by none (uncovered).
   */
  async refreshCoverage() {
    const { on } = this.filters;
    if (!on) return;
    const ids = this.realNodes().filter((n) => TERRITORY_KINDS.includes(n.data('kind')))
      .map((n) => n.id()).filter((id) => !this.coverage.has(`${on}|${id}`));
    for (let i = 0; i < ids.length; i += 100) {
      const data = await gql(`query Coverage($ids: [ID!]!, $on: Date!) {
        nodes(ids: $ids) { id ... on Territory {
          contracts(activeOn: $on, activity: [ACTIVE, UNKNOWN], first: 20) {
            edges { reach node { activityOn(on: $on) } } } } }
      }`, { ids: ids.slice(i, i + 100), on });
      for (const item of data.nodes) {
        if (!item?.contracts) continue;
        const certain = item.contracts.edges.filter((e) => e.node.activityOn === 'ACTIVE');
        const reaches = certain.flatMap((e) => e.reach);
        const status = reaches.some((r) => r !== 'PART') ? 'covered' : reaches.length ? 'partly'
          : item.contracts.edges.length ? 'unknown' : 'uncovered';
        this.coverage.set(`${on}|${item.id}`, status);
      }
    }
    this.applyFilters();
  }

  coverageStatus(id) {
    const { on } = this.filters;
    return on ? this.coverage.get(`${on}|${id}`) ?? null : null;
  }

  setLayout(name) {
    this.layoutName = name;
    this.runLayout(true);
    this.emit('change');
  }

  runLayout(full = true) {
    const eles = this.cy.elements().filter((e) => !e.hasClass('filtered') && !e.hasClass('hidden'));
    if (eles.nodes().length === 0) return;
    if (!full) {
      this.fitNodes(eles.nodes());
      return;
    }
    if (this.layoutName === 'hierarchy') {
      const positions = layered(eles.nodes());
      eles.nodes().layout({ name: 'preset', positions: (n) => positions.get(n.id()), fit: true, padding: 40 }).run();
    } else {
      eles.layout({
        name: 'cose', animate: false, randomize: false, fit: true, padding: 40, nodeOverlap: 8,
        idealEdgeLength: () => 90, nodeRepulsion: () => 9000, componentSpacing: 80, numIter: 600,
      }).run();
    }
    if (this.cy.zoom() > 1.6) this.cy.zoom({ level: 1.6, renderedPosition: { x: this.cy.width() / 2, y: this.cy.height() / 2 } });
  }

  fit() {
    this.fitNodes(this.visibleNodes());
  }

  /** Zoom and pan to show these nodes. Unlike cy.fit(), labels are left out of the
   * bounding box: measuring 500 labels costs more than drawing them. */
  fitNodes(nodes, padding = 40) {
    if (nodes.empty()) return;
    const box = nodes.boundingBox({ includeLabels: false, includeOverlays: false, includeEdges: false });
    const [width, height] = [this.cy.width(), this.cy.height()];
    const room = Math.min((width - 2 * padding) / Math.max(box.w, 1), (height - 2 * padding) / Math.max(box.h, 1));
    const zoom = Math.max(this.cy.minZoom(), Math.min(room, 1.6));
    this.cy.viewport({ zoom, pan: { x: (width - zoom * (box.x1 + box.x2)) / 2, y: (height - zoom * (box.y1 + box.y2)) / 2 } });
  }

  /** Shortest path between two nodes among those shown, relationships taken both ways. */
  path(fromId, toId) {
    this.clearPath();
    const from = this.node(fromId);
    const to = this.node(toId);
    if (!from || !to) return null;
    const shown = this.cy.elements().filter((e) => !e.hasClass('filtered') && !e.hasClass('hidden')
      && e.data('kind') !== 'More' && e.data('rel') !== 'MORE');
    const result = shown.aStar({ root: from, goal: to, directed: false });
    if (!result.found) return null;
    result.path.addClass('path');
    return result.path;
  }

  clearPath() {
    this.cy.elements('.path').removeClass('path');
  }

  select(id) {
    this.cy.elements(':selected').unselect();
    const element = this.cy.getElementById(id);
    if (element.nonempty()) element.select();
  }

  centreOn(id) {
    const node = this.node(id);
    if (node) this.cy.animate({ center: { eles: node }, duration: 200 });
  }

  refreshLabels() {
    this.cy.style().update();
  }

  png() {
    return this.cy.png({ output: 'blob-promise', full: true, bg: '#ffffff', scale: 1.5 });
  }
}

/**
 * Positions of a layered drawing: one row per rank (territory → partner → contract → axis
 * → fiche → theme), nodes ordered by the mean place of their neighbours in earlier rows,
 * long rows wrapped.
 */
function layered(nodes) {
  const rows = new Map();
  for (const node of nodes) {
    const rank = node.data('kind') === 'More' ? null : RANKS[node.data('kind')] ?? 7;
    const key = rank ?? RANKS[nodes.getElementById(node.data('parent')).data('kind')] ?? 7;
    if (!rows.has(key)) rows.set(key, []);
    rows.get(key).push(node);
  }
  const order = new Map();
  const positions = new Map();
  let y = 0;
  const perLine = 24;
  const dx = 130;
  for (const rank of [...rows.keys()].sort((a, b) => a - b)) {
    const row = rows.get(rank);
    const weight = (node) => {
      const places = node.neighborhood('node').map((n) => order.get(n.id())).filter((v) => v !== undefined);
      return places.length ? places.reduce((a, b) => a + b, 0) / places.length : Number.MAX_SAFE_INTEGER;
    };
    const weights = new Map(row.map((n) => [n.id(), weight(n)]));
    row.sort((a, b) => weights.get(a.id()) - weights.get(b.id())
      || displayLabel(a.data()).localeCompare(displayLabel(b.data())));
    row.forEach((node, i) => {
      const line = Math.floor(i / perLine);
      const inLine = Math.min(perLine, row.length - line * perLine);
      const x = ((i % perLine) - (inLine - 1) / 2) * dx;
      positions.set(node.id(), node.locked() ? node.position() : { x, y: y + line * 60 });
      order.set(node.id(), i % perLine);
    });
    y += Math.ceil(row.length / perLine) * 60 + 110;
  }
  return positions;
}
