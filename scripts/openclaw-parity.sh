#!/usr/bin/env bash
# OpenClaw manifest parity: OpenClaw 2026.9.6's own manifest loader
# (`loadPluginManifest`) against `clawkit manifest check --json`, over a
# generated corpus (crates/clawkit-manifest/tests/data/openclaw-parity/) and
# every manifest of the repository.
#
# A developer tool, not run by CI: the corpus and OpenClaw's verdicts are
# committed, and `cargo test -p clawkit-manifest` checks clawkit against them
# without Node. This script installs Node 24 and openclaw@2026.9.6 into a cache
# folder on first use (scripts/openclaw-env.sh; OPENCLAW_REF_DIR points at an
# existing install instead).
#
# Usage:
#   scripts/openclaw-parity.sh [compare]   # build clawkit, run both loaders, print every
#                                          # disagreement; exit 1 if there is any
#   scripts/openclaw-parity.sh generate    # rewrite the corpus and OpenClaw's recorded verdicts
#
#   CLAWKIT_BIN   the clawkit binary to judge (default: built with cargo into
#                 ${CARGO_TARGET_DIR:-target}/debug/clawkit)
#
# At the end of `compare`, scripts/openclaw-catalog-parity.mjs (when present)
# runs under the same Node, and its failure fails this script too.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
# shellcheck source=scripts/openclaw-env.sh
source "$here/openclaw-env.sh"

fail() { echo "openclaw-parity: $*" >&2; exit 2; }

cmd="${1:-compare}"
[[ $# -gt 0 ]] && shift
[[ $# -eq 0 ]] || fail "unexpected arguments: $* (usage: openclaw-parity.sh [compare | generate])"

openclaw_env_setup

# OpenClaw reads a few variables at import time; keep the run independent of the caller's.
run_node() { env -u OPENCLAW_VERSION -u npm_package_version OPENCLAW_PKG="$OPENCLAW_PKG" "$OPENCLAW_NODE" "$@"; }

case "$cmd" in
  generate)
    run_node "$here/openclaw-parity.mjs" generate
    ;;
  compare)
    bin="${CLAWKIT_BIN:-}"
    if [[ -z "$bin" ]]; then
      ( cd "$repo" && cargo build -q -p clawkit-cli ) || fail "cargo build -p clawkit-cli failed"
      bin="${CARGO_TARGET_DIR:-$repo/target}/debug/clawkit"
    fi
    [[ -x "$bin" ]] || fail "no clawkit binary at $bin (set CLAWKIT_BIN)"
    status=0
    run_node "$here/openclaw-parity.mjs" compare --clawkit "$bin" || status=$?
    if [[ -f "$here/openclaw-catalog-parity.mjs" ]]; then
      echo "openclaw-parity: running scripts/openclaw-catalog-parity.mjs" >&2
      run_node "$here/openclaw-catalog-parity.mjs" || { s=$?; (( status == 0 )) && status=$s; }
    fi
    exit "$status"
    ;;
  *)
    fail "unknown command $cmd (compare | generate)"
    ;;
esac
