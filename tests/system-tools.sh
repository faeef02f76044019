#!/usr/bin/env bash
# Runs before `npm test`: the Debian tools the tests use as independent checkers or drivers —
# chromium (browser tests), pdfsig and pdftoppm (poppler-utils: signed receipts), unzip (exports and
# packages), openssl (throw-away signing certificates), postgresql (the PostgreSQL tests start a temporary
# cluster of their own with its initdb and pg_ctl). Installed with apt-get when missing and allowed (root, as
# on CI and this project's machines); otherwise says what to install, and the tests that need a missing tool
# fail naming it.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
{ command -v pdfsig >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; } || missing+=(poppler-utils)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing test tools from Debian: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null && exit 0
  echo "apt-get could not install: ${missing[*]}" >&2
else
  echo "Missing test tools: ${missing[*]} — install them with: sudo apt-get install ${missing[*]}" >&2
fi
exit 0
