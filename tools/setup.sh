#!/usr/bin/env bash
# Set-up shared by the README's commands: Debian packages, a virtual environment in .venv with the
# pinned torch, mnist_nb installed in editable mode with its `dev` extra, and quarto for the docs site
# (tools/quarto.sh finds or installs it; it is linked as .venv/bin/quarto, where tools/docs.sh looks).
# Idempotent and fast on a second run: pip runs again only when pyproject.toml or this file changed.
#   bash tools/setup.sh            # what tools/run.sh needs
#   bash tools/setup.sh --browser  # also Chromium and ChromeDriver, for the docs browser test
set -euo pipefail
cd "$(dirname "$0")/.."

TORCH_PINS="torch==2.14.1 torchvision==0.29.1"
want_browser=0; [ "${1:-}" = "--browser" ] && want_browser=1

say() { printf '[setup] %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------------------
debs="dataset-fashion-mnist"   # Fashion-MNIST's IDX files: the offline source of 00_data
[ $want_browser = 1 ] && debs="$debs chromium chromium-driver"
missing=""
for p in $debs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages:$missing"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    say "WARNING: missing Debian packages:$missing, and this user cannot install them."
    say "  Install them with: sudo apt-get install$missing"
    say "  (without dataset-fashion-mnist, Fashion-MNIST needs internet for torchvision's download;"
    say "   without chromium/chromium-driver the docs browser test cannot run)"
  fi
fi

# --- Python environment ----------------------------------------------------------------------------
PY=""
for c in "${PYTHON:-}" python3.11 python3.12 python3.13 python3.10 python3; do
  [ -n "$c" ] && command -v "$c" >/dev/null && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
    && PY=$c && break
done
[ -n "$PY" ] || { say "ERROR: mnist_nb needs Python >= 3.10 (set PYTHON=/path/to/python)"; exit 1; }

stamp=.venv/.mnist_nb-setup
want=$( (cat pyproject.toml tools/setup.sh; echo "$TORCH_PINS") | sha256sum | cut -d' ' -f1)
pipq() {  # pip install, without the noise of this machine's local-index notices; fails when pip fails
  set +e; .venv/bin/python -m pip install -q --disable-pip-version-check "$@" 2>&1 \
    | grep -v 'is ignored: it is neither a file nor a directory'
  local rc=${PIPESTATUS[0]}; set -e; return "$rc"; }
python_env() {
  [ -x .venv/bin/python ] || { say "creating .venv with $($PY --version)"; "$PY" -m venv .venv; }
  say "installing $TORCH_PINS"
  pipq $TORCH_PINS
  say "installing mnist_nb and its dev extra (editable)"
  pipq -e ".[dev]" $TORCH_PINS
  .venv/bin/python -c "import torch, torchvision, fastai, nbdev, mnist_nb" \
    || { say "ERROR: the environment did not install cleanly (see pip's messages above)"; exit 1; }
  .venv/bin/python -c "import torch, torchvision, fastai; print('[setup] torch', torch.__version__,
    '| torchvision', torchvision.__version__, '| fastai', fastai.__version__)"
  echo "$want" > "$stamp"
}
if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  say "Python environment up to date (.venv)"
else python_env; fi

# --- quarto, for the docs site -----------------------------------------------------------------------------
q=$(bash tools/quarto.sh) || { say "ERROR: no quarto for the docs site (see the messages above)"; exit 1; }
[ "$q" -ef .venv/bin/quarto ] || ln -sfn "$q" .venv/bin/quarto
say "quarto $(.venv/bin/quarto --version) for the docs: .venv/bin/quarto -> $q"
