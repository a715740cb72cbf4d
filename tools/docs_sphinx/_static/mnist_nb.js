// sphinx-book-theme 1.4 shows its own menu buttons, but pydata-sphinx-theme 0.20 binds only the first
// `.primary-toggle` / `.secondary-toggle` of the page (a hidden header button): forward the visible ones to it.
document.addEventListener('DOMContentLoaded', () => {
  for (const sel of ['.primary-toggle', '.secondary-toggle']) {
    const [first, ...rest] = document.querySelectorAll(sel);
    rest.forEach(b => b.addEventListener('click', e => { e.preventDefault(); e.stopPropagation(); first.click(); }));
  }
});
