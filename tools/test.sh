#!/usr/bin/env bash
# The test command, from a fresh clone (CI runs exactly this): set up, then the checks of the GitHub
# workflow: notebooks clean, library in sync with them, pyflakes' rules, every notebook's cells (slow ones
# included) leaving every tracked file as it was, each module imported alone, and the docs site in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
# idle OpenMP threads sleep instead of spinning: on a busy 2-core machine spinning made small matrix products
# 20-50x slower
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
start=$(date +%s)
ruff_failed=0
bash tools/setup.sh --browser
export MNIST_NB_OFFLINE=1   # the offline data sources: deterministic tests, here and in CI
bash tools/test_quarto.sh   # how tools/setup.sh gets quarto: every way but a real download, with fakes

# 1. clean + in sync: nbdev-clean and nbdev-export must change nothing (notebooks, the library, the
#    configuration nbdev keeps in sync, and llms.txt, which nbdev-export writes from index.ipynb)
snap() { sha256sum nbs/*.ipynb mnist_nb/*.py pyproject.toml $(ls nbs/llms.txt 2>/dev/null) 2>/dev/null; }
before=$(snap)
.venv/bin/nbdev-clean
.venv/bin/nbdev-export
after=$(snap)
if [ "$before" != "$after" ]; then
  echo "[test] FAIL: nbdev-clean / nbdev-export changed these files (now fixed in your tree; commit them):"
  diff <(echo "$before") <(echo "$after") | grep '^>' | awk '{print "    " $3}'
  exit 1
fi
echo "[test] notebooks clean and library in sync"
# pyflakes' rules (unused imports and names, undefined names): a finding fails the run, at the end, after the rest
if .venv/bin/ruff check --select F --output-format concise mnist_nb tools; then
  echo "[test] ruff check --select F: clean"
else ruff_failed=1; echo "[test] ruff check --select F found problems (above); the other checks go on"; fi

# 2. every notebook, slow cells included; running them must leave every tracked file as it was
tracked() { git ls-files -z 2>/dev/null | xargs -0 sha256sum 2>/dev/null || true; }
before=$(tracked)
nbs=$(ls nbs/*.ipynb | wc -l)
t0=$(date +%s)
if .venv/bin/nbdev-test --flags slow --timing; then
  echo "[test] nbdev-test: $nbs notebooks in $(( $(date +%s) - t0 )) s"
else
  echo "[test] nbdev-test failed"; exit 1
fi
after=$(tracked)
if [ "$before" != "$after" ]; then
  echo "[test] FAIL: running the notebooks' tests changed tracked files:"
  diff <(echo "$before") <(echo "$after") | grep '^>' | awk '{print "    " $3}'
  exit 1
fi
# the library without its notebooks: each module imports alone, in a fresh interpreter (ruff's F rules above
# catch a name that only the notebook defined); the notebooks' own cells run every function
for m in mnist_nb/[a-z]*.py; do
  m=$(basename "$m" .py)
  .venv/bin/python -W ignore::FutureWarning -c "import mnist_nb.$m" \
    || { echo "[test] FAIL: import mnist_nb.$m"; exit 1; }
done
echo "[test] every module of mnist_nb imports on its own"

# 3. the docs site, built by quarto and opened in a real browser
bash tools/docs.sh
.venv/bin/python tools/browser_test.py

if [ "$ruff_failed" = 1 ]; then
  echo "[test] FAIL: ruff check --select F mnist_nb tools (see its findings above)"; exit 1
fi
echo "[test] all checks passed in $(( $(date +%s) - start )) s"
echo "notebooks: $nbs passed, 0 failed"
