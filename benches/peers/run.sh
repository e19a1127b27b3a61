#!/usr/bin/env bash
# Every client of the peer benchmark in one run: builds the Rust bins
# (release), installs Node 24 the way scripts/openclaw-env.sh does (its own
# function, into its cache folder) and @openclaw/ai from node/package-lock.json,
# then runs peers-all, which starts the external loopback server and runs
# every client, interleaved, over several rounds.
#
#   benches/peers/run.sh [--rounds R] [--requests N] [--warmup W]
#
# Honours CARGO_TARGET_DIR. Needs npm on PATH and the npm registry once.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

# shellcheck source=../../scripts/openclaw-env.sh
source "$repo/scripts/openclaw-env.sh"
openclaw_env_setup
node_bin="$(dirname "$OPENCLAW_NODE")"

want="$(cd "$here/node" && "$OPENCLAW_NODE" -p "require('./package.json').dependencies['@openclaw/ai']")"
have="$(cd "$here/node" && "$OPENCLAW_NODE" -p "try { require('./node_modules/@openclaw/ai/package.json').version } catch { '' }")"
if [[ "$have" != "$want" ]]; then
  echo "run.sh: installing @openclaw/ai@$want into $here/node/node_modules" >&2
  (cd "$here/node" && PATH="$node_bin:$PATH" npm ci --ignore-scripts --no-audit --no-fund --silent)
fi

cd "$here"
cargo build --release --bins
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(rustc --version), node $("$OPENCLAW_NODE" --version)" >&2
echo "load: $(uptime)" >&2
cargo run --release --quiet --bin peers-all -- --node "$OPENCLAW_NODE" "$@"
