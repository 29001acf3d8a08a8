// A search box with suggestions as you type (the API's full-text `search`), usable with
// the keyboard as an ARIA combobox: arrows move, Enter picks, Escape closes.
import { gql } from './api.js';
import { kindLabel, t } from './i18n.js';
import { displayLabel } from './graph.js';
import { SEARCH_QUERY, nodeData } from './model.js';

export class SearchBox {
  /**
   * @param input the <input role="combobox">
   * @param listbox the <ul role="listbox"> of suggestions
   * @param onPick called with the chosen hit's raw node
   * @param options {kinds: [SearchKind] | null, onError}
   */
  constructor(input, listbox, onPick, { kinds = null, onError = () => {}, status = null } = {}) {
    Object.assign(this, { input, listbox, onPick, kinds, onError, status });
    this.hits = [];
    this.active = -1;
    this.timer = null;
    this.sequence = 0;
    input.addEventListener('input', () => this.schedule());
    input.addEventListener('keydown', (event) => this.key(event));
    input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    listbox.addEventListener('mousedown', (event) => event.preventDefault());
    listbox.addEventListener('click', (event) => {
      const option = event.target.closest('[role="option"]');
      if (option) this.pick(Number(option.dataset.index));
    });
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), 180);
  }

  async run() {
    this.timer = null;
    const text = this.input.value.trim();
    const mine = ++this.sequence;
    if (text.length < 2) {
      this.hits = [];
      this.close();
      return;
    }
    this.say(t('search.loading'));
    try {
      const data = await gql(SEARCH_QUERY, { text, kinds: this.kinds, first: 12 });
      if (mine !== this.sequence) return; // a newer keystroke has its own request
      this.hits = data.search.map((hit) => hit.node);
      this.render(text);
    } catch (error) {
      if (mine === this.sequence) {
        this.close();
        this.onError(error);
      }
    }
  }

  say(text) {
    if (this.status) this.status.textContent = text;
  }

  render(text) {
    this.listbox.replaceChildren();
    this.active = -1;
    if (this.hits.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = t('search.none', { q: text });
      this.listbox.append(empty);
    }
    this.hits.forEach((raw, index) => {
      const data = nodeData(raw);
      const option = document.createElement('li');
      option.setAttribute('role', 'option');
      option.id = `${this.listbox.id}-${index}`;
      option.dataset.index = index;
      option.setAttribute('aria-selected', 'false');
      const kind = document.createElement('span');
      kind.className = `badge kind-${data.kind}`;
      kind.textContent = kindLabel(data.kind);
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = displayLabel(data);
      option.append(kind, ' ', name);
      const extra = [data.code && data.kind !== 'Commune' ? data.code : null, ...(data.aliases ?? [])].filter(Boolean);
      if (extra.length) {
        const small = document.createElement('span');
        small.className = 'aliases';
        small.textContent = extra.join(' · ');
        option.append(' ', small);
      }
      this.listbox.append(option);
    });
    this.listbox.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.say(this.hits.length ? t('search.results', { n: this.hits.length }) : t('search.none', { q: text }));
  }

  close() {
    this.listbox.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    this.active = -1;
  }

  move(delta) {
    if (this.listbox.hidden || this.hits.length === 0) return;
    this.active = (this.active + delta + this.hits.length) % this.hits.length;
    for (const option of this.listbox.querySelectorAll('[role="option"]')) {
      const on = Number(option.dataset.index) === this.active;
      option.setAttribute('aria-selected', String(on));
      if (on) {
        this.input.setAttribute('aria-activedescendant', option.id);
        option.scrollIntoView({ block: 'nearest' });
      }
    }
  }

  key(event) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (this.listbox.hidden) this.run();
      else this.move(1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      this.move(-1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (!this.listbox.hidden && this.hits.length && this.timer === null) {
        this.pick(Math.max(this.active, 0));
      } else {
        // Enter before the suggestions arrived: search now and take the best hit.
        clearTimeout(this.timer);
        this.timer = null;
        this.run().then(() => this.hits.length && this.pick(0));
      }
    } else if (event.key === 'Escape') {
      this.close();
    }
  }

  pick(index) {
    const raw = this.hits[index];
    // a search still pending or under way must not reopen the list over the page
    clearTimeout(this.timer);
    this.timer = null;
    this.sequence += 1;
    this.close();
    if (raw) this.onPick(raw);
  }
}
