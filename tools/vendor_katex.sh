#!/usr/bin/env bash
# Write nbs/assets/katex/: the KaTeX files the site serves itself, so that formulas render with no CDN
# (nbs/_quarto.yml points quarto's `html-math-method` at them). Run it again only to change the version.
#   bash tools/vendor_katex.sh
# From npm's tarball of katex at the pinned version, checked against npm's published integrity:
# katex.min.js, katex.min.css, the woff2 fonts (every browser that runs the site's scripts reads woff2;
# the .woff/.ttf fallbacks the CSS also names are never requested by them) and the MIT licence.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=0.19.1
INTEGRITY=sha512-jG8uKntjSEcm2EpQOh0XturpPuuC9r3Sq5HLHdsFdWZT27E672SF19QEi+of0/YeOy15lDgRhKvr5614uRrEfA==
dest=nbs/assets/katex
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "katex@$VERSION" >/dev/null)
tgz=$tmp/katex-$VERSION.tgz
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
[ "$got" = "$INTEGRITY" ] || { echo "[katex] integrity mismatch: $got, expected $INTEGRITY"; exit 1; }
tar -xzf "$tgz" -C "$tmp"
rm -rf "$dest"; mkdir -p "$dest/fonts"
cp "$tmp/package/dist/katex.min.js" "$tmp/package/dist/katex.min.css" "$dest/"
cp "$tmp/package/dist/fonts/"*.woff2 "$dest/fonts/"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
echo "katex $VERSION (npm, $INTEGRITY)" > "$dest/VERSION"
echo "[katex] $VERSION written to $dest: $(du -sh "$dest" | cut -f1)"
