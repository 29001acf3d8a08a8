// « Importer un article »: an article's text (pasted or uploaded) goes to POST /drafts;
// the draft comes back as the text, its facts and their evidence. The page shows the
// text with every fact's words highlighted and the facts beside it, grouped by type;
// each can be kept or rejected, its values corrected, an ambiguous territory resolved.
// Then POST /drafts/dataset turns the kept facts into a dataset's YAML (downloaded), and
// the importDataset mutation saves it with a curator token. The token lives in its input
// only (never in storage); on ctg run's local server, GET /drafts/local-token fills it.
import { gql, ApiError } from './api.js';
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

const TYPES = ['territory', 'partner', 'person', 'contract', 'date', 'signatory', 'axis', 'fiche', 'theme', 'amount', 'lineage'];
// What a reviewer may correct in each kind of fact: [field, input type].
const EDITABLE = {
  territory: [['name', 'text']],
  partner: [['name', 'text']],
  person: [['name', 'text'], ['post', 'text']],
  contract: [['name', 'text'], ['kind', 'text']],
  date: [['value', 'text']],
  axis: [['number', 'number'], ['title', 'text']],
  fiche: [['number', 'number'], ['title', 'text']],
  theme: [['theme', 'text']],
  amount: [['value', 'number'], ['year', 'number']],
};
// References between facts: a fact whose required reference is rejected goes too; an
// optional one is cleared.
const REQUIRED = { date: ['contract'], signatory: ['contract', 'partner'], lineage: ['contract', 'other'] };
const OPTIONAL = {
  partner: ['territory'], person: ['organisation'], contract: ['lead'], signatory: ['person'],
  axis: ['contract'], fiche: ['contract', 'axis'], theme: ['contract'], amount: ['payer', 'contract'],
};
const NAME = /^[a-z0-9][a-z0-9-]{0,79}$/;

const IMPORT = `mutation Import($yaml: String!, $replace: Boolean) {
  importDataset(yaml: $yaml, replace: $replace) {
    __typename
    ... on DatasetImported { key changed nodes relationships }
    ... on DatasetRefused { message problems { line field message } }
  }
}`;

async function postDraft(path, body, headers = {}) {
  let response;
  try {
    response = await fetch(path, { method: 'POST', headers: { Accept: 'application/json', ...headers }, body });
  } catch (error) {
    throw new ApiError(t('error.network', { detail: error.message }));
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    throw new ApiError(t('error.http', { status: response.status }));
  }
  if (!response.ok) {
    const errors = answer?.errors ?? [];
    throw new ApiError(errors.map((e) => e.message).join('\n') || t('error.http', { status: response.status }), errors);
  }
  return answer;
}

function slug(text) {
  return (text ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
}

export class ReviewView {
  constructor({ error }) {
    this.error = error;
    this.draft = null;
    this.rejected = new Set();
    this.askedToken = false;
    this.ambiguous = new Set();
  }

  /** After a change of language: the facts again, in it, as they stand. */
  relabel() {
    if (this.draft) this.renderFacts();
  }

  wire() {
    $('review-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.analyse();
    });
    $('review-download').addEventListener('click', () => this.download());
    $('review-save').addEventListener('submit', (event) => {
      event.preventDefault();
      this.save();
    });
  }

  /** Called when the view is shown: on a loopback page, ask for ctg run's local token. */
  async shown() {
    if (this.askedToken) return;
    this.askedToken = true;
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(location.hostname)) return;
    try {
      const response = await fetch('/drafts/local-token', { headers: { Accept: 'application/json' } });
      const answer = response.ok ? await response.json() : null;
      if (answer?.token && !$('review-token').value) {
        $('review-token').value = answer.token;
        $('review-token-hint').textContent = t('review.tokenLocal');
        $('review-token-hint').removeAttribute('data-i18n');
      }
    } catch {
      // no local token: the curator types one
    }
  }

  async analyse() {
    const file = $('review-file').files[0];
    const text = $('review-text').value;
    if (!file && !text.trim()) {
      $('review-status').textContent = t('review.needText');
      $('review-text').focus();
      return;
    }
    const title = $('review-title').value.trim();
    const published = $('review-published').value;
    let body;
    let headers = {};
    if (file) {
      body = new FormData();
      body.append('file', file);
      if (title) body.append('title', title);
      if (published) body.append('published', published);
    } else {
      body = JSON.stringify({ text, ...(title ? { title } : {}), ...(published ? { published } : {}) });
      headers = { 'Content-Type': 'application/json' };
    }
    $('review-status').textContent = t('review.analysing');
    $('review-analyse').disabled = true;
    try {
      this.show(await postDraft('/drafts', body, headers));
    } catch (error) {
      $('review-status').textContent = '';
      this.error(error);
    } finally {
      $('review-analyse').disabled = false;
    }
  }

  /** Show a draft: the text with its highlights, the facts beside it. */
  show(draft) {
    this.draft = draft;
    this.rejected = new Set();
    // the territories to resolve: they keep their list once a candidate is picked
    this.ambiguous = new Set(draft.facts.filter((f) => f.type === 'territory' && f.candidates?.length && !f.code).map((f) => f.id));
    this.renderText();
    this.renderFacts();
    const highlighted = this.highlighted();
    $('review-status').textContent = t('review.found', { n: draft.facts.length, h: highlighted });
    const contract = draft.facts.find((f) => f.type === 'contract');
    if (!$('review-name').value) $('review-name').value = slug(contract?.name ?? draft.article.title ?? '');
    $('review-problems').replaceChildren();
    $('review-save-status').textContent = '';
    $('review-result').hidden = false;
  }

  renderText() {
    const { text, facts } = this.draft;
    const spans = facts.filter((f) => f.evidence && f.evidence.end > f.evidence.start);
    const cuts = new Set([0, text.length]);
    for (const f of spans) {
      cuts.add(f.evidence.start);
      cuts.add(f.evidence.end);
    }
    const points = [...cuts].sort((a, b) => a - b);
    const parts = [];
    for (let i = 0; i + 1 < points.length; i += 1) {
      const [from, to] = [points[i], points[i + 1]];
      const piece = text.slice(from, to);
      const covering = spans.filter((f) => f.evidence.start <= from && f.evidence.end >= to);
      if (!covering.length) {
        parts.push(document.createTextNode(piece));
        continue;
      }
      const mark = document.createElement('mark');
      mark.textContent = piece;
      mark.dataset.facts = covering.map((f) => f.id).join(' ');
      // where each fact's words start: "Voir dans le texte" scrolls there
      const starting = covering.filter((f) => f.evidence.start === from).map((f) => f.id);
      if (starting.length) mark.dataset.starts = starting.join(' ');
      // the narrowest fact under the pointer is the one meant
      const narrowest = covering.reduce((a, b) => (b.evidence.end - b.evidence.start < a.evidence.end - a.evidence.start ? b : a));
      mark.addEventListener('click', () => this.focusFact(narrowest.id));
      parts.push(mark);
    }
    $('review-article').replaceChildren(...parts);
  }

  markOf(id) {
    return [...document.querySelectorAll('#review-article mark[data-starts]')]
      .find((m) => m.dataset.starts.split(' ').includes(id));
  }

  /** How many facts are highlighted: each has one start in the text. */
  highlighted() {
    return [...document.querySelectorAll('#review-article mark[data-starts]')]
      .reduce((n, m) => n + m.dataset.starts.split(' ').length, 0);
  }

  renderFacts() {
    const groups = [];
    for (const type of TYPES) {
      const facts = this.draft.facts.filter((f) => f.type === type);
      if (!facts.length) continue;
      const section = document.createElement('section');
      section.className = 'review-group';
      const heading = document.createElement('h4');
      heading.id = `review-group-${type}`;
      heading.textContent = `${t(`review.type.${type}`)} (${facts.length})`;
      const list = document.createElement('ul');
      list.setAttribute('aria-labelledby', heading.id);
      for (const fact of facts) list.append(this.factItem(fact));
      section.append(heading, list);
      groups.push(section);
    }
    if (!groups.length) {
      const none = document.createElement('p');
      none.textContent = t('review.none');
      groups.push(none);
    }
    $('review-fact-groups').replaceChildren(...groups);
    const gaps = this.draft.gaps ?? [];
    const gapParts = [];
    if (gaps.length) {
      const heading = document.createElement('h4');
      heading.textContent = t('review.gaps');
      const list = document.createElement('ul');
      for (const gap of gaps) {
        const item = document.createElement('li');
        item.textContent = gap;
        list.append(item);
      }
      gapParts.push(heading, list);
    }
    $('review-gaps').replaceChildren(...gapParts);
  }

  factItem(fact) {
    const item = document.createElement('li');
    item.className = 'review-fact';
    item.id = `fact-${fact.id}`;
    item.dataset.fact = fact.id;
    item.tabIndex = -1;
    const head = document.createElement('div');
    const keep = document.createElement('input');
    keep.type = 'checkbox';
    keep.checked = !this.rejected.has(fact.id);
    item.classList.toggle('rejected', !keep.checked);
    keep.id = `keep-${fact.id}`;
    keep.className = 'keep';
    const keepLabel = document.createElement('label');
    keepLabel.htmlFor = keep.id;
    keepLabel.textContent = `${t('review.keep')} — ${this.summary(fact)}`;
    keep.addEventListener('change', () => {
      if (keep.checked) this.rejected.delete(fact.id);
      else this.rejected.add(fact.id);
      item.classList.toggle('rejected', !keep.checked);
    });
    head.append(keep, keepLabel);
    const quote = document.createElement('p');
    quote.className = 'quote';
    quote.textContent = `« ${fact.evidence?.quote ?? ''} »`;
    item.append(head, quote);
    const fields = document.createElement('div');
    fields.className = 'fields';
    for (const [name, type] of EDITABLE[fact.type] ?? []) fields.append(this.fieldInput(fact, name, type));
    if (fact.type === 'territory' && this.ambiguous.has(fact.id)) fields.append(this.candidateSelect(fact));
    if (fields.childElementCount) item.append(fields);
    if (fact.evidence && fact.evidence.end > fact.evidence.start) {
      const show = document.createElement('button');
      show.type = 'button';
      show.className = 'link small show';
      show.textContent = t('review.show');
      show.addEventListener('click', () => this.focusHighlight(fact.id));
      item.append(show);
    }
    return item;
  }

  summary(fact) {
    const byId = new Map(this.draft.facts.map((f) => [f.id, f]));
    const name = (id) => byId.get(id)?.name ?? byId.get(id)?.title ?? id;
    switch (fact.type) {
      case 'date': return `${t(`review.role.${fact.role}`)} ${fact.value}`;
      case 'signatory': return `${name(fact.partner)} → ${name(fact.contract)}`;
      case 'lineage': return `${name(fact.contract)} ${fact.relation} ${name(fact.other)}`;
      case 'amount': return `${fact.value} €${fact.year ? ` (${fact.year})` : ''}`;
      case 'theme': return fact.theme;
      case 'axis':
      case 'fiche': return `${fact.number ?? '?'}. ${fact.title}`;
      default: return fact.name ?? fact.id;
    }
  }

  fieldInput(fact, name, type) {
    const label = document.createElement('label');
    const caption = document.createElement('span');
    caption.textContent = t(`review.field.${name}`);
    const input = document.createElement('input');
    input.type = type;
    input.name = name;
    input.id = `edit-${fact.id}-${name}`;
    input.value = fact[name] ?? '';
    if (type === 'number') input.step = 'any';
    input.addEventListener('change', () => {
      const value = input.value.trim();
      fact[name] = value === '' ? null : type === 'number' ? Number(value) : value;
    });
    label.append(caption, input);
    return label;
  }

  candidateSelect(fact) {
    const label = document.createElement('label');
    const caption = document.createElement('span');
    caption.textContent = t('review.ambiguous');
    const select = document.createElement('select');
    select.id = `candidate-${fact.id}`;
    select.className = 'candidate';
    const none = document.createElement('option');
    none.value = '';
    none.textContent = t('review.choose');
    select.append(none);
    for (const c of fact.candidates) {
      const option = document.createElement('option');
      option.value = `${c.kind}:${c.code}`;
      option.textContent = `${c.name} (${c.kind} ${c.code})`;
      select.append(option);
    }
    if (fact.code) select.value = `${fact.kind}:${fact.code}`;
    select.addEventListener('change', () => {
      const [kind, code] = select.value ? select.value.split(':') : [fact.kind, null];
      fact.kind = kind ?? null;
      fact.code = code;
    });
    label.append(caption, select);
    return label;
  }

  focusHighlight(id) {
    for (const m of document.querySelectorAll('#review-article mark.current')) m.classList.remove('current');
    const mark = this.markOf(id);
    if (!mark) return;
    for (const m of document.querySelectorAll('#review-article mark')) {
      if ((m.dataset.facts ?? '').split(' ').includes(id)) m.classList.add('current');
    }
    mark.scrollIntoView({ block: 'center' });
  }

  focusFact(id) {
    for (const f of document.querySelectorAll('.review-fact.current')) f.classList.remove('current');
    const item = $(`fact-${id}`);
    if (!item) return;
    item.classList.add('current');
    item.scrollIntoView({ block: 'nearest' });
    item.focus({ preventScroll: true });
  }

  /** The reviewed draft: the kept facts, their references to rejected ones dropped. */
  reviewed() {
    const gone = new Set(this.rejected);
    let changed = true;
    while (changed) {
      changed = false;
      for (const f of this.draft.facts) {
        if (!gone.has(f.id) && (REQUIRED[f.type] ?? []).some((field) => gone.has(f[field]))) {
          gone.add(f.id);
          changed = true;
        }
      }
    }
    const facts = this.draft.facts.filter((f) => !gone.has(f.id)).map((f) => {
      const copy = { ...f };
      for (const field of OPTIONAL[f.type] ?? []) if (gone.has(copy[field])) copy[field] = null;
      if (f.type === 'contract') copy.territories = (f.territories ?? []).filter((id) => !gone.has(id));
      return copy;
    });
    return { ...this.draft, facts };
  }

  async dataset() {
    const name = $('review-name').value.trim();
    if (!NAME.test(name)) {
      $('review-save-status').textContent = t('review.needName');
      $('review-name').focus();
      return null;
    }
    const answer = await postDraft('/drafts/dataset', JSON.stringify({ draft: this.reviewed(), name }), {
      'Content-Type': 'application/json',
    });
    this.listProblems(answer.problems ?? []);
    return answer;
  }

  listProblems(problems) {
    const items = problems.map((p) => {
      const item = document.createElement('li');
      const where = [p.line ? t('review.line', { line: p.line }) : '', p.field].filter(Boolean).join(', ');
      item.textContent = where ? `${where} : ${p.message}` : p.message;
      return item;
    });
    if (items.length) {
      const head = document.createElement('li');
      head.className = 'head';
      head.textContent = t('review.problems', { n: items.length });
      items.unshift(head);
    }
    $('review-problems').replaceChildren(...items);
  }

  async download() {
    try {
      const answer = await this.dataset();
      if (!answer) return;
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([answer.yaml], { type: 'application/yaml' }));
      link.download = `${answer.name}.yaml`;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
      $('review-save-status').textContent = t('review.downloaded', { name: answer.name });
    } catch (error) {
      this.error(error);
    }
  }

  async save() {
    const token = $('review-token').value.trim();
    if (!token) {
      $('review-save-status').textContent = t('review.needToken');
      $('review-token').focus();
      return;
    }
    try {
      const answer = await this.dataset();
      if (!answer) return;
      const data = await gql(IMPORT, { yaml: answer.yaml, replace: false }, { Authorization: `Bearer ${token}` });
      const result = data.importDataset;
      if (result.__typename === 'DatasetImported') {
        const key = result.changed ? 'review.saved' : 'review.unchanged';
        $('review-save-status').textContent = t(key, { key: result.key, nodes: result.nodes, edges: result.relationships });
        $('review-save-status').dataset.saved = result.key;
      } else {
        $('review-save-status').textContent = t('review.refused', { message: result.message });
        this.listProblems(result.problems);
      }
    } catch (error) {
      this.error(error);
    }
  }
}
