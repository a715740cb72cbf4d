#!/usr/bin/env bash
# Find quarto for the docs site, or install it; print the path of the quarto to use (messages go to stderr).
#   bash tools/quarto.sh          # tools/setup.sh runs it and links the result as .venv/bin/quarto
# In this order:
#   1. `quarto` on PATH, if it runs;
#   2. the copy this project installed earlier, in .quarto-cli/ (git-ignored);
#   3. where ../shared/quarto/install.sh exists (machines without internet: quarto 1.7.34 from its source, with
#      its tools from npm and PyPI), install with it into .quarto-cli/;
#   4. with internet, quarto's official release $QUARTO_VERSION for Linux (x86_64 or arm64) from GitHub, its
#      SHA-256 checked against the one pinned below before anything is unpacked, into .quarto-cli/;
#   5. else stop with a message that says how to install quarto.
# The pinned checksums could not be checked against a download on the machines this project is developed on
# (they reach no GitHub release): they are the ones nixpkgs and Homebrew's quarto-cli formula record for the
# release tarballs of 1.7.34 (amd64: both; arm64: Homebrew's). tools/test_quarto.sh tests every path but a
# real download. Other systems (macOS, Windows): install quarto yourself (https://quarto.org) and put it on PATH.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
QUARTO_VERSION=1.7.34
QUARTO_SHA256_amd64=dd6b030a44b963d01f94b9696bacba71afc3178eb6d51a9cc105332b77ea6b9a
QUARTO_SHA256_arm64=6daf567c7a9eed2f72b6fef7c86ce9552ead5651dcde28fa5f70fa92729a10a8
QUARTO_RELEASES=https://github.com/quarto-dev/quarto-cli/releases/download
QDIR=$ROOT/.quarto-cli                        # the project's own copy
SHARED_INSTALL=$ROOT/../shared/quarto/install.sh
OS=${OS:-$(uname -s)}
ARCH=${ARCH:-$(uname -m)}

qsay() { printf '[quarto] %s\n' "$*" >&2; }

runs() {  # the version of quarto at $1 if it runs, else nothing (and status 1)
  local v
  v=$("$1" --version 2>/dev/null | head -1) || return 1
  [ -n "$v" ] && printf '%s' "$v"
}

on_path() {  # a quarto on PATH that runs; our own link in .venv/bin counts only if it still points somewhere that runs
  local q
  q=$(command -v quarto 2>/dev/null) || return 1
  runs "$q" >/dev/null || { qsay "quarto on PATH ($q) does not run: skipped"; return 1; }
  printf '%s' "$q"
}

project_copy() {  # the copy installed earlier in .quarto-cli/
  [ -x "$QDIR/bin/quarto" ] && runs "$QDIR/bin/quarto" >/dev/null && printf '%s' "$QDIR/bin/quarto"
}

from_shared() {  # install with ../shared/quarto/install.sh into .quarto-cli/
  [ -f "$SHARED_INSTALL" ] || return 1
  qsay "installing quarto with $SHARED_INSTALL into ${QDIR#"$ROOT"/} (no download from quarto.org needed)"
  rm -rf "$QDIR"
  if bash "$SHARED_INSTALL" "$QDIR" >&2 && project_copy; then return 0; fi
  qsay "$SHARED_INSTALL failed"; rm -rf "$QDIR"; return 1
}

fetch() {  # download $1 to $2, with a time limit
  if command -v curl >/dev/null; then curl -fsSL --retry 2 --connect-timeout 20 --max-time 900 -o "$2" "$1"
  elif command -v wget >/dev/null; then wget -q --timeout=20 --tries=2 -O "$2" "$1"
  else python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$1" "$2"; fi
}

official() {  # quarto's release tarball for Linux, checksum checked, into .quarto-cli/
  local arch want tgz tmp got
  [ "$OS" = Linux ] || { qsay "no pinned quarto download for $OS"; return 1; }
  case "$ARCH" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;;
    *) qsay "no pinned quarto download for $ARCH"; return 1 ;; esac
  want=QUARTO_SHA256_$arch; want=${!want}
  tgz=quarto-$QUARTO_VERSION-linux-$arch.tar.gz
  tmp=$(mktemp -d "$ROOT/.quarto-download.XXXXXX")
  qsay "downloading $tgz from $QUARTO_RELEASES/v$QUARTO_VERSION/"
  if ! fetch "$QUARTO_RELEASES/v$QUARTO_VERSION/$tgz" "$tmp/$tgz"; then
    qsay "the download failed (no internet?)"; rm -rf "$tmp"; return 1
  fi
  got=$(sha256sum "$tmp/$tgz" | cut -d' ' -f1)
  if [ "$got" != "$want" ]; then
    qsay "REFUSED: $tgz has SHA-256 $got, the pinned one is $want: not unpacked"; rm -rf "$tmp"; return 1
  fi
  mkdir "$tmp/q" && tar -xzf "$tmp/$tgz" -C "$tmp/q" --strip-components=1 --no-same-owner
  if [ "$(runs "$tmp/q/bin/quarto")" != "$QUARTO_VERSION" ]; then
    qsay "the unpacked quarto does not report version $QUARTO_VERSION"; rm -rf "$tmp"; return 1
  fi
  rm -rf "$QDIR"; mv "$tmp/q" "$QDIR"; rm -rf "$tmp"
  qsay "quarto $QUARTO_VERSION installed in ${QDIR#"$ROOT"/} (SHA-256 checked)"
  project_copy
}

find_quarto() {  # the path of the quarto to use, installing one if needed; status 1 when there is none
  local q
  if q=$(on_path); then qsay "quarto $(runs "$q") on PATH: $q"; printf '%s\n' "$q"; return 0; fi
  if q=$(project_copy); then
    qsay "quarto $(runs "$q") installed earlier: ${q#"$ROOT"/}"; printf '%s\n' "$q"; return 0
  fi
  if q=$(from_shared) || q=$(official); then printf '%s\n' "$q"; return 0; fi
  qsay "ERROR: no quarto, and none could be installed. The docs site needs quarto $QUARTO_VERSION (or newer):"
  qsay "  install it from https://quarto.org/docs/download/ (macOS: brew install --cask quarto), put it on PATH,"
  qsay "  then run this again; or, on a machine without internet, place the project's shared/ folder beside the"
  qsay "  repository (../shared/quarto/install.sh)."
  return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then find_quarto; fi
