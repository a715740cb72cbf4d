#!/usr/bin/env bash
# Build the docs site in _docs/ and README.md from the notebooks' saved outputs (nothing is re-run):
# nbdev's own commands, `nbdev-docs` (quarto renders the site: nbs/_quarto.yml) and `nbdev-readme`.
#   bash tools/docs.sh
# quarto comes from tools/setup.sh (which links the one it found or installed as .venv/bin/quarto).
# nbdev's commands run with the venv's bin/ first on PATH: quarto runs pandoc, and pandoc runs nbdev's
# README filter with the first `python` on PATH, which must be the venv's (it imports fastcore).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[docs] %s\n' "$*"; }
start=$(date +%s)
[ -x .venv/bin/nbdev-docs ] || { say "ERROR: no .venv: run bash tools/setup.sh first"; exit 1; }
export PATH="$PWD/.venv/bin:$PATH"
command -v quarto >/dev/null || { say "ERROR: quarto not found: run bash tools/setup.sh, which installs it"; exit 1; }
say "quarto $(quarto --version) ($(command -v quarto)): nbdev-docs, then nbdev-readme"
# nbdev runs the notebooks' import cells to render show_doc: fastai's import warns about torch.jit.script,
# not ours to fix
export PYTHONWARNINGS="ignore:\`torch.jit.script\` is deprecated:FutureWarning"
nbdev-docs
t_site=$(date +%s)
log=$(nbdev-readme 2>&1) || { echo "$log"; say "ERROR: nbdev-readme failed"; exit 1; }   # quiet unless it fails
n=$(ls _docs/*.html | wc -l)
say "done in $(( $(date +%s) - start )) s (site $(( t_site - start )) s): $n pages in _docs/, README.md"
