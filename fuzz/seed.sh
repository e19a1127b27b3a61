#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's test data (real recorded
# streams, error bodies, manifests, schemas, histories). The corpus folder is
# not committed; run this before the first `cargo fuzz run`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
corpus="$here/corpus"

seed() { # seed TARGET PREFIX_BYTE FILE...: each file, with an optional first byte
  local target="$1" prefix="$2"; shift 2
  mkdir -p "$corpus/$target"
  local file n=0
  for file in "$@"; do
    [[ -f "$file" ]] || continue
    local out="$corpus/$target/seed-$(printf '%04d' "$n")"
    if [[ -n "$prefix" ]]; then printf "\\x$prefix" >"$out"; cat "$file" >>"$out"; else cp "$file" "$out"; fi
    n=$((n + 1))
  done
  echo "$target: $n seeds"
}

http="$repo/crates/clawkit-http/tests/data"
shopt -s nullglob globstar
seed sse_decoder 00 "$http"/**/*.txt "$http"/**/*.sse
# stream_decoder: the first byte picks the api (low two bits) and where the body is cut.
seed stream_decoder 80 "$http"/openai-compatible/**/*.txt "$http"/openai-python-recorded/**/*
mkdir -p "$corpus/stream_decoder.tmp" && mv "$corpus/stream_decoder"/* "$corpus/stream_decoder.tmp/" 2>/dev/null || true
for f in "$corpus/stream_decoder.tmp"/*; do mv "$f" "$corpus/stream_decoder/$(basename "$f")-completions"; done
rmdir "$corpus/stream_decoder.tmp"
seed stream_decoder.responses 81 "$http"/openai-responses/**/*
seed stream_decoder.anthropic 82 "$http"/anthropic/**/* "$http"/anthropic-sdk-python/**/*
seed stream_decoder.google 83 "$http"/google/**/*
for api in responses anthropic google; do
  for f in "$corpus/stream_decoder.$api"/*; do mv "$f" "$corpus/stream_decoder/$(basename "$f")-$api"; done
  rmdir "$corpus/stream_decoder.$api"
done
seed gemini_schema "" "$repo"/crates/clawkit-families/tests/data/schemas/**/*.json
seed history_replay "" "$repo"/crates/clawkit-families/tests/data/histories/**/*.json "$repo"/crates/clawkit-families/tests/data/parity/histories/**/*.json
seed manifest_parse "" "$repo"/crates/clawkit-manifest/tests/data/**/*.json "$repo"/examples/*/openclaw.plugin.json
seed package_parse "" "$repo"/examples/*/package.json
