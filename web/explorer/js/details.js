// The details panel: every property of the node (or relationship) clicked, where each
// fact comes from (stated or inferred, the sources with their links), its relationships
// by type, and the buttons that act on it (expand, pin, hide, remove, path ends).
import { gql } from './api.js';
import { displayLabel, activityOn } from './graph.js';
import {
  colon, formatDate, formatNumber, groupLabel, kindLabel, propertyLabel, relationLabel, t,
} from './i18n.js';
import { DETAILS_QUERY, relationResult, relationsOf, relationsQuery, relationsVariables } from './model.js';

const SKIP = new Set(['__typename', 'id', 'provenance', 'kind', 'bodyKind', 'themes', 'contractKind', 'kindCode']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Only web addresses become links (a `javascript:` one in the data must stay text). */
const isWebAddress = (url) => /^https?:\/\//i.test(url ?? '');
const NEIGHBOURS_SHOWN = 40;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function formatValue(value) {
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'boolean') return t(value ? 'yes' : 'no');
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string' && DATE.test(value)) return formatDate(value);
  return String(value);
}

export class DetailsPanel {
  constructor(root, graph, actions) {
    Object.assign(this, { root, graph, actions });
    this.sequence = 0;
    this.current = null;
  }

  clear() {
    this.current = null;
    this.root.replaceChildren(el('p', { class: 'hint' }, t('details.none')));
  }

  async show(id) {
    const element = this.graph.cy.getElementById(id);
    if (element.empty() || element.data('kind') === 'More') {
      this.clear();
      return;
    }
    this.current = id;
    if (element.isEdge()) {
      this.renderEdge(element);
      return;
    }
    const mine = ++this.sequence;
    this.renderNode(element, null, null);
    const kind = element.data('kind');
    const counted = relationsOf(kind).filter((r) => !r.one).map((relation) => ({ relation }));
    try {
      const [details, counts] = await Promise.all([
        gql(DETAILS_QUERY, { id }),
        counted.length
          ? gql(relationsQuery(kind, counted, 'count'), relationsVariables(element.data(), counted))
          : Promise.resolve(null),
      ]);
      if (mine !== this.sequence || this.graph.cy.getElementById(id).empty()) return;
      const totals = counted.map(({ relation }) => [relation.group, relationResult(counts, relation)?.totalCount ?? 0]);
      this.renderNode(element, details.node, totals);
    } catch (error) {
      if (mine === this.sequence) this.actions.error(error);
    }
  }

  refresh() {
    if (this.current) this.show(this.current);
  }

  renderNode(node, details, totals) {
    const data = node.data();
    const on = this.graph.filters.on;
    const badges = el('p', { class: 'badges' }, el('span', { class: `badge kind-${data.kind}` }, kindLabel(data.kind)));
    if (on && data.kind === 'Contract') {
      const activity = activityOn(data, on);
      const [badge, text] = { active: ['ok', 'details.activeOn'], inactive: ['warn', 'details.inactiveOn'],
        unknown: ['unknown', 'details.unknownOn'] }[activity];
      badges.append(' ', el('span', { class: `badge ${badge}`, 'data-testid': 'activity' },
        t(text, { date: formatDate(on) })));
    }
    const status = this.graph.coverageStatus(data.id);
    if (status) {
      const key = { covered: 'list.covered', partly: 'list.partly', unknown: 'list.unknown',
        uncovered: 'list.uncovered' }[status];
      badges.append(' ', el('span', { class: `badge cov-${status}` }, t(key, { date: formatDate(on) })));
    }
    const expanded = this.graph.isExpanded(data.id);
    const pinned = node.hasClass('pinned');
    const tools = el('div', { class: 'tools', role: 'group', 'aria-label': t('details.title') },
      el('button', { type: 'button', disabled: expanded, onclick: () => this.actions.expand(data.id) },
        t(expanded ? 'details.expanded' : 'details.expand')),
      el('button', { type: 'button', 'aria-pressed': String(pinned), onclick: () => this.actions.pin(data.id, !pinned) },
        t(pinned ? 'details.unpin' : 'details.pin')),
      el('button', { type: 'button', onclick: () => this.actions.hide(data.id) }, t('details.hide')),
      el('button', { type: 'button', onclick: () => this.actions.remove(data.id) }, t('details.remove')),
      el('button', { type: 'button', onclick: () => this.actions.pathEnd('from', data.id) }, t('details.pathFrom')),
      el('button', { type: 'button', onclick: () => this.actions.pathEnd('to', data.id) }, t('details.pathTo')),
    );
    const parts = [el('h2', { id: 'details-heading' }, displayLabel(data)), badges, tools];
    if (!details) {
      parts.push(el('p', { class: 'hint' }, t('details.loading')));
    } else {
      parts.push(this.properties(details));
      if (details.provenance) parts.push(this.provenance(details.provenance));
    }
    parts.push(this.relations(node, totals));
    this.root.replaceChildren(...parts);
  }

  properties(details) {
    const list = el('dl', { class: 'props' });
    for (const [key, value] of Object.entries(details)) {
      if (SKIP.has(key) || value === null || value === undefined || (Array.isArray(value) && !value.length)) continue;
      if (typeof value === 'object' && !Array.isArray(value)) continue;
      const shown = key === 'url' && isWebAddress(value)
        ? el('a', { href: value, target: '_blank', rel: 'noopener' }, value) : formatValue(value);
      list.append(el('dt', {}, propertyLabel(key)), el('dd', {}, shown));
    }
    const kind = details.__typename === 'Partner' ? details.kind : details.bodyKind;
    if (kind) list.append(el('dt', {}, propertyLabel('kind')), el('dd', {}, kind));
    if (details.contractKind?.name) {
      const kind = details.contractKind;
      list.append(el('dt', {}, propertyLabel('kindCode')),
        el('dd', {}, `${document.documentElement.lang === 'en' && kind.nameEn ? kind.nameEn : kind.name} (${details.kindCode})`));
    }
    if (details.themes?.edges?.length) {
      list.append(el('dt', {}, propertyLabel('themes')),
        el('dd', {}, details.themes.edges.map((e) => this.actions.themeName(e.node.code)).join(', ')));
    }
    return el('section', { 'aria-labelledby': 'details-props' }, el('h3', { id: 'details-props' }, t('details.properties')), list);
  }

  provenance(provenance) {
    const certainty = provenance.certainty ?? 'null';
    const section = el('section', { class: 'provenance', 'aria-labelledby': 'details-prov' },
      el('h3', { id: 'details-prov' }, t('details.provenance')),
      el('p', {}, el('span', { class: `badge certainty-${certainty}`, 'data-testid': 'certainty' }, t(`certainty.${certainty}`))));
    const facts = el('dl', { class: 'props' });
    if (provenance.reason) facts.append(el('dt', {}, t('details.reason')), el('dd', {}, provenance.reason));
    if (provenance.inferredFields?.length) {
      facts.append(el('dt', {}, t('details.inferredFields')),
        el('dd', {}, el('ul', {}, ...provenance.inferredFields.map((f) => el('li', {}, f)))));
    }
    if (provenance.dataset) facts.append(el('dt', {}, t('details.dataset')), el('dd', {}, provenance.dataset));
    if (provenance.curatedBy) facts.append(el('dt', {}, t('details.curatedBy')), el('dd', {}, provenance.curatedBy));
    if (facts.childElementCount) section.append(facts);
    section.append(el('h4', {}, t('details.sources')));
    if (!provenance.sources?.length) {
      section.append(el('p', { class: 'hint' }, t('details.noSource')));
      return section;
    }
    section.append(el('ul', { class: 'sources', 'data-testid': 'sources' }, ...provenance.sources.map((source) => el('li', {},
      isWebAddress(source.url)
        ? el('a', { href: source.url, target: '_blank', rel: 'noopener' }, source.title) : el('cite', {}, source.title),
      source.publisher ? ` — ${source.publisher}` : '',
      source.date ? ` (${formatDate(source.date)})` : '',
      source.file ? el('div', { class: 'file' }, colon(t('details.file')), el('code', {}, source.file)) : null,
      el('button', { type: 'button', class: 'link', onclick: () => this.actions.openNode(source.id) }, t('details.showInGraph')),
    ))));
    return section;
  }

  relations(node, totals) {
    const section = el('section', { 'aria-labelledby': 'details-rels' }, el('h3', { id: 'details-rels' }, t('details.relations')));
    if (totals?.length) {
      section.append(el('p', { class: 'hint' }, t('details.relationsHint')),
        el('ul', { class: 'counts' }, ...totals.filter(([, n]) => n > 0).map(([group, n]) => el('li', {}, colon(groupLabel(group)), formatNumber(n)))));
    }
    const edges = node.connectedEdges().filter((e) => e.data('rel') !== 'MORE');
    const byRel = new Map();
    for (const edge of edges) {
      const out = edge.source().id() === node.id();
      const key = `${out ? '→' : '←'} ${relationLabel(edge.data('rel'))}`;
      if (!byRel.has(key)) byRel.set(key, []);
      byRel.get(key).push({ edge, other: out ? edge.target() : edge.source() });
    }
    for (const [key, items] of byRel) {
      const shown = items.slice(0, NEIGHBOURS_SHOWN);
      const rest = items.length - shown.length;
      section.append(el('h4', {}, `${key} (${items.length})`), el('ul', { class: 'neighbours' }, ...shown.map(({ edge, other }) => el('li', {},
        el('button', { type: 'button', class: 'link', onclick: () => this.actions.select(other.id()) }, displayLabel(other.data())),
        ' ', el('button', { type: 'button', class: 'link small', onclick: () => this.actions.select(edge.id()) }, `(${t('details.edge').toLowerCase()})`),
        edge.data('provenance') ? ` — ${t(`certainty.${edge.data('provenance').certainty ?? 'null'}`)}` : '',
      )), rest > 0 ? el('li', { class: 'hint' }, t('details.andMore', { n: formatNumber(rest) })) : null));
    }
    return section;
  }

  renderEdge(edge) {
    const data = edge.data();
    const parts = [
      el('h2', { id: 'details-heading' }, relationLabel(data.rel)),
      el('p', { class: 'badges' }, el('span', { class: 'badge' }, t('details.edge'))),
    ];
    const ends = el('dl', { class: 'props' },
      el('dt', {}, t('details.from')),
      el('dd', {}, el('button', { type: 'button', class: 'link', onclick: () => this.actions.select(edge.source().id()) }, displayLabel(edge.source().data()))),
      el('dt', {}, t('details.to')),
      el('dd', {}, el('button', { type: 'button', class: 'link', onclick: () => this.actions.select(edge.target().id()) }, displayLabel(edge.target().data()))));
    for (const key of ['role', 'signedOn', 'title', 'asOf', 'reach', 'via', 'memberCommunes']) {
      if (data[key] === undefined || data[key] === null || (Array.isArray(data[key]) && !data[key].length)) continue;
      ends.append(el('dt', {}, propertyLabel(key)), el('dd', {}, formatValue(data[key])));
    }
    parts.push(ends);
    if (data.provenance) parts.push(this.provenance(data.provenance));
    else if (data.certainty) parts.push(this.provenance({ certainty: data.certainty, reason: data.reason, sources: [] }));
    this.root.replaceChildren(...parts);
  }
}
