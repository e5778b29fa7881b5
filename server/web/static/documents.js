import { restoreToken, withToken } from './token.js';

// Documents page: the list refreshes itself while a document is queued or processing, and the
// form posts the document as JSON to POST /documents (with the API token when one is set).
const body = () => document.getElementById('documents-body');
const note = document.getElementById('refresh-note');
const pending = () => body()?.querySelector('tr[data-status="queued"], tr[data-status="processing"]') !== null;

async function refresh() {
  const res = await fetch(location.href, { headers: { Accept: 'text/html' } });
  if (!res.ok) return;
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  // The pager too: its count ("1–7 of 7") changes with every document added.
  for (const id of ['documents-body', 'summary', 'documents-pager']) {
    const fresh = doc.getElementById(id);
    const old = document.getElementById(id);
    if (fresh && old) old.replaceWith(fresh);
  }
  if (note) note.textContent = `refreshed ${new Date().toLocaleTimeString()}`;
}

let timer;
function schedule() {
  clearTimeout(timer);
  if (pending()) timer = setTimeout(() => refresh().finally(schedule), 3000);
}
schedule();

const form = document.getElementById('add-document');
const result = document.getElementById('add-result');
const tokenInput = form?.elements.namedItem('token');
restoreToken(tokenInput);

form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const field = (name) => form.elements.namedItem(name)?.value.trim() ?? '';
  const body = {};
  const file = form.elements.namedItem('file').files[0];
  if (file) {
    body.text = await file.text();
    body.file_name = file.name;
  } else {
    body.text = form.elements.namedItem('text').value;
  }
  if (!body.text.trim()) {
    result.textContent = 'Paste a text or choose a file.';
    return;
  }
  for (const name of ['source', 'title', 'actor', 'actor_type', 'date', 'url', 'language', 'kind']) if (field(name)) body[name] = field(name);
  const headers = withToken(tokenInput, { 'Content-Type': 'application/json' });
  result.textContent = 'sending…';
  const res = await fetch('/documents', { method: 'POST', headers, body: JSON.stringify(body) });
  const answer = await res.json().catch(() => ({}));
  if (res.status === 201 || res.status === 200) {
    const dup = res.status === 200 ? ' (already stored)' : '';
    result.textContent = `Document ${answer.id}${dup}: ${answer.status}.`;
    result.className = 'notice';
    await refresh();
    schedule();
  } else {
    result.textContent = `Not added (${res.status}): ${answer.error ?? res.statusText}`;
    result.className = 'notice error';
  }
});
