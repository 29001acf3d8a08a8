// Wires the explorer together: the search, the canvas, the list of nodes shown, the
// details, the filters, the coverage view, the exports, and the URL, which always says
// what is shown so that a link reopens the same view.
import { showError, showNotice } from './alerts.js';
import { gql } from './api.js';
import { CoverageView } from './coverage.js';
import { ReviewView } from './review.js';
import { DetailsPanel } from './details.js';
import { toGexf } from './gexf.js';
import { GraphView, displayLabel, activityOn } from './graph.js';
import {
  KIND_NAMES, apply, formatDate, groupLabel, kindLabel, language, setLanguage, t,
} from './i18n.js';
import { VOCABULARY_QUERY } from './model.js';
import { SearchBox } from './search.js';

const $ = (id) => document.getElementById(id);
const SLIDER_START = Date.UTC(2005, 0, 1);
const DAY = 86400000;
const LIST_ORDER = ['Region', 'Departement', 'EPCI', 'SubTerritory', 'Commune', 'Partner', 'Person', 'Body',
  'Contract', 'Axis', 'Action', 'Theme', 'Funding', 'Source', 'ContractKind'];

const ui = {
  view: 'graph', opened: [], selected: null, listActive: null, pathFrom: null, pathTo: null,
  scope: '', restoring: false,
};
const vocabulary = { kinds: [], themes: new Map() };
let graph;
let details;
let coverage;
let review;

function themeName(code) {
  const theme = vocabulary.themes.get(code);
  if (!theme) return code;
  return language() === 'en' && theme.nameEn ? theme.nameEn : theme.name;
}

// ---------------------------------------------------------------- the URL
function writeUrl() {
  if (ui.restoring || !graph) return;
  const p = new URLSearchParams();
  const { filters } = graph;
  if (language() === 'en') p.set('lang', 'en');
  if (ui.view !== 'graph') p.set('view', ui.view);
  const q = $('search-input').value.trim();
  if (q) p.set('q', q);
  if (ui.opened.length) p.set('open', ui.opened.join(','));
  if (graph.log.length) p.set('x', runs(graph.log.map((e) => (e.op === 'm' ? `${e.id}!${e.group}` : e.id))).join(','));
  const removed = [...graph.removed];
  if (removed.length) p.set('rm', removed.join(','));
  const hidden = graph.cy.nodes('.hidden').map((n) => n.id());
  if (hidden.length) p.set('hide', hidden.join(','));
  const pinned = graph.cy.nodes('.pinned').map((n) => `${n.id()}~${Math.round(n.position('x'))}~${Math.round(n.position('y'))}`);
  if (pinned.length) p.set('pin', pinned.join(','));
  if (filters.on) p.set('on', filters.on);
  if (filters.types.size) p.set('types', [...filters.types].join(','));
  if (filters.kinds !== null) p.set('kinds', [...filters.kinds].join(','));
  if (filters.themes.size) p.set('themes', [...filters.themes].join(','));
  if (graph.layoutName !== 'force') p.set('layout', graph.layoutName);
  if (ui.selected) p.set('sel', ui.selected);
  if (ui.pathFrom) p.set('from', ui.pathFrom);
  if (ui.pathTo) p.set('to', ui.pathTo);
  if (ui.scope) p.set('scope', ui.scope);
  if ($('coverage-stated').checked) p.set('certainty', 'stated');
  const search = p.toString();
  const url = `${location.pathname}${search ? `?${search}` : ''}`;
  if (url !== `${location.pathname}${location.search}`) history.replaceState(null, '', url);
}

const split = (value) => (value ? value.split(',').filter(Boolean) : []);

/** ["a", "b", "b", "b"] → ["a", "b*3"]: "+N more" clicked ten times is one entry. */
function runs(entries) {
  const out = [];
  for (const entry of entries) {
    const last = out.at(-1);
    if (last && last.entry === entry) last.count += 1;
    else out.push({ entry, count: 1 });
  }
  return out.map(({ entry, count }) => (count > 1 ? `${entry}*${count}` : entry));
}

function unruns(entries) {
  return entries.flatMap((item) => {
    const [entry, count] = item.split('*');
    return Array(Math.min(Number(count) || 1, 1000)).fill(entry);
  });
}

async function restore(params) {
  ui.restoring = true;
  graph.quiet = true;
  const problems = [];
  const attempt = async (work) => {
    try {
      await work();
    } catch (error) {
      problems.push(error.message);
    }
  };
  try {
    $('search-input').value = params.get('q') ?? '';
    const filters = { on: params.get('on') ?? '', types: new Set(split(params.get('types'))),
      kinds: params.has('kinds') ? new Set(split(params.get('kinds'))) : null,
      themes: new Set(split(params.get('themes'))) };
    graph.setFilters(filters);
    showDate(filters.on);
    syncFilterBoxes();
    if (params.get('layout') === 'hierarchy') graph.layoutName = 'hierarchy';
    const opened = split(params.get('open'));
    for (let i = 0; i < opened.length; i += 100) {
      await attempt(async () => {
        const asked = opened.slice(i, i + 100);
        const found = new Set((await graph.open(asked)).map((n) => n.id));
        ui.opened.push(...asked.filter((id) => found.has(id)));
        for (const id of asked.filter((id) => !found.has(id))) problems.push(t('error.missingNode', { id }));
      });
    }
    for (const entry of unruns(split(params.get('x')))) {
      const [id, group] = entry.split('!');
      if (!graph.node(id)) {
        problems.push(t('error.missingNode', { id }));
        continue;
      }
      await attempt(() => (group ? graph.more(id, group) : graph.expand(id)));
    }
    for (const id of split(params.get('rm'))) graph.remove(id);
    for (const id of split(params.get('hide'))) graph.setHidden(id, true);
    graph.quiet = false;
    graph.runLayout(true);
    for (const entry of split(params.get('pin'))) {
      const [id, x, y] = entry.split('~');
      graph.setPinned(id, true, { x: Number(x), y: Number(y) });
    }
    if (params.get('from')) setPathEnd('from', params.get('from'));
    if (params.get('to')) setPathEnd('to', params.get('to'));
    if (ui.pathFrom && ui.pathTo) findPath();
    if (params.get('sel') && graph.node(params.get('sel'))) selectNode(params.get('sel'));
    ui.scope = params.get('scope') ?? '';
    $('coverage-stated').checked = params.get('certainty') === 'stated';
    if (['coverage', 'review'].includes(params.get('view'))) setView(params.get('view'), false);
    if (ui.scope && filters.on) await attempt(() => showCoverage());
  } finally {
    graph.quiet = false;
    ui.restoring = false;
  }
  drawList();
  if (problems.length) showError(new Error(t('error.restore', { detail: problems.join(' ; ') })));
  writeUrl();
}

// ---------------------------------------------------------------- the list of nodes shown
function renderList() {
  if (!ui.restoring) drawList();
}

function nodeState(node) {
  const d = node.data();
  const on = graph.filters.on;
  const states = [];
  const activity = on && d.kind === 'Contract' ? activityOn(d, on) : null;
  if (activity === 'inactive') states.push(t('list.inactive', { date: formatDate(on) }));
  if (activity === 'unknown') states.push(t('list.activityUnknown', { date: formatDate(on) }));
  const status = graph.coverageStatus(d.id);
  if (status) states.push(t(`list.${status}`, { date: formatDate(on) }));
  if (node.hasClass('pinned')) states.push(t('list.pinned'));
  if (node.hasClass('hidden')) states.push(t('list.hidden'));
  return states;
}

let listSignature = '';
let lastScrolled = null;
function drawList() {
  const list = $('node-list');
  const nodes = graph.cy.nodes().filter((n) => !n.hasClass('filtered'));
  const rank = (n) => {
    const kind = n.data('kind') === 'More' ? graph.node(n.data('parent'))?.data('kind') : n.data('kind');
    return LIST_ORDER.indexOf(kind) * 2 + (n.data('kind') === 'More' ? 1 : 0);
  };
  const sorted = nodes.sort((a, b) => rank(a) - rank(b) || displayLabel(a.data()).localeCompare(displayLabel(b.data())));
  const rows = sorted.map((node) => {
    const d = node.data();
    if (d.kind === 'More') {
      const parent = graph.node(d.parent);
      return { id: d.id, more: true,
        text: `${t('more.title', { rel: groupLabel(d.group), n: d.remaining })} — ${parent ? displayLabel(parent.data()) : ''}` };
    }
    return { id: d.id, kind: d.kind, label: displayLabel(d), states: nodeState(node),
      activity: graph.filters.on && d.kind === 'Contract' ? activityOn(d, graph.filters.on) : null };
  });
  const real = rows.filter((r) => !r.more).length;
  $('list-title').textContent = t('list.title', { n: real });
  // Rebuilt only when what it says changes, so a click (or a double-click) keeps its target.
  const signature = JSON.stringify(rows);
  if (signature !== listSignature) {
    listSignature = signature;
    list.replaceChildren(...rows.map((row, index) => {
      const li = document.createElement('li');
      li.id = `node-option-${index}`;
      li.setAttribute('role', 'option');
      li.dataset.id = row.id;
      if (row.more) {
        li.classList.add('more');
        li.textContent = row.text;
        return li;
      }
      const kind = document.createElement('span');
      kind.className = `badge kind-${row.kind}`;
      kind.textContent = kindLabel(row.kind);
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = row.label;
      li.append(kind, ' ', label);
      if (row.activity === 'inactive') li.classList.add('inactive');
      if (row.activity === 'unknown') li.classList.add('activity-unknown');
      if (row.states.length) {
        const small = document.createElement('span');
        small.className = 'state';
        small.textContent = ` — ${row.states.join(', ')}`;
        li.append(small);
      }
      return li;
    }));
  }
  let active = null;
  for (const li of list.children) {
    const selected = li.dataset.id === ui.selected;
    li.setAttribute('aria-selected', String(selected));
    li.classList.toggle('selected', selected);
    li.classList.toggle('active', li.dataset.id === ui.listActive);
    if (li.dataset.id === ui.listActive) active = li;
  }
  if (active) {
    list.setAttribute('aria-activedescendant', active.id);
    if (active !== lastScrolled) active.scrollIntoView({ block: 'nearest' });
  } else {
    list.removeAttribute('aria-activedescendant');
  }
  lastScrolled = active;
  $('canvas-empty').hidden = real > 0;
  const hiddenCount = graph.cy.nodes('.hidden').length;
  $('show-hidden').hidden = hiddenCount === 0;
  $('show-hidden').textContent = t('hidden.show', { n: hiddenCount });
}

function moveActive(delta, absolute = null) {
  const items = [...$('node-list').children];
  if (!items.length) return;
  let index = items.findIndex((li) => li.dataset.id === ui.listActive);
  if (absolute !== null) index = absolute < 0 ? items.length - 1 : absolute;
  else index = index < 0 ? 0 : Math.min(items.length - 1, Math.max(0, index + delta));
  ui.listActive = items[index].dataset.id;
  for (const li of items) li.classList.toggle('active', li === items[index]);
  $('node-list').setAttribute('aria-activedescendant', items[index].id);
  items[index].scrollIntoView({ block: 'nearest' });
  const node = graph.node(ui.listActive);
  if (node && node.data('kind') !== 'More') graph.select(ui.listActive);
}

function listKey(event) {
  const id = ui.listActive;
  const keys = {
    ArrowDown: () => moveActive(1), ArrowUp: () => moveActive(-1), Home: () => moveActive(0, 0), End: () => moveActive(0, -1),
    Enter: () => id && (graph.node(id)?.data('kind') === 'More' ? graph.activate(id) : selectNode(id)),
    '+': () => id && expandNode(id),
    p: () => id && graph.setPinned(id, !graph.node(id)?.hasClass('pinned')),
    h: () => id && graph.setHidden(id, !graph.node(id)?.hasClass('hidden')),
    Delete: () => id && removeNode(id),
  };
  const action = keys[event.key] ?? keys[event.key.toLowerCase()];
  if (!action || event.ctrlKey || event.metaKey || event.altKey) return;
  event.preventDefault();
  action();
}

// ---------------------------------------------------------------- acting on nodes
function selectNode(id) {
  ui.selected = id;
  ui.listActive = id;
  graph.select(id);
  details.show(id);
  renderList();
  writeUrl();
}

async function expandNode(id) {
  await graph.activate(id);
  if (ui.selected === id) details.refresh();
}

function removeNode(id) {
  graph.remove(id);
  if (ui.selected === id) {
    ui.selected = null;
    details.clear();
  }
  for (const end of ['from', 'to']) if (ui[end === 'from' ? 'pathFrom' : 'pathTo'] === id) setPathEnd(end, null);
  writeUrl();
}

async function openNode(id) {
  try {
    await graph.open([id]);
    if (!ui.opened.includes(id)) ui.opened.push(id);
    if (ui.view !== 'graph') setView('graph', false);
    selectNode(id);
    graph.centreOn(id);
  } catch (error) {
    showError(error);
  }
}

function setPathEnd(end, id) {
  const key = end === 'from' ? 'pathFrom' : 'pathTo';
  ui[key] = id;
  const node = id && graph.node(id);
  $(end === 'from' ? 'path-from' : 'path-to').textContent = node ? displayLabel(node.data()) : t('path.none');
  writeUrl();
}

function findPath() {
  if (!ui.pathFrom || !ui.pathTo) {
    $('path-result').textContent = t('path.needTwo');
    return;
  }
  const path = graph.path(ui.pathFrom, ui.pathTo);
  if (!path) {
    $('path-result').textContent = t('path.notFound');
    return;
  }
  const names = path.nodes().map((n) => displayLabel(n.data())).join(' → ');
  $('path-result').textContent = t('path.found', { n: path.edges().length, names });
}

// ---------------------------------------------------------------- filters and date
function checkbox(container, value, label, checked, onChange) {
  const wrapper = document.createElement('label');
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.value = value;
  input.checked = checked;
  input.addEventListener('change', onChange);
  wrapper.append(input, ' ', label);
  container.append(wrapper);
}

function buildFilters() {
  const types = $('type-filters');
  types.querySelectorAll('label').forEach((l) => l.remove());
  for (const kind of KIND_NAMES) {
    checkbox(types, kind, kindLabel(kind), !graph.filters.types.has(kind), () => {
      graph.setFilters({ types: new Set([...types.querySelectorAll('input:not(:checked)')].map((i) => i.value)) });
    });
  }
  const kinds = $('kind-filters');
  kinds.querySelectorAll('label').forEach((l) => l.remove());
  for (const kind of vocabulary.kinds) {
    const label = language() === 'en' && kind.nameEn ? kind.nameEn : kind.name;
    checkbox(kinds, kind.code, label, graph.filters.kinds === null || graph.filters.kinds.has(kind.code), () => {
      const boxes = [...kinds.querySelectorAll('input')];
      const checked = boxes.filter((i) => i.checked).map((i) => i.value);
      graph.setFilters({ kinds: checked.length === boxes.length ? null : new Set(checked) });
    });
  }
  const themes = $('theme-filters');
  themes.querySelectorAll('label').forEach((l) => l.remove());
  for (const code of vocabulary.themes.keys()) {
    checkbox(themes, code, themeName(code), graph.filters.themes.has(code), () => {
      graph.setFilters({ themes: new Set([...themes.querySelectorAll('input:checked')].map((i) => i.value)) });
    });
  }
}

function syncFilterBoxes() {
  for (const input of $('type-filters').querySelectorAll('input')) input.checked = !graph.filters.types.has(input.value);
  for (const input of $('kind-filters').querySelectorAll('input')) {
    input.checked = graph.filters.kinds === null || graph.filters.kinds.has(input.value);
  }
  for (const input of $('theme-filters').querySelectorAll('input')) input.checked = graph.filters.themes.has(input.value);
}

const toIso = (ms) => new Date(ms).toISOString().slice(0, 10);
const fromIso = (iso) => Date.parse(`${iso}T00:00:00Z`);

function showDate(on) {
  $('date-input').value = on;
  $('coverage-date').value = on;
  if (on) $('date-slider').value = String((fromIso(on) - SLIDER_START) / DAY);
}

function setDate(on) {
  if (on && Number.isNaN(fromIso(on))) return;
  showDate(on);
  graph.setFilters({ on });
  details.refresh();
  if (ui.view === 'coverage' && ui.scope && on) showCoverage();
  writeUrl();
}

// ---------------------------------------------------------------- views and coverage
const VIEWS = [['tab-graph', 'graph'], ['tab-coverage', 'coverage'], ['tab-review', 'review']];
function setView(view, focus = true) {
  ui.view = view;
  const graphView = view === 'graph';
  $('graph-view').hidden = !graphView;
  $('coverage-view').hidden = view !== 'coverage';
  $('review-view').hidden = view !== 'review';
  for (const [tab, name] of VIEWS) {
    $(tab).setAttribute('aria-selected', String(name === view));
    $(tab).tabIndex = name === view ? 0 : -1;
  }
  for (const el of document.querySelectorAll('.graph-only')) el.classList.toggle('visually-hidden', !graphView);
  if (graphView) requestAnimationFrame(() => graph.cy.resize());
  if (focus) $(VIEWS.find(([, name]) => name === view)[0]).focus();
  if (view === 'coverage' && !$('coverage-date').value && graph.filters.on) $('coverage-date').value = graph.filters.on;
  if (view === 'review') review.shown();
  writeUrl();
}

async function showCoverage() {
  const on = $('coverage-date').value || graph.filters.on;
  if (!ui.scope) {
    showError(new Error(t('coverage.needScope')));
    return;
  }
  if (!on) {
    showError(new Error(t('coverage.needDate')));
    return;
  }
  if (on !== graph.filters.on) {
    showDate(on);
    graph.setFilters({ on });
  }
  writeUrl();
  await coverage.show(ui.scope, on, $('coverage-stated').checked ? 'STATED_ONLY' : 'ALL');
  const place = coverage.last?.data?.place;
  if (place && !$('scope-input').value) $('scope-input').value = place.name;
}

async function openContract(key) {
  try {
    const data = await gql('query ($key: String!) { contract(key: $key) { id } }', { key });
    if (data.contract) await openNode(data.contract.id);
  } catch (error) {
    showError(error);
  }
}

// ---------------------------------------------------------------- exports
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function shownElements() {
  const nodes = graph.visibleNodes().filter((n) => n.data('kind') !== 'More');
  const ids = new Set(nodes.map((n) => n.id()));
  const edges = graph.cy.edges().filter((e) => ids.has(e.source().id()) && ids.has(e.target().id()));
  return { nodes, edges };
}

async function exportPng() {
  if (!shownElements().nodes.length) {
    showNotice(t('export.empty'));
    return;
  }
  download(await graph.png(), 'ctg-graph.png');
}

function exportGexf() {
  const { nodes, edges } = shownElements();
  if (!nodes.length) {
    showNotice(t('export.empty'));
    return;
  }
  const text = toGexf(nodes, edges, { on: graph.filters.on, coverageOf: (id) => graph.coverageStatus(id) });
  download(new Blob([text], { type: 'application/gexf+xml' }), 'ctg-graph.gexf');
}

async function copyLink() {
  writeUrl();
  $('share-url').textContent = t('export.linkShown', { url: location.href });
  try {
    await navigator.clipboard.writeText(location.href);
    showNotice(t('export.linkCopied'));
  } catch {
    // the link stays shown for copying by hand
  }
}

// ---------------------------------------------------------------- language
function relabel() {
  apply();
  buildFilters();
  graph.refreshLabels();
  details.refresh();
  if (!ui.selected) details.clear();
  coverage.relabel();
  review.relabel();
  setPathEnd('from', ui.pathFrom);
  setPathEnd('to', ui.pathTo);
  renderList();
  writeUrl();
}

// ---------------------------------------------------------------- start
function wire() {
  new SearchBox($('search-input'), $('search-list'), (raw) => openNode(raw.id),
    { onError: showError, status: $('search-status') });
  new SearchBox($('scope-input'), $('scope-list'), (raw) => {
    ui.scope = raw.code;
    $('scope-input').value = raw.name;
    if ($('coverage-date').value || graph.filters.on) showCoverage();
    else $('coverage-date').focus();
  }, { kinds: ['DEPARTEMENT', 'EPCI'], onError: showError, status: $('scope-status') });
  $('scope-input').addEventListener('input', () => {
    ui.scope = /^(\d{2,3}|2[AB]|\d{9})$/i.test($('scope-input').value.trim()) ? $('scope-input').value.trim().toUpperCase() : '';
  });
  $('search-input').addEventListener('change', writeUrl);
  $('coverage-form').addEventListener('submit', (event) => {
    event.preventDefault();
    showCoverage();
  });
  $('coverage-stated').addEventListener('change', () => {
    if (ui.scope && ($('coverage-date').value || graph.filters.on)) showCoverage();
    else writeUrl();
  });
  $('coverage-date').addEventListener('change', () => {
    if ($('coverage-date').value) setDate($('coverage-date').value);
  });
  $('date-input').addEventListener('change', () => setDate($('date-input').value));
  $('date-clear').addEventListener('click', () => setDate(''));
  const slider = $('date-slider');
  slider.min = '0';
  slider.max = String((Date.UTC(2035, 11, 31) - SLIDER_START) / DAY);
  slider.step = '1';
  slider.value = String((Date.now() - SLIDER_START) / DAY | 0);
  slider.addEventListener('input', () => {
    $('date-input').value = toIso(SLIDER_START + Number(slider.value) * DAY);
  });
  slider.addEventListener('change', () => setDate(toIso(SLIDER_START + Number(slider.value) * DAY)));

  $('layout-force').addEventListener('click', () => setLayout('force'));
  $('layout-hierarchy').addEventListener('click', () => setLayout('hierarchy'));
  $('layout-fit').addEventListener('click', () => graph.fit());
  $('path-find').addEventListener('click', findPath);
  $('path-clear').addEventListener('click', () => {
    graph.clearPath();
    setPathEnd('from', null);
    setPathEnd('to', null);
    $('path-result').textContent = '';
  });
  $('export-png').addEventListener('click', () => exportPng().catch(showError));
  $('export-gexf').addEventListener('click', exportGexf);
  $('copy-link').addEventListener('click', copyLink);
  $('show-hidden').addEventListener('click', () => graph.showHidden());
  $('lang-switch').addEventListener('click', () => {
    setLanguage(language() === 'en' ? 'fr' : 'en');
    relabel();
  });
  for (const [tab, view] of VIEWS) {
    $(tab).addEventListener('click', () => setView(view));
    $(tab).addEventListener('keydown', (event) => {
      if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
        event.preventDefault();
        const at = VIEWS.findIndex(([, name]) => name === ui.view);
        const step = event.key === 'ArrowRight' ? 1 : VIEWS.length - 1;
        setView(VIEWS[(at + step) % VIEWS.length][1]);
      }
    });
  }
  review.wire();
  const list = $('node-list');
  list.addEventListener('keydown', listKey);
  list.addEventListener('focus', () => {
    if (!ui.listActive && list.firstElementChild) moveActive(0, 0);
  });
  list.addEventListener('click', (event) => {
    const li = event.target.closest('li');
    if (!li) return;
    ui.listActive = li.dataset.id;
    if (graph.node(li.dataset.id)?.data('kind') === 'More') graph.activate(li.dataset.id);
    else selectNode(li.dataset.id);
  });
  list.addEventListener('dblclick', (event) => {
    const li = event.target.closest('li');
    if (li && graph.node(li.dataset.id)?.data('kind') !== 'More') expandNode(li.dataset.id);
  });
  document.addEventListener('keydown', (event) => {
    const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName);
    if (event.key === '/' && !typing) {
      event.preventDefault();
      $('search-input').focus();
    }
  });

  graph.addEventListener('select', (event) => selectNode(event.detail.id));
  graph.addEventListener('change', () => {
    renderList();
    writeUrl();
  });
  graph.addEventListener('error', (event) => showError(event.detail.error));
  graph.addEventListener('busy', (event) => {
    $('busy').hidden = !event.detail.busy;
    $('cy-wrap').setAttribute('aria-busy', String(event.detail.busy));
  });
}

function setLayout(name) {
  $('layout-force').setAttribute('aria-pressed', String(name === 'force'));
  $('layout-hierarchy').setAttribute('aria-pressed', String(name === 'hierarchy'));
  graph.setLayout(name);
}

async function start() {
  const params = new URLSearchParams(location.search);
  setLanguage(params.get('lang') ?? 'fr');
  apply();
  let cytoscape;
  try {
    cytoscape = (await import('/vendor/cytoscape/cytoscape.esm.min.mjs')).default;
  } catch (error) {
    showError(new Error(t('error.library', { detail: error.message })));
    return;
  }
  graph = new GraphView(cytoscape, $('cy'));
  // For the browser tests, the benchmark and curious users' consoles: where a node is drawn.
  window.explorer = { graph };
  details = new DetailsPanel($('details'), graph, {
    expand: expandNode, pin: (id, pinned) => graph.setPinned(id, pinned),
    hide: (id) => graph.setHidden(id, !graph.node(id)?.hasClass('hidden')),
    remove: removeNode, pathEnd: setPathEnd, select: selectNode, openNode, themeName, error: showError,
  });
  coverage = new CoverageView($('coverage-result'), { themeName, openContract, error: showError });
  review = new ReviewView({ error: showError });
  window.explorer.review = review; // the browser tests read the draft shown
  details.clear();
  wire();
  try {
    const data = await gql(VOCABULARY_QUERY);
    vocabulary.kinds = data.contractKinds.edges.map((e) => e.node);
    vocabulary.themes = new Map(data.themes.edges.map((e) => [e.node.code, e.node]));
  } catch (error) {
    showError(error);
  }
  buildFilters();
  setLayout(params.get('layout') === 'hierarchy' ? 'hierarchy' : 'force');
  await restore(params);
  window.explorer.readyAt = performance.now(); // read by bench/bench_explorer.py
  document.body.dataset.ready = 'true';
}

start();
