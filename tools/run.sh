#!/usr/bin/env bash
# The main job, from a fresh clone: set up, export the library from the notebooks, execute every
# notebook in a real Jupyter kernel (refreshing the outputs the docs show), clean them, build the docs.
#   bash tools/run.sh               # every notebook
#   bash tools/run.sh 03_linear     # only the notebooks whose name contains this
set -euo pipefail
cd "$(dirname "$0")/.."
# idle OpenMP threads sleep instead of spinning: on a busy 2-core machine spinning made small matrix products
# 20-50x slower
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
start=$(date +%s)
# the offline sources unless told otherwise (MNIST_NB_OFFLINE=0): the same images as the downloads, and the pages
# show the chapter, not whether the machine that ran them could reach the download servers
export MNIST_NB_OFFLINE=${MNIST_NB_OFFLINE:-1}
bash tools/setup.sh
.venv/bin/nbdev-export
sel=()  # the notebooks to run: all of nbs/ in name order (index and benchmark after 07, whose results they show),
        # or those named
for nb in nbs/*.ipynb; do
  name=$(basename "$nb"); [ $# -eq 0 ] && { sel+=("$nb"); continue; }
  for a in "$@"; do [[ $name == *"$a"* ]] && { sel+=("$nb"); break; }; done
done
[ ${#sel[@]} -gt 0 ] || { echo "[run] no notebook in nbs/ matches: $*"; exit 1; }
for nb in "${sel[@]}"; do   # nbclient's `jupyter execute`: a real kernel, in the notebook's folder,
                            # outputs saved in place
  t0=$(date +%s)
  if ! .venv/bin/jupyter execute --inplace --timeout=1800 "$nb" > .run.log 2>&1; then
    tail -40 .run.log; echo "[run] $nb failed (its outputs were not saved)"; exit 1
  fi
  echo "[run] $nb: $(( $(date +%s) - t0 )) s"
done
.venv/bin/nbdev-clean
.venv/bin/nbdev-export
bash tools/docs.sh
rm -f .run.log
echo "[run] done in $(( $(date +%s) - start )) s"
