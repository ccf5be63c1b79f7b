#!/usr/bin/env bash
# Prints a SHA-256 digest of every example's rendered outputs (CloudFormation templates, compose files,
# .env.example files and model files) from a fresh `npm run synth`. Run it before and after a change
# that must not alter what users get, and compare the two lists: `diff before.txt after.txt`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm run --silent build
npx cdk synth --quiet --no-notices --output "$out" >/dev/null
cd "$out"
find . -maxdepth 1 -type f \( -name '*.template.json' -o -name '*.compose.yaml' -o -name '*.env.example' \
  -o -name '*.twinstack.json' \) -printf '%f\n' | LC_ALL=C sort | xargs sha256sum
