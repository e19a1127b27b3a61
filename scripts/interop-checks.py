#!/usr/bin/env python3
"""The checks of scripts/interop.sh: clawkit in front of real servers.

Run by interop.sh once LiteLLM, llama-cpp-python and a `clawkit serve` in
front of each are up; it reads where they are from the environment
(CLAWKIT_BIN, INTEROP_CHAT_BIN, LITELLM_URL, LLAMA_URL, LITELLM_GATEWAY,
LLAMA_GATEWAY, INTEROP_WORK, INTEROP_VERSIONS). Every case runs through the
three paths clawkit offers:

- cli:     `clawkit chat --model openai-compatible/<model> --base-url <server> --events`
- backend: the `LlmBackend` facade (`interop_chat` example of clawkit-providers)
- serve:   `clawkit serve` in front of the server, read as a plain OpenAI
           client reads its SSE (http.client, no SDK)

and `direct` (the server itself, no clawkit) gives the figures to compare
with and the bodies saved under $INTEROP_WORK/captured/. One line per check:
`PASS <check>: <what was seen>` or `FAIL …`; then the figures and a summary
line `N passed, N failed`. Exit 1 when any check failed. Standard library only.
"""

import http.client
import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

CLAWKIT = os.environ["CLAWKIT_BIN"]
EXAMPLE = os.environ["INTEROP_CHAT_BIN"]
SERVERS = {
    "litellm": (os.environ["LITELLM_URL"], os.environ["LITELLM_GATEWAY"]),
    "llama": (os.environ["LLAMA_URL"], os.environ["LLAMA_GATEWAY"]),
}
WORK = Path(os.environ["INTEROP_WORK"])
KEY = os.environ["OPENAI_COMPATIBLE_API_KEY"]  # LiteLLM's master key
CAPTURED = WORK / "captured"
CAPTURED.mkdir(parents=True, exist_ok=True)
TIMEOUT = 300  # seconds for one call, any path

TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The current weather of a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "The city"}},
            "required": ["city"],
        },
    },
}
FORCED = {"type": "function", "function": {"name": "get_weather"}}
TOOLS_FILE = WORK / "tools.json"
TOOLS_FILE.write_text(json.dumps([TOOL]))

passed, failed = 0, 0
figures = []


def check(name, ok, seen):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print(f"{'PASS' if ok else 'FAIL'} {name}: {seen}", flush=True)


class Outcome:
    """What one call produced, whichever path it took."""

    def __init__(self, path):
        self.path = path
        self.text = ""
        self.text_deltas = 0
        self.usage = None  # (input, output)
        self.finish = None  # stop | length | tool_use | …
        self.tools = []  # [(id, name, arguments)]
        self.tool_id_chunks = 0  # serve/direct: chunks that carried a call id
        self.error = None  # the error kind (serve: the error code)
        self.message = ""
        self.error_type = None  # serve/direct: the error body's `type`
        self.status = None  # serve/direct: the HTTP status
        self.done_marker = None  # serve/direct: whether `data: [DONE]` came
        self.body = b""  # serve/direct: the raw body
        self.exit = None  # cli/backend: the exit status
        self.ttft = None  # seconds to the first text
        self.total = None  # seconds to the end

    def ok(self):
        return self.error is None and self.finish is not None

    def describe(self):
        if self.error is not None:
            parts = [f"error {self.error}"]
            if self.status is not None:
                parts.append(f"HTTP {self.status}")
            if self.error_type is not None:
                parts.append(f"type {self.error_type}")
            if self.exit is not None:
                parts.append(f"exit {self.exit}")
            parts.append(repr(self.message[:90]))
            return " ".join(parts)
        parts = [f"finish={self.finish}", f"text={self.text[:50]!r}"]
        if self.usage:
            parts.append(f"usage in={self.usage[0]} out={self.usage[1]}")
        else:
            parts.append("no usage")
        if self.tools:
            parts.append(f"tools={[(n, a) for _, n, a in self.tools]}")
        return " ".join(parts)


def events_outcome(path, argv):
    """Runs a command that prints clawkit's events as JSON lines."""
    out = Outcome(path)
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            event = json.loads(line)
            kind = event["type"]
            if kind == "text_delta":
                if out.ttft is None:
                    out.ttft = time.monotonic() - started
                out.text += event["text"]
                out.text_deltas += 1
            elif kind == "usage":
                out.usage = (event.get("input", 0) + event.get("cache_read", 0), event.get("output", 0))
            elif kind == "tool_call_end":
                out.tools.append((event["id"], event["name"], event["arguments"]))
            elif kind == "done":
                out.finish = event["reason"]
            elif kind == "error":
                out.error = event["kind"]
                out.message = event["message"]
        out.exit = proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out.total = time.monotonic() - started
    stderr = proc.stderr.read()
    if out.error is None and out.finish is None:
        out.error, out.message = "no-terminal-event", stderr.strip()[-200:]
    return out


def cli(server, model, prompt, max_tokens=None, tool=False, stop=None):
    argv = [CLAWKIT, "chat", "--model", f"openai-compatible/{model}",
            "--base-url", SERVERS[server][0], "--events", "--param", "temperature=0"]
    if max_tokens is not None:
        argv += ["--param", f"maxTokens={max_tokens}"]
    if stop is not None:
        argv += ["--param", "stop=" + json.dumps(stop)]
    if tool:
        argv += ["--tools", str(TOOLS_FILE), "--param", "tool_choice=" + json.dumps(FORCED)]
    return events_outcome("cli", argv + [prompt])


def backend(server, model, prompt, max_tokens=None, tool=False, stop=None):
    argv = [EXAMPLE, "--base-url", SERVERS[server][0], "--model", model, "--temperature", "0"]
    if max_tokens is not None:
        argv += ["--max-tokens", str(max_tokens)]
    if stop is not None:
        argv += ["--param", "stop=" + json.dumps(stop)]
    if tool:
        argv += ["--tool"]
    return events_outcome("backend", argv + [prompt])


def openai_stream(path, base, model, prompt, max_tokens=None, tool=False, stop=None, capture=None):
    """A streamed chat completion read as a plain OpenAI client reads it."""
    out = Outcome(path)
    body = {"model": model, "messages": [{"role": "user", "content": prompt}],
            "stream": True, "stream_options": {"include_usage": True}, "temperature": 0}
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    if stop is not None:
        body["stop"] = stop
    if tool:
        body["tools"] = [TOOL]
        body["tool_choice"] = FORCED
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
    started = time.monotonic()
    conn.request("POST", url.path.rstrip("/") + "/chat/completions", json.dumps(body),
                 {"content-type": "application/json", "authorization": f"Bearer {KEY}"})
    response = conn.getresponse()
    out.status = response.status
    calls = {}
    raw = bytearray()
    pending = b""
    while True:
        try:
            piece = response.read1(65536)
        except http.client.IncompleteRead as e:
            raw += e.partial
            out.error, out.message = "incomplete-read", str(e)
            break
        if not piece:
            break
        raw += piece
        pending += piece
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            line = line.strip()
            if not line.startswith(b"data:") or response.status != 200:
                continue
            data = line[5:].strip()
            if data == b"[DONE]":
                out.done_marker = True
                continue
            chunk = json.loads(data)
            if chunk.get("error"):
                out.error = chunk["error"].get("code") or chunk["error"].get("type") or "error"
                out.message = chunk["error"].get("message", "")
                continue
            if chunk.get("usage"):
                out.usage = (chunk["usage"].get("prompt_tokens", 0), chunk["usage"].get("completion_tokens", 0))
            for choice in chunk.get("choices") or []:
                if choice.get("index", 0) != 0:
                    continue
                delta = choice.get("delta") or {}
                if delta.get("content"):
                    if out.ttft is None:
                        out.ttft = time.monotonic() - started
                    out.text += delta["content"]
                    out.text_deltas += 1
                for call in delta.get("tool_calls") or []:
                    entry = calls.setdefault(call.get("index", 0), {"id": None, "name": "", "arguments": ""})
                    if call.get("id"):
                        out.tool_id_chunks += 1
                        entry["id"] = entry["id"] or call["id"]
                    function = call.get("function") or {}
                    entry["name"] = entry["name"] or function.get("name") or ""
                    entry["arguments"] += function.get("arguments") or ""
                if choice.get("finish_reason"):
                    out.finish = {"tool_calls": "tool_use"}.get(choice["finish_reason"], choice["finish_reason"])
    out.total = time.monotonic() - started
    out.body = bytes(raw)
    conn.close()
    if response.status != 200:
        try:
            error = json.loads(out.body)["error"]
            out.error = error.get("code") or error.get("type") or str(response.status)
            out.error_type = error.get("type")
            out.message = error.get("message") or ""
        except (ValueError, KeyError, TypeError):
            out.error, out.message = f"http-{response.status}", out.body[:200].decode(errors="replace")
    elif out.error is None and not out.done_marker:
        out.error = "no-done-marker"
        out.message = f"the stream ended without [DONE] ({len(out.body)} bytes)"
    for _, call in sorted(calls.items()):
        try:
            arguments = json.loads(call["arguments"] or "{}")
        except ValueError:
            arguments = call["arguments"]
        out.tools.append((call["id"], call["name"], arguments))
    if capture:
        head = f"HTTP {response.status}\ncontent-type: {response.getheader('content-type')}\n\n"
        (CAPTURED / capture).write_bytes(head.encode() + out.body)
    return out


def serve(server, model, prompt, max_tokens=None, tool=False, stop=None):
    return openai_stream("serve", SERVERS[server][1], f"openai-compatible/{model}", prompt,
                         max_tokens, tool, stop)


def direct(server, model, prompt, max_tokens=None, tool=False, stop=None, capture=None):
    return openai_stream("direct", SERVERS[server][0], model, prompt, max_tokens, tool, stop, capture)


def direct_whole(server, model, prompt, max_tokens=None):
    """A chat completion not streamed, straight to the server: (status, body)."""
    body = {"model": model, "messages": [{"role": "user", "content": prompt}], "temperature": 0}
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    url = urllib.parse.urlsplit(SERVERS[server][0])
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
    conn.request("POST", url.path.rstrip("/") + "/chat/completions", json.dumps(body),
                 {"content-type": "application/json", "authorization": f"Bearer {KEY}"})
    response = conn.getresponse()
    answer = response.read()
    conn.close()
    return response.status, answer


PATHS = (cli, backend, serve)


def each_path(server, model, prompt, **kw):
    return [run(server, model, prompt, **kw) for run in PATHS]


# ---------------------------------------------------------------- LiteLLM

MOCK_TEXT = "Hello from the LiteLLM mock."

d = direct("litellm", "mock-text", "Hi", capture="litellm-text.sse")
print(f"seen direct litellm mock-text: HTTP {d.status}, {d.text_deltas} text chunks, usage={d.usage}, finish={d.finish}")
for o in each_path("litellm", "mock-text", "Hi"):
    check(f"litellm text via {o.path}",
          o.ok() and o.text == MOCK_TEXT and o.finish == "stop",
          o.describe())
    check(f"litellm usage via {o.path}",
          o.usage is not None and o.usage[0] > 0 and o.usage[1] > 0,
          f"usage={o.usage} (direct: {d.usage})")

# Each error model: the clawkit kind on cli/backend; status and code on serve.
ERROR_MODELS = [
    ("mock-rate-limit", "rate_limit", 429, "rate_limit", "rate_limit_error"),
    ("mock-context-window", "context_overflow", 400, "context_length_exceeded", "invalid_request_error"),
    ("mock-internal-error", "server", 500, "server", "server_error"),
]
for model, kind, status, code, error_type in ERROR_MODELS:
    d = direct("litellm", model, "Hi", capture=f"litellm-{model}.json")
    print(f"seen direct litellm {model}: HTTP {d.status} {d.body[:160].decode(errors='replace')}")
    for o in each_path("litellm", model, "Hi"):
        if o.path == "serve":
            ok = o.status == status and o.error == code and o.error_type == error_type
        else:
            ok = o.error == kind and o.exit == 1
        check(f"litellm {model} via {o.path}", ok, o.describe())

# `mock_response: "Exception: mock_streaming_error"` is meant to fail a
# stream midway; the proxy raises it before the first chunk: HTTP 529.
d = direct("litellm", "mock-midstream-error", "Hi", capture="litellm-mock-streaming-error.json")
print(f"seen direct litellm mock-midstream-error: HTTP {d.status} {d.body[:160].decode(errors='replace')}")
for o in each_path("litellm", "mock-midstream-error", "Hi"):
    if o.path == "serve":
        ok = o.status == 529 and o.error == "server" and o.error_type == "server_error"
    else:
        ok = o.error == "server" and o.exit == 1
    check(f"litellm mock-midstream-error via {o.path}", ok, o.describe())

# ---------------------------------------------------------------- llama-cpp-python

# Gemma-3-270M is the pretrained model, not the instruction-tuned one: it
# continues the text rather than answering. A stop sequence ends its first line.
PROMPT = "What colour is the sky on a clear day? Answer in one short sentence."
STOP = ["\n"]
d = direct("llama", "gemma", PROMPT, max_tokens=64, stop=STOP, capture="llama-text.sse")
print(f"seen direct llama gemma: HTTP {d.status}, finish={d.finish}, usage={d.usage}, text={d.text!r}")
status, whole = direct_whole("llama", "gemma", PROMPT, max_tokens=8)
print(f"seen direct llama gemma, not streamed: HTTP {status}, usage={json.loads(whole).get('usage')}")
for o in each_path("llama", "gemma", PROMPT, max_tokens=64, stop=STOP):
    check(f"llama text (stop at a newline) via {o.path}",
          o.ok() and o.text.strip() != "" and o.finish == "stop" and o.text == d.text,
          o.describe())
    # llama-cpp-python sends no usage in a stream: clawkit must not make one up.
    check(f"llama usage via {o.path}",
          (o.usage is None) if d.usage is None else (o.usage is not None and o.usage[1] > 0),
          f"usage={o.usage} (direct: {d.usage})")

d = direct("llama", "gemma", PROMPT, max_tokens=3, capture="llama-length.sse")
for o in each_path("llama", "gemma", PROMPT, max_tokens=3):
    check(f"llama finish length (max_tokens 3) via {o.path}",
          o.ok() and o.finish == "length" and 0 < o.text_deltas <= 3,
          f"{o.describe()} deltas={o.text_deltas} (direct: finish={d.finish} deltas={d.text_deltas})")

TOOL_PROMPT = "What is the weather in Paris?"
d = direct("llama", "gemma-fc", TOOL_PROMPT, tool=True, capture="llama-tool-call.sse")
print(f"seen direct llama gemma-fc forced tool call: {d.tool_id_chunks} chunks carry the call id, "
      f"calls={[(n, a) for _, n, a in d.tools]}, finish={d.finish}")
for o in each_path("llama", "gemma-fc", TOOL_PROMPT, tool=True):
    one = len(o.tools) == 1
    name, arguments = (o.tools[0][1], o.tools[0][2]) if one else (None, None)
    ok = (o.ok() and one and name == "get_weather" and isinstance(arguments, dict)
          and o.finish == "tool_use" and (o.path != "serve" or o.tool_id_chunks == 1))
    extra = f" id_chunks={o.tool_id_chunks}" if o.path == "serve" else ""
    check(f"llama forced tool call via {o.path}", ok, f"{len(o.tools)} call(s) {o.describe()}{extra}")

# n_ctx is 512: this prompt is about 1 100 tokens.
LONG = "Summarise this: " + "the quick brown fox jumps over the lazy dog. " * 110
d = direct("llama", "gemma", LONG, max_tokens=16, capture="llama-overflow.sse")
print(f"seen direct llama overflow (streamed): HTTP {d.status}, {len(d.body)} body bytes, [DONE]={bool(d.done_marker)}")
status, whole = direct_whole("llama", "gemma", LONG, max_tokens=16)
print(f"seen direct llama overflow, not streamed: HTTP {status} {whole[:200].decode(errors='replace')}")
for o in each_path("llama", "gemma", LONG, max_tokens=16):
    ok = not o.ok() and o.error is not None and (o.path == "serve" or o.exit == 1)
    check(f"llama context overflow via {o.path}", ok, o.describe())

# ---------------------------------------------------------------- figures

COUNT = "Count from 1 to 60, separated by commas: 1, 2, 3,"
RUNS, MAX = 3, 48
print(f"figures: Gemma-3-270M Q4_K_M, n_threads 2, temperature 0, max_tokens {MAX}, "
      f"median of {RUNS} runs (load average before: {os.getloadavg()[0]:.1f})")
print("  path     first text   total    text chunks  chunks/s after the first")
samples = {}
for _ in range(RUNS):
    for o in [direct("llama", "gemma", COUNT, max_tokens=MAX)] + each_path("llama", "gemma", COUNT, max_tokens=MAX):
        samples.setdefault(o.path, []).append(o)
for path, runs in samples.items():
    def median(values):
        values = sorted(values)
        return values[len(values) // 2]
    ttft = median([o.ttft for o in runs if o.ttft is not None] or [float("nan")])
    total = median([o.total for o in runs])
    deltas = median([o.text_deltas for o in runs])
    rate = median([(o.text_deltas - 1) / (o.total - o.ttft) for o in runs
                   if o.ttft is not None and o.total > o.ttft and o.text_deltas > 1] or [0.0])
    print(f"  {path:<8} {ttft * 1000:7.0f} ms  {total * 1000:6.0f} ms  {deltas:11d}  {rate:10.1f}")

print(f"versions: {os.environ.get('INTEROP_VERSIONS', '?')}")
print(f"captured bodies: {CAPTURED}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
