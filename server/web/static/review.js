import { restoreToken, withToken } from './token.js';

// Label review: each item's form sends the reviewer's labels as JSON to POST /ui/review/labels
// (with the API token when one is set); the server writes them to the reviewer's tagging file.
const tokenInput = document.getElementById('review-token');
restoreToken(tokenInput);

for (const form of document.querySelectorAll('form.review-label')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const status = form.querySelector('.saved');
    const labels = {};
    for (const select of form.querySelectorAll('select')) labels[select.name] = select.value;
    const note = form.elements.namedItem('note').value.trim();
    const headers = withToken(tokenInput, { 'Content-Type': 'application/json' });
    status.textContent = 'saving…';
    const body = { set: form.dataset.set, id: form.dataset.id, reviewer: form.dataset.reviewer, labels, ...(note ? { note } : {}) };
    const res = await fetch('/ui/review/labels', { method: 'POST', headers, body: JSON.stringify(body) });
    const answer = await res.json().catch(() => ({}));
    status.textContent = res.ok ? `saved to ${answer.file}` : `not saved (${res.status}): ${answer.error ?? res.statusText}`;
    status.className = res.ok ? 'saved' : 'saved notice error';
  });
}
