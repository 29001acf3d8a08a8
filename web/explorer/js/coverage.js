// The coverage view: for a département or an EPCI and a date, the share of communes and
// population covered, a table of its communes (covered by what, themes, gaps) and a map
// of France's départements coloured by the share of their communes covered. A commune
// reached only by contracts whose dates cannot decide (undated, or known to the year) is
// « inconnue », never « non » (the API's three-valued `status`); contracts reaching it only
// through an inferred fact are marked as such.
import { gql } from './api.js';
import { colon, formatDate, formatNumber, formatShare, t } from './i18n.js';

const PAGE = 100;
const SVG = 'http://www.w3.org/2000/svg';
const CLASSES = [
  { max: 0, colour: '#fcbba1' },
  { max: 0.25, colour: '#c7e9c0' },
  { max: 0.5, colour: '#74c476' },
  { max: 0.75, colour: '#31a354' },
  { max: 1, colour: '#006d2c' },
];
const NO_DATA = '#e8e8e8';
// The API's three answers for a commune on a date, as a row class and a word.
const STATUS = {
  COVERED: { css: 'covered', label: 'coverage.yes' },
  UNKNOWN: { css: 'unknown', label: 'coverage.maybe' },
  NOT_COVERED: { css: 'uncovered', label: 'coverage.no' },
};

const COMMUNES = `communes(first: ${PAGE}, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { code name population status contracts possibleContracts inferredContracts } }
}`;
const ROWS = `rows(first: ${PAGE}, after: $afterRows) {
  pageInfo { hasNextPage endCursor } edges { node { commune themes possibleThemes missing possiblyMissing gap } }
}`;

const COVERAGE_QUERY = `query Coverage($scope: String!, $on: Date!, $certainty: CertaintyFilter!, $after: String, $afterRows: String) {
  place: territory(code: $scope) { name code kind }
  coverage(scope: $scope, on: $on, certainty: $certainty) {
    communesTotal communesCovered shareCommunes populationTotal populationCovered sharePopulation
    communesUnknown shareCommunesUnknown communesInferred
    byDepartement { code }
    ${COMMUNES}
  }
  themeCoverage(scope: $scope, on: $on, certainty: $certainty) { required gapCount ${ROWS} }
  france: coverage(on: $on, certainty: $certainty) {
    byDepartement { code name communes coveredCommunes shareCommunes sharePopulation }
  }
}`;

const MORE_QUERY = `query CoverageMore($scope: String!, $on: Date!, $certainty: CertaintyFilter!, $after: String, $afterRows: String) {
  coverage(scope: $scope, on: $on, certainty: $certainty) { ${COMMUNES} }
  themeCoverage(scope: $scope, on: $on, certainty: $certainty) { ${ROWS} }
}`;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    // through the CSSOM: the Content-Security-Policy refuses style="…" attributes
    else if (key === 'style') Object.assign(node.style, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function colourOf(share) {
  return CLASSES.find((c) => share <= c.max)?.colour ?? CLASSES.at(-1).colour;
}

let mapData = null;
async function franceMap() {
  if (!mapData) mapData = (await import('/vendor/france-departements/index.js')).default;
  return mapData;
}

export class CoverageView {
  /** @param root the result container; @param hooks {themeName, openContract, error} */
  constructor(root, hooks) {
    Object.assign(this, { root, hooks });
    this.sequence = 0;
    this.last = null;
  }

  clear() {
    this.last = null;
    this.root.replaceChildren();
  }

  /** @param certainty 'ALL' or 'STATED_ONLY' (the facts a source states, none inferred) */
  async show(scope, on, certainty = 'ALL') {
    const mine = ++this.sequence;
    this.root.replaceChildren(el('p', { class: 'hint' }, t('coverage.loading')));
    try {
      const [data, map] = await Promise.all([
        gql(COVERAGE_QUERY, { scope, on, certainty, after: null, afterRows: null }),
        franceMap(),
      ]);
      if (mine !== this.sequence) return;
      this.last = { scope, on, certainty, data, map, communes: [], rows: new Map() };
      this.addPage(data.coverage.communes, data.themeCoverage.rows);
      this.render();
    } catch (error) {
      if (mine !== this.sequence) return;
      this.root.replaceChildren();
      this.hooks.error(error);
    }
  }

  addPage(communes, rows) {
    const last = this.last;
    last.communes.push(...communes.edges.map((e) => e.node));
    for (const e of rows.edges) last.rows.set(e.node.commune, e.node);
    last.after = communes.pageInfo.hasNextPage ? communes.pageInfo.endCursor : null;
    last.afterRows = rows.pageInfo.hasNextPage ? rows.pageInfo.endCursor : null;
    last.total = communes.totalCount;
  }

  async more() {
    const last = this.last;
    if (!last?.after) return;
    try {
      const data = await gql(MORE_QUERY, { scope: last.scope, on: last.on, certainty: last.certainty, after: last.after, afterRows: last.afterRows });
      this.addPage(data.coverage.communes, data.themeCoverage.rows);
      this.renderTable();
    } catch (error) {
      this.hooks.error(error);
    }
  }

  render() {
    const { data, on, scope } = this.last;
    const c = data.coverage;
    const name = data.place?.name ?? scope;
    const required = data.themeCoverage.required.map((code) => this.hooks.themeName(code)).join(', ');
    const figure = (testid, label, value, detail) => el('div', { class: 'figure', 'data-testid': testid },
      el('span', { class: 'label' }, label), el('span', { class: 'value' }, value), el('span', { class: 'detail' }, detail));
    this.table = el('div', { class: 'coverage-table' });
    this.root.replaceChildren(
      el('h3', { id: 'coverage-summary' }, t('coverage.summary', { name, date: formatDate(on) })),
      el('p', { class: 'hint', 'data-testid': 'coverage-certainty' }, this.last.certainty === 'STATED_ONLY'
        ? t('coverage.statedOnlyHint')
        : t('coverage.inferredHint', { n: formatNumber(c.communesInferred) })),
      el('div', { class: 'figures' },
        figure('share-communes', t('coverage.communes'), formatShare(c.shareCommunes),
          t('coverage.of', { a: formatNumber(c.communesCovered), b: formatNumber(c.communesTotal) })),
        figure('share-population', t('coverage.population'), formatShare(c.sharePopulation),
          t('coverage.of', { a: formatNumber(c.populationCovered), b: formatNumber(c.populationTotal) })),
        figure('unknown-communes', t('coverage.unknown'), formatShare(c.shareCommunesUnknown),
          t('coverage.unknownHint', { a: formatNumber(c.communesUnknown), b: formatNumber(c.communesTotal) })),
        figure('gaps', t('coverage.gaps'), formatNumber(data.themeCoverage.gapCount), t('coverage.gapsHint', { themes: required }))),
      el('div', { class: 'coverage-body' }, this.table, this.mapFigure()),
    );
    this.renderTable();
  }

  renderTable() {
    const { communes, rows, total, after } = this.last;
    // certain ones, then those that hang on a contract whose activity is unknown, marked « ? »
    const themes = (certain, possible) => [...certain.map((code) => this.hooks.themeName(code)),
      ...possible.map((code) => `${this.hooks.themeName(code)} ?`)].join(', ');
    const contractLink = (commune, key, possible) => {
      const inferred = commune.inferredContracts.includes(key);
      const label = `${key}${possible ? ' ?' : ''}${inferred ? ` (${t('coverage.inferred')})` : ''}`;
      const title = [t('coverage.openContract'), possible ? t('coverage.possibleTitle') : null,
        inferred ? t('coverage.inferredTitle') : null].filter(Boolean).join(' · ');
      return el('button', { type: 'button', class: possible ? 'link possible' : 'link', title,
        onclick: () => this.hooks.openContract(key) }, label);
    };
    const body = el('tbody', {}, ...communes.map((commune) => {
      const row = rows.get(commune.code);
      const status = STATUS[commune.status] ?? STATUS.NOT_COVERED;
      const reaching = [...commune.contracts.map((key) => [key, false]),
        ...commune.possibleContracts.map((key) => [key, true])];
      return el('tr', { class: status.css, 'data-code': commune.code },
        el('th', { scope: 'row' }, `${commune.name} `, el('span', { class: 'code' }, commune.code)),
        el('td', { class: 'num' }, formatNumber(commune.population)),
        el('td', {}, t(status.label)),
        el('td', {}, ...reaching.flatMap(([key, possible], i) => [i ? ', ' : null,
          contractLink(commune, key, possible)])),
        el('td', {}, row ? themes(row.themes, row.possibleThemes) : ''),
        el('td', { class: row?.gap === 'GAP' ? 'gap' : '' }, row ? themes(row.missing, row.possiblyMissing) : ''));
    }));
    const head = el('thead', {}, el('tr', {}, ...['commune', 'population', 'covered', 'contracts', 'themes', 'missing']
      .map((key) => el('th', { scope: 'col' }, t(`coverage.col.${key}`)))));
    const children = [
      el('h4', { id: 'coverage-table-title' }, t('coverage.table')),
      el('p', { class: 'hint' }, t('coverage.shown', { n: formatNumber(communes.length), total: formatNumber(total) })),
      el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'coverage-table-title' },
        el('table', {}, head, body)),
    ];
    if (after) {
      const next = Math.min(PAGE, total - communes.length);
      children.push(el('button', { type: 'button', onclick: () => this.more() }, t('coverage.more', { n: formatNumber(next) })));
    }
    this.table.replaceChildren(...children);
  }

  mapFigure() {
    const { data, map, on } = this.last;
    const byCode = new Map(data.france.byDepartement.map((d) => [d.code, d]));
    const chosen = new Set(data.coverage.byDepartement.map((d) => d.code));
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', map.viewBox);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-labelledby', 'coverage-map-caption');
    svg.classList.add('france');
    const outlined = [];
    for (const location of map.locations) {
      const figures = byCode.get(location.id);
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', location.path);
      path.setAttribute('fill', figures && figures.communes ? colourOf(figures.shareCommunes) : NO_DATA);
      path.dataset.code = location.id;
      const title = document.createElementNS(SVG, 'title');
      title.textContent = figures && figures.communes ? t('coverage.mapTitle', {
        name: figures.name, share: formatShare(figures.shareCommunes), covered: formatNumber(figures.coveredCommunes),
        total: formatNumber(figures.communes), pop: formatShare(figures.sharePopulation),
      }) : `${colon(location.name)}${t('coverage.mapNoData')}`;
      path.append(title);
      if (chosen.has(location.id)) {
        path.classList.add('chosen');
        outlined.push(path);
      } else {
        svg.append(path);
      }
    }
    svg.append(...outlined); // drawn last so their thick outline is not covered
    const legend = el('ul', { class: 'legend' },
      ...CLASSES.map((c, i) => el('li', {}, el('span', { class: 'swatch', style: { background: c.colour } }),
        i === 0 ? formatShare(0) : `${formatShare(CLASSES[i - 1].max)} – ${formatShare(c.max)}`)),
      el('li', {}, el('span', { class: 'swatch', style: { background: NO_DATA } }), t('coverage.mapNoData')));
    return el('figure', { class: 'coverage-map' }, svg,
      el('figcaption', { id: 'coverage-map-caption' }, `${t('coverage.map', { date: formatDate(on) })} (${t('coverage.mapScope')})`),
      legend, el('p', { class: 'credit' }, t('coverage.mapCredit')));
  }

  /** Labels follow the language: redraw what is shown. */
  relabel() {
    if (this.last) this.render();
  }
}

