#!/usr/bin/env bash
# Regenerate the hash-pinned locks from pyproject.toml (universal: any OS, Python >= 3.11).
# The locks record versions and sha256 hashes only: no index or download URLs.
set -euo pipefail
cd "$(dirname "$0")/.."
common=(--universal --python-version 3.11 --generate-hashes --no-header --quiet)
printf 'hatchling\neditables\n' > /tmp/fw-build.in
uv pip compile pyproject.toml /tmp/fw-build.in "${common[@]}" -o requirements.lock
printf 'hatchling\neditables\n' > /tmp/fw-build.in
uv pip compile pyproject.toml /tmp/fw-build.in --extra test --extra dev "${common[@]}" \
  -o requirements-dev.lock
if grep -nE 'https?://|--index-url|--extra-index-url|--find-links|file://' requirements*.lock; then
  echo "a lock records a URL: refusing" >&2
  exit 1
fi
