// Filter forms submit on change: the new filters land in the URL (shareable, reloadable).
// Without JavaScript the Apply button does the same.
for (const form of document.querySelectorAll('form[data-autosubmit]')) {
  form.addEventListener('change', (event) => {
    // Typed dates submit on Enter or Apply, not on every keystroke's change event of a half date.
    if (event.target instanceof HTMLInputElement && event.target.type === 'text' && !event.target.checkValidity()) return;
    // Empty fields stay out of the URL.
    for (const el of form.elements) if ((el instanceof HTMLInputElement || el instanceof HTMLSelectElement) && el.name && el.value === '') el.disabled = true;
    form.submit();
  });
  form.addEventListener('submit', () => {
    for (const el of form.elements) if ((el instanceof HTMLInputElement || el instanceof HTMLSelectElement) && el.name && el.value === '') el.disabled = true;
  });
}
