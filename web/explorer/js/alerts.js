// Errors and notices shown to the user in one live region at the top of the page.
import { t } from './i18n.js';

const region = () => document.getElementById('alerts');

export function showError(error) {
  const message = error?.message ?? String(error);
  show(message, 'error');
}

export function showNotice(message) {
  show(message, 'notice');
}

function show(message, kind) {
  // the same failure reported by two requests of one action is shown once
  for (const shown of region().children) {
    if (shown.dataset.kind === kind && shown.dataset.message === message) return;
  }
  const box = document.createElement('div');
  box.dataset.kind = kind;
  box.dataset.message = message;
  box.className = `alert alert-${kind}`;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const text = document.createElement('p');
  if (kind === 'error') {
    const strong = document.createElement('strong');
    strong.textContent = t('error.title');
    text.append(strong, ' — ');
  }
  text.append(message);
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'alert-close';
  close.textContent = '×';
  close.setAttribute('aria-label', t('error.dismiss'));
  close.addEventListener('click', () => box.remove());
  box.append(text, close);
  region().append(box);
  if (kind === 'notice') setTimeout(() => box.remove(), 6000);
}
