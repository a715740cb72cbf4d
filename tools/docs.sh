#!/usr/bin/env bash
# Build the docs site in _docs/ and README.md from the notebooks' saved outputs (nothing is re-run).
#   bash tools/docs.sh
# With quarto on PATH this is exactly `nbdev-docs` (the GitHub Pages workflow's command), then `nbdev-readme`.
# Without quarto (it cannot be installed on every machine), the same notebooks, processed by nbdev
# (nbdev.serve.proc_nbs, as nbdev-docs does before quarto), are rendered by Sphinx: tools/docs_sphinx.py.
# DOCS_RENDERER=sphinx forces the Sphinx path even where quarto is installed.
#
# Why Sphinx + myst-nb + sphinx-book-theme (Jupyter Book 1's stack) rather than mkdocs-material + mkdocs-jupyter:
#  - what readers get, out of the box and offline: full-text search that also lists API entries (our show_doc
#    entries become Sphinx Python objects, so `mnist_loss` is found as a function and the result lands on it),
#    a sidebar in notebook order, a table of contents per page, copy buttons (sphinx-copybutton), a phone
#    layout whose menu folds behind a button, repository and "open an issue" buttons, real cross-references;
#  - myst-nb renders notebooks natively (Markdown cells as MyST, outputs by MIME type) without executing them;
#  - it is maintained for the long run by the Sphinx and Executable Books projects; Material for MkDocs has
#    announced its end of life (May 2027), and MkDocs 1.x itself is barely maintained;
#  - everything installs with pip (the `dev` extra) and builds offline: no CDN, no Node.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[docs] %s\n' "$*"; }
start=$(date +%s)
renderer=${DOCS_RENDERER:-auto}
if [ "$renderer" = auto ]; then
  if command -v quarto >/dev/null 2>&1; then renderer=quarto; else renderer=sphinx; fi
fi
case "$renderer" in
  quarto)
    say "renderer: quarto $(quarto --version) (found at $(command -v quarto)): nbdev-docs, then nbdev-readme"
    .venv/bin/nbdev-docs
    .venv/bin/nbdev-readme
    ;;
  sphinx)
    say "renderer: Sphinx $(.venv/bin/python -c 'import sphinx; print(sphinx.__version__)') with myst-nb and sphinx-book-theme (quarto is not installed, so nbdev-docs cannot run here)"
    say "  with quarto installed (https://quarto.org/docs/get-started/), this runs nbdev-docs, as the deploy workflow does"
    # nbdev runs the notebooks' import cells to render show_doc: fastai's import warns about torch.jit.script, which is not ours to fix
    PYTHONWARNINGS="ignore:\`torch.jit.script\` is deprecated:FutureWarning" .venv/bin/python tools/docs_sphinx.py
    ;;
  *) say "ERROR: DOCS_RENDERER must be quarto or sphinx, not '$renderer'"; exit 2 ;;
esac
n=$(ls _docs/*.html 2>/dev/null | wc -l)
say "done in $(( $(date +%s) - start )) s: $n pages in _docs/ and README.md, rendered by $renderer"
