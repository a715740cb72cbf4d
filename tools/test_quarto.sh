#!/usr/bin/env bash
# Tests of tools/quarto.sh's choice between its ways to get quarto, with fake quartos, a fake
# ../shared/quarto/install.sh and fake release tarballs served from file:// URLs, in a temporary folder:
# nothing is installed, downloaded or changed in the project. tools/test.sh runs it.
#   bash tools/test_quarto.sh
# The real official download cannot be reached where this project is developed; everything around it is tested:
# a good tarball (checksum and version checked) is unpacked, a wrong checksum is refused before unpacking, a failed
# download, another OS or CPU, a broken quarto on PATH, a failing shared installer each fall through to the next
# way or to the message that says how to install quarto.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); printf '[test_quarto] ok   %s\n' "$1"; }
ko() { fail=$((fail + 1)); printf '[test_quarto] FAIL %s\n' "$1"; sed 's/^/      /' "$T/err" | tail -8; }

fake_quarto() {  # fake_quarto PATH VERSION: an executable that reports VERSION
  mkdir -p "$(dirname "$1")"
  printf '#!/bin/sh\n[ "$1" = --version ] && echo %s\n' "$2" > "$1"; chmod +x "$1"
}

# each case runs in a fresh project folder $P (with its own ../shared), PATH without any real quarto
case_env() {
  P=$T/case$RANDOM/project; mkdir -p "$P/tools" "$T/bin0"
  cp "$HERE/quarto.sh" "$P/tools/"
  for t in bash sh cat head cut rm mkdir mktemp mv tar gzip sha256sum curl dirname uname chmod sed; do
    [ -e "$T/bin0/$t" ] || ln -s "$(command -v $t)" "$T/bin0/$t"
  done
  CASE_PATH=$T/bin0
}
run() {  # run quarto.sh in $P with extra settings ("NAME=value ..."), PATH=$CASE_PATH; stdout -> $T/out
  ( cd "$P" && env -i HOME="$T" PATH="$CASE_PATH" "$@" bash -c 'source tools/quarto.sh; '"${BODY:-find_quarto}" ) \
    >"$T/out" 2>"$T/err"
}
tarball() {  # tarball FILE VERSION: a fake release tarball (quarto-X/bin/quarto)
  local d=$T/tb$RANDOM/quarto-$2; fake_quarto "$d/bin/quarto" "$2"
  tar -czf "$1" -C "$(dirname "$d")" "quarto-$2"
}

# 1. quarto on PATH wins, and nothing is installed
case_env; fake_quarto "$T/onpath/quarto" 1.7.34; CASE_PATH=$T/onpath:$CASE_PATH
run && [ "$(cat "$T/out")" = "$T/onpath/quarto" ] && [ ! -e "$P/.quarto-cli" ] \
  && ok "quarto on PATH is used" || ko "quarto on PATH is used"

# 2. a quarto on PATH that does not run is skipped for the project's own copy
case_env; mkdir -p "$T/broken"; printf '#!/bin/sh\nexit 3\n' > "$T/broken/quarto"; chmod +x "$T/broken/quarto"
CASE_PATH=$T/broken:$CASE_PATH; fake_quarto "$P/.quarto-cli/bin/quarto" 1.7.34
run && [ "$(cat "$T/out")" = "$P/.quarto-cli/bin/quarto" ] && grep -q 'does not run' "$T/err" \
  && ok "a broken quarto on PATH is skipped; the copy installed earlier is used" || ko "broken quarto on PATH"

# 3. no quarto anywhere, ../shared/quarto/install.sh present: it installs into .quarto-cli/
case_env; mkdir -p "$P/../shared/quarto"
fmt='#!/bin/bash\necho "installing into $1" >&2\nmkdir -p "$1/bin"\n'
fmt+='printf "#!/bin/sh\\necho 1.7.34\\n" > "$1/bin/quarto"; chmod +x "$1/bin/quarto"\necho "$1" > "%s/shared-called"\n'
printf "$fmt" "$T" > "$P/../shared/quarto/install.sh"
run && [ "$(cat "$T/out")" = "$P/.quarto-cli/bin/quarto" ] && [ "$(cat "$T/shared-called")" = "$P/.quarto-cli" ] \
  && ok "../shared/quarto/install.sh installs into .quarto-cli/" || ko "../shared/quarto/install.sh"

# 4. a second run finds that copy and does not install again
rm -f "$T/shared-called"
run && [ "$(cat "$T/out")" = "$P/.quarto-cli/bin/quarto" ] && [ ! -e "$T/shared-called" ] \
  && ok "a second run uses the copy installed earlier" || ko "second run"

# 5. the official download: a good tarball, its checksum pinned, is unpacked into .quarto-cli/
case_env; mkdir -p "$T/rel/v1.7.34"; tarball "$T/rel/v1.7.34/quarto-1.7.34-linux-amd64.tar.gz" 1.7.34
sum=$(sha256sum "$T/rel/v1.7.34/quarto-1.7.34-linux-amd64.tar.gz" | cut -d' ' -f1)
BODY="QUARTO_RELEASES=file://$T/rel QUARTO_SHA256_amd64=$sum; find_quarto" run OS=Linux ARCH=x86_64 \
  && [ "$(cat "$T/out")" = "$P/.quarto-cli/bin/quarto" ] && [ "$("$P/.quarto-cli/bin/quarto" --version)" = 1.7.34 ] \
  && ! ls -d "$P"/.quarto-download.* >/dev/null 2>&1 \
  && ok "the official tarball, checksum checked, is unpacked into .quarto-cli/" || ko "official download"

# 6. a tarball whose checksum is not the pinned one is refused, and nothing is unpacked
case_env
BODY="QUARTO_RELEASES=file://$T/rel; find_quarto" run OS=Linux ARCH=x86_64
[ $? -ne 0 ] && grep -q 'REFUSED' "$T/err" && grep -q 'how to install\|quarto.org' "$T/err" \
  && [ ! -e "$P/.quarto-cli" ] && ! ls -d "$P"/.quarto-download.* >/dev/null 2>&1 \
  && ok "a checksum mismatch is refused before unpacking (with the pinned real checksum)" || ko "checksum mismatch"

# 7. the pinned checksum of the real release is what is compared: a tarball matching it is accepted
grep -q '^QUARTO_SHA256_amd64=dd6b030a44b963d01f94b9696bacba71afc3178eb6d51a9cc105332b77ea6b9a$' "$HERE/quarto.sh" \
  && grep -q '^QUARTO_VERSION=1.7.34$' "$HERE/quarto.sh" && ok "1.7.34 and its amd64 checksum are pinned" || ko "pins"

# 8. a tarball of another version, even with a matching checksum, is refused
case_env; mkdir -p "$T/rel2/v1.7.34"; tarball "$T/rel2/v1.7.34/quarto-1.7.34-linux-arm64.tar.gz" 1.6.0
sum=$(sha256sum "$T/rel2/v1.7.34/quarto-1.7.34-linux-arm64.tar.gz" | cut -d' ' -f1)
BODY="QUARTO_RELEASES=file://$T/rel2 QUARTO_SHA256_arm64=$sum; find_quarto" run OS=Linux ARCH=aarch64
[ $? -ne 0 ] && grep -q 'does not report version 1.7.34' "$T/err" && [ ! -e "$P/.quarto-cli" ] \
  && ok "an unpacked quarto of another version is refused (arm64 path)" || ko "wrong version"

# 9. no network: the download fails and the message says how to install quarto
case_env
BODY="QUARTO_RELEASES=file://$T/nowhere; find_quarto" run OS=Linux ARCH=x86_64
[ $? -ne 0 ] && grep -q 'download failed' "$T/err" && grep -q 'https://quarto.org/docs/download/' "$T/err" \
  && ok "a failed download ends with how to install quarto" || ko "failed download"

# 10. another system: no download attempted, the message says how to install quarto
case_env
run OS=Darwin ARCH=arm64
[ $? -ne 0 ] && grep -q 'no pinned quarto download for Darwin' "$T/err" \
  && grep -q 'brew install --cask quarto' "$T/err" \
  && ok "macOS: pointed to quarto.org / Homebrew" || ko "other OS"
case_env
run OS=Linux ARCH=riscv64
[ $? -ne 0 ] && grep -q 'no pinned quarto download for riscv64' "$T/err" \
  && ok "an unknown CPU: no download" || ko "other CPU"

# 11. a shared installer that fails is reported, and the next way is tried
case_env; mkdir -p "$P/../shared/quarto"
printf '#!/bin/bash\necho boom >&2\nexit 7\n' > "$P/../shared/quarto/install.sh"
BODY="QUARTO_RELEASES=file://$T/nowhere; find_quarto" run OS=Linux ARCH=x86_64
[ $? -ne 0 ] && grep -q 'install.sh failed' "$T/err" && grep -q 'download failed' "$T/err" \
  && [ ! -e "$P/.quarto-cli" ] \
  && ok "a failing shared installer falls through to the download" || ko "failing shared installer"

# 12. run as a script, it prints only the path on stdout
case_env; fake_quarto "$T/onpath2/quarto" 1.8.1
( cd "$P" && env -i HOME="$T" PATH="$T/onpath2:$CASE_PATH" bash tools/quarto.sh ) >"$T/out" 2>"$T/err" \
  && [ "$(cat "$T/out")" = "$T/onpath2/quarto" ] && grep -q 'quarto 1.8.1 on PATH' "$T/err" \
  && ok "as a script: the path on stdout, the story on stderr" || ko "script output"

echo "[test_quarto] $pass passed, $fail failed"
[ "$fail" -eq 0 ]
