#!/usr/bin/env bash
# Install Debian's chromium for the desk's browser tests when it is missing. Playwright
# drives this binary; nothing downloads a browser of its own.
set -u
command -v chromium >/dev/null 2>&1 && exit 0
log=$(mktemp)
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
