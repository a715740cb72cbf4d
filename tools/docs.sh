#!/usr/bin/env bash
# Build the docs site in _docs/ and README.md from the notebooks' saved outputs (nothing is re-run).
#   bash tools/docs.sh
# With quarto on PATH this is exactly `nbdev-docs` (the GitHub Pages workflow's command), then `nbdev-readme`.
# Without quarto (it cannot be installed on every machine), the same notebooks, processed by nbdev
# (nbdev.serve.proc_nbs, as nbdev-docs does before quarto), are rendered by nbconvert: tools/docs_nbconvert.py.
# DOCS_RENDERER=nbconvert forces the nbconvert path even where quarto is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[docs] %s\n' "$*"; }
start=$(date +%s)
renderer=${DOCS_RENDERER:-auto}
if [ "$renderer" = auto ]; then
  if command -v quarto >/dev/null 2>&1; then renderer=quarto; else renderer=nbconvert; fi
fi
case "$renderer" in
  quarto)
    say "renderer: quarto $(quarto --version) (found at $(command -v quarto)): nbdev-docs, then nbdev-readme"
    .venv/bin/nbdev-docs
    .venv/bin/nbdev-readme
    ;;
  nbconvert)
    say "renderer: nbconvert (quarto is not installed, so nbdev-docs cannot run here)"
    say "  for the real site, install quarto (https://quarto.org/docs/get-started/ or .venv/bin/nbdev-install-quarto)"
    say "  and run this again: it then runs nbdev-docs"
    .venv/bin/python tools/docs_nbconvert.py
    ;;
  *) say "ERROR: DOCS_RENDERER must be quarto or nbconvert, not '$renderer'"; exit 2 ;;
esac
n=$(ls _docs/*.html 2>/dev/null | wc -l)
say "done in $(( $(date +%s) - start )) s: $n pages in _docs/ and README.md, rendered by $renderer"
