#!/usr/bin/env bash
# `npm run docs:check`: regenerate the API reference into a scratch directory and compare it with the
# committed docs/api. Fails, naming the files that differ, when a doc comment or the public API changed
# without `npm run docs`.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
npx typedoc --logLevel Warn --out "$scratch/api"
if ! diff -r -u docs/api "$scratch/api" >"$scratch/diff"; then
  echo "docs/api is stale: run 'npm run docs' and commit the result. Differences:" >&2
  head -n 200 "$scratch/diff" >&2
  exit 1
fi
echo "docs/api is up to date ($(find docs/api -type f | wc -l) files)"
