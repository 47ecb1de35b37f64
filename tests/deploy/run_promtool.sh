#!/usr/bin/env bash
# Runs the real promtool (Debian package prometheus), failing clearly when it is missing.
set -euo pipefail
if ! command -v promtool >/dev/null; then
  echo "FAIL: promtool not found: run scripts/setup (it installs the Debian package prometheus)" >&2
  exit 1
fi
exec promtool "$@"
