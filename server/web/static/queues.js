import { restoreToken, withToken } from './token.js';

// Queue counts for operators: fetched with the API token (when one is set) and drawn as a table.
const box = document.getElementById('queue-counts');
const tokenInput = document.getElementById('queue-token');
restoreToken(tokenInput);
// The keys of GET /ui/queues/counts (workers/queue-counts.ts), headed as `stance status` heads them.
const COLUMNS = [
  ['waiting', 'waiting'],
  ['active', 'active'],
  ['delayed', 'delayed'],
  ['waiting_children', 'waiting for children'],
  ['completed', 'completed'],
  ['failed', 'failed'],
  ['workers', 'workers'],
];

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
  for (const heading of ['queue', ...COLUMNS.map(([, h]) => h)]) head.append(cell('th', heading));
  table.createTHead().append(head);
  const body = table.createTBody();
  for (const [queue, counts] of Object.entries(answer.queues ?? {})) {
    const row = document.createElement('tr');
    row.append(cell('th', queue));
    for (const [key] of COLUMNS) row.append(cell('td', counts?.[key] ?? 0));
    body.append(row);
  }
  box.append(table, cell('p', `as of ${new Date().toLocaleTimeString()}`));
}

document.getElementById('queue-token-form')?.addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
if (!tokenInput || tokenInput.value) void load();
