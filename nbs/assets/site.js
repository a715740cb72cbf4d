// mnist_nb's few additions to the quarto site (nbs/_quarto.yml includes this script on every page).
// Long epoch tables (more than 12 epochs) show their first and last epochs; a button in the table shows the rest.
(function () {
  'use strict';
  const MAX_ROWS = 12, HEAD = 3, TAIL = 3;
  function foldEpochTable(table) {
    const first = table.querySelector('thead th, tr th, tr td');
    const rows = Array.from(table.querySelectorAll('tbody tr'));
    if (!first || first.textContent.trim() !== 'epoch' || rows.length <= MAX_ROWS) return;
    const hidden = rows.slice(HEAD, rows.length - TAIL);
    hidden.forEach(r => { r.hidden = true; });
    const gap = document.createElement('tr'), cell = document.createElement('td'), btn = document.createElement('button');
    cell.colSpan = rows[0].children.length;
    btn.type = 'button'; btn.className = 'epochs-toggle';
    btn.textContent = `⋯ ${hidden.length} more epochs: show them`;
    btn.addEventListener('click', () => { hidden.forEach(r => { r.hidden = false; }); gap.remove(); });
    cell.append(btn); gap.className = 'epochs-folded'; gap.append(cell);
    rows[HEAD].before(gap);
  }
  function start() { document.querySelectorAll('main table').forEach(foldEpochTable); }
  window.mnistNbSite = {foldEpochTable};   // for the browser test (tools/browser_test.py)
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
