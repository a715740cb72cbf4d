#!/usr/bin/env bash
# The test command, from a fresh clone (CI runs exactly this): set up, then the checks of the GitHub
# workflow: notebooks clean, library in sync with them, every notebook's cells (slow ones included).
set -euo pipefail
cd "$(dirname "$0")/.."
# idle OpenMP threads sleep instead of spinning: on a busy 2-core machine spinning made small matrix products 20-50x slower
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
start=$(date +%s)
bash tools/setup.sh --browser
export MNIST_NB_OFFLINE=1   # the offline data sources: deterministic tests, here and in CI

# 1. clean + in sync: nbdev-clean and nbdev-export must change nothing
snap() { sha256sum nbs/*.ipynb mnist_nb/*.py 2>/dev/null; }
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

# 2. every notebook, slow cells included
nbs=$(ls nbs/*.ipynb | wc -l)
t0=$(date +%s)
if .venv/bin/nbdev-test --flags slow --timing; then
  echo "[test] nbdev-test: $nbs notebooks in $(( $(date +%s) - t0 )) s"
else
  echo "[test] nbdev-test failed"; exit 1
fi
.venv/bin/python tools/library_test.py   # each module imported and run with no notebook around it

# 3. the docs site, built and opened in a real browser
bash tools/docs.sh
.venv/bin/python tools/browser_test.py

echo "[test] all checks passed in $(( $(date +%s) - start )) s"
echo "notebooks: $nbs passed, 0 failed"
