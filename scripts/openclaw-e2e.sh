#!/usr/bin/env bash
# The highest check clawkit has: a Rust plugin packed with `clawkit pack`,
# installed into the real OpenClaw 2026.9.6 and running a local agent turn.
#
#   1. installs Node 24 and openclaw@2026.9.6 into a cache folder (once; see
#      scripts/openclaw-env.sh), builds acme-ai's own command line and packs
#      acme-ai (`acme-cli pack`);
#   2. starts a scripted OpenAI-compatible upstream on 127.0.0.1 and installs
#      the package into a throwaway HOME (`openclaw plugins install`);
#   3. runs `openclaw agent --local --model acme-ai/acme-large --message
#      "put it in the red basket" --json` with ACME_AI_BASE_URL pointing the
#      sidecar at the upstream: the upstream must receive "blue basket" (the
#      Rust input transform ran inside OpenClaw's turn) with the key in
#      `Authorization`, and OpenClaw must print "red basket" (the Rust output
#      transform, across a cut "blue bas" / "ket." delta);
#   4. makes the upstream answer 429, then 500: OpenClaw must fail (exit != 0)
#      with the upstream's message in its log ("slow down", "upstream
#      exploded") — OpenClaw retries first, so these take minutes;
#   5. kills OpenClaw (SIGKILL) mid-turn: no sidecar may be left running.
#
# A developer tool, not part of .ci/run (it needs the npm registry once, and a
# turn takes about a minute on a small machine). Usage:
#   scripts/openclaw-e2e.sh [--quick]     # --quick skips step 4
# Environment: OPENCLAW_REF_DIR / CLAWKIT_OPENCLAW_CACHE as for
# openclaw-env.sh; CLAWKIT_E2E_DIR (default: a fresh temporary folder);
# CLAWKIT_E2E_TIMEOUT seconds per OpenClaw run (default 600).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
# shellcheck source=scripts/openclaw-env.sh
source "$here/openclaw-env.sh"

quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
timeout_s="${CLAWKIT_E2E_TIMEOUT:-600}"
work="${CLAWKIT_E2E_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/clawkit-e2e.XXXXXX")}"
mkdir -p "$work"
key="sk-e2e-canary-0123456789"
failures=0

say() { echo "openclaw-e2e: $*" >&2; }
pass() { say "PASS $*"; }
fail() { say "FAIL $*"; failures=$((failures + 1)); }

openclaw_env_setup
say "openclaw: $("$OPENCLAW_NODE" -p "require('$OPENCLAW_PKG/package.json').version") under Node $("$OPENCLAW_NODE" --version); work folder $work"

# 1. Build and pack.
say "building acme-ai's command line"
( cd "$repo" && cargo build -q -p acme-ai --example acme-cli )
target_dir="$(cd "$repo" && cargo metadata --format-version 1 --no-deps | "$OPENCLAW_NODE" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
"$target_dir/debug/examples/acme-cli" pack --out "$work/acme-ai-package"

# 2. The upstream, and the install.
: >"$work/upstream.log"
echo ok >"$work/upstream.mode"
upstream_out="$work/upstream.out"
# Its stdin is a pipe this script holds: the server stops when the script ends.
exec {upstream_in}> >("$OPENCLAW_NODE" "$here/openclaw-e2e-upstream.mjs" "$work/upstream.log" "$work/upstream.mode" >"$upstream_out" 2>&1)
for _ in $(seq 1 100); do grep -q '^listening on ' "$upstream_out" 2>/dev/null && break; sleep 0.1; done
upstream="$(sed -n 's/^listening on //p' "$upstream_out" | head -1)"
[[ -n "$upstream" ]] || { say "the upstream did not start: $(cat "$upstream_out")"; exit 2; }
say "upstream at $upstream"

export HOME="$work/home"
mkdir -p "$HOME"
export OPENCLAW_NO_RESPAWN=1 # OpenClaw's own process is the one started (step 5 kills it)
openclaw plugins install "$work/acme-ai-package" --force --accept-capabilities >"$work/install.log" 2>&1 \
  || { say "install failed:"; cat "$work/install.log" >&2; exit 1; }
pass "openclaw plugins install accepted the package"
if openclaw plugins inspect acme-ai --runtime --json >"$work/inspect.json" 2>"$work/inspect.err" \
  && grep -q '"status": *"loaded"' "$work/inspect.json"; then
  pass "openclaw plugins inspect acme-ai --runtime: loaded"
else
  fail "openclaw plugins inspect acme-ai --runtime (see $work/inspect.json)"
fi

# OpenClaw runs an installed plugin from a staged copy (under
# ~/.openclaw/tmp/plugin-captures/…), so match the binary's name, not a path.
sidecars() { pgrep -f "acme-ai/bin/acme-cli serve --sidecar" || true; }

turn() { # turn NAME: one local agent turn; stdout, stderr and status in $work/NAME.*
  local name="$1" status=0
  ACME_AI_API_KEY="$key" ACME_AI_BASE_URL="$upstream/v1" timeout "$timeout_s" \
    "$OPENCLAW_NODE" "$OPENCLAW_PKG/openclaw.mjs" agent --local --model acme-ai/acme-large \
    --message "put it in the red basket" --json >"$work/$name.out" 2>"$work/$name.err" || status=$?
  echo "$status" >"$work/$name.status"
  return 0
}

# 3. The turn.
say "running the local turn (about a minute)"
turn ok
status="$(cat "$work/ok.status")"
requests="$(grep -c '"/v1/chat/completions"' "$work/upstream.log" || true)"
if [[ "$status" == 0 ]]; then pass "openclaw agent exited 0"; else fail "openclaw agent exited $status (see $work/ok.err)"; fi
if grep -q 'blue basket' "$work/upstream.log" && ! grep '"/v1/chat/completions"' "$work/upstream.log" | grep -q 'put it in the red basket'; then
  pass "the upstream received \"blue basket\" ($requests request(s)): the Rust input transform ran"
else
  fail "the upstream did not receive \"blue basket\" (see $work/upstream.log)"
fi
if grep -q "\"authorization\":\"Bearer $key\"" "$work/upstream.log"; then
  pass "the key OpenClaw resolved reached the upstream, per request"
else
  fail "the upstream did not get the key in Authorization"
fi
if grep -q 'red basket' "$work/ok.out" && ! grep -q 'blue basket' "$work/ok.out"; then
  pass "OpenClaw printed \"red basket\": the Rust output transform ran"
else
  fail "OpenClaw did not print \"red basket\" (see $work/ok.out)"
fi
if grep -rqs -- "$key" "$work/home/.openclaw" || ps -eo args | grep -v grep | grep -q -- "$key"; then
  fail "the key is in a file under ~/.openclaw or in a command line"
else
  pass "the key is in no file under ~/.openclaw (the package included) and no command line"
fi
sleep 1
if [[ -z "$(sidecars)" ]]; then pass "no sidecar left after the turn"; else fail "a sidecar outlived OpenClaw: $(sidecars)"; fi

# 4. Upstream errors.
if (( ! quick )); then
  for code in 429 500; do
    echo "$code" >"$work/upstream.mode"
    say "upstream answers $code (OpenClaw retries first: minutes)"
    turn "e$code"
    status="$(cat "$work/e$code.status")"
    message="slow down"; [[ "$code" == 500 ]] && message="upstream exploded"
    if [[ "$status" != 0 ]] && grep -q "$message" "$work/e$code.err" "$work/e$code.out"; then
      pass "an upstream $code reached OpenClaw as an error with the upstream's message ($message)"
    else
      fail "upstream $code: exit $status, message \"$message\" not found (see $work/e$code.*)"
    fi
  done
  echo ok >"$work/upstream.mode"
fi

# 5. Kill OpenClaw mid-turn: the upstream holds the request, so the turn
# (and the sidecar) are surely running when OpenClaw is killed.
say "killing OpenClaw mid-turn"
echo stall >"$work/upstream.mode"
before="$(grep -c . "$work/upstream.log" || true)"
ACME_AI_API_KEY="$key" ACME_AI_BASE_URL="$upstream/v1" \
  "$OPENCLAW_NODE" "$OPENCLAW_PKG/openclaw.mjs" agent --local --model acme-ai/acme-large \
  --message "put it in the red basket" --json >"$work/kill.out" 2>"$work/kill.err" &
victim=$!
for _ in $(seq 1 "$timeout_s"); do
  (( $(grep -c . "$work/upstream.log" || true) > before )) && break
  kill -0 "$victim" 2>/dev/null || break
  sleep 1
done
running="$(sidecars)"
if [[ -z "$running" ]]; then
  fail "no sidecar was running while the upstream held the request (see $work/kill.err)"
  kill -KILL "$victim" 2>/dev/null || true
else
  leaked=0
  for pid in $running; do
    if tr '\0' '\n' </proc/"$pid"/cmdline 2>/dev/null | grep -q -- "$key" \
      || tr '\0' '\n' </proc/"$pid"/environ 2>/dev/null | grep -q -- "$key"; then leaked=1; fi
  done
  if (( leaked )); then fail "the running sidecar has the key in its argv or environment"; else pass "the running sidecar has the key in neither its argv nor its environment"; fi
  kill -KILL "$victim" 2>/dev/null || true
  wait "$victim" 2>/dev/null || true
  for _ in $(seq 1 100); do [[ -z "$(sidecars)" ]] && break; sleep 0.1; done
  if [[ -z "$(sidecars)" ]]; then
    pass "SIGKILL of OpenClaw mid-turn left no sidecar running (was pid $running)"
  else
    fail "a sidecar survived SIGKILL of OpenClaw: $(sidecars)"
    kill $(sidecars) 2>/dev/null || true
  fi
fi
echo ok >"$work/upstream.mode"

exec {upstream_in}>&-
if (( failures )); then say "$failures check(s) failed; logs in $work"; exit 1; fi
say "all checks passed; logs in $work"
