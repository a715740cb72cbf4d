#!/usr/bin/env bash
# The main job, from a fresh clone: set up, export the library from the notebooks, execute every
# notebook in a real Jupyter kernel (refreshing the outputs the docs show), clean them, build the docs.
#   bash tools/run.sh               # every notebook
#   bash tools/run.sh 03_linear     # only the notebooks whose name contains this
set -euo pipefail
cd "$(dirname "$0")/.."
# idle OpenMP threads sleep instead of spinning: on a busy 2-core machine spinning made small matrix products 20-50x slower
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
start=$(date +%s)
bash tools/setup.sh
.venv/bin/nbdev-export
.venv/bin/python tools/run_nbs.py "$@"
.venv/bin/nbdev-clean
.venv/bin/nbdev-export
bash tools/docs.sh
echo "[run] done in $(( $(date +%s) - start )) s"
