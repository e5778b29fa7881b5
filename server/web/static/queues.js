import { restoreToken, withToken } from './token.js';

// Queue counts for operators: fetched with the API token (when one is set) and drawn as a table.
const box = document.getElementById('queue-counts');
const tokenInput = document.getElementById('queue-token');
restoreToken(tokenInput);
const COLUMNS = ['waiting', 'active', 'delayed', 'waiting-children', 'completed', 'failed'];

function cell(tag, text) {
  const el = document.createElement(tag);
  el.textContent = String(text);
  return el;
}

async function load() {
  const res = await fetch(box.dataset.src, { headers: withToken(tokenInput) });
  const answer = await res.json().catch(() => ({}));
  box.replaceChildren();
  if (!res.ok) {
    const p = cell('p', `Counts not shown (${res.status}): ${answer.error ?? res.statusText}`);
    p.className = 'notice error';
    box.append(p);
    return;
  }
  const table = document.createElement('table');
  table.className = 'data';
  const head = document.createElement('tr');
  for (const c of ['queue', ...COLUMNS]) head.append(cell('th', c));
  table.createTHead().append(head);
  const body = table.createTBody();
  for (const [queue, counts] of Object.entries(answer.queues ?? {})) {
    const row = document.createElement('tr');
    row.append(cell('th', queue));
    for (const c of COLUMNS) row.append(cell('td', counts?.[c] ?? 0));
    body.append(row);
  }
  box.append(table, cell('p', `as of ${new Date().toLocaleTimeString()}`));
}

document.getElementById('queue-token-form')?.addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
if (!tokenInput || tokenInput.value) void load();
