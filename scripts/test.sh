#!/usr/bin/env bash
# The test command: installs what a fresh machine lacks, builds, and runs every test.
# Usage: scripts/test.sh            (from the repository root)
# FLOWLENS_CORPUS points at the shared conformance corpus (default ../shared/corpus); the
# conformance tests fail when it is missing, so CI always runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libisal-dev chromium libsqlite3-dev libsnappy-dev libzstd-dev zlib1g-dev python3-pip curl)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Test peers from PyPI (tests only; FlowLens itself does not use Python): moto's AWS server, the
# AWS CLI, pyarrow (writes the Parquet files the reader must read back), DuckDB (an oracle).
python_packages=("moto[server]==5.2.1" "awscli==1.45.11" "pyarrow==26.0.1" "duckdb")
if ! python3 -c "import moto, pyarrow, duckdb, flask" 2>/dev/null || ! command -v aws >/dev/null; then
    echo "installing Python test peers: ${python_packages[*]}"
    pip install -q --break-system-packages "${python_packages[@]}" 2>/dev/null \
        || pip install -q "${python_packages[@]}"
fi

# moto's server on loopback for the AWS tests (S3, CloudWatch Logs, EC2, STS); stopped on exit.
if [ -z "${FLOWLENS_TEST_AWS_ENDPOINT:-}" ]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    moto_log="$(mktemp -t flowlens-moto.XXXXXX)"
    moto_server -H 127.0.0.1 -p "$port" >"$moto_log" 2>&1 &
    moto_pid=$!
    trap 'kill $moto_pid 2>/dev/null || true' EXIT
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
        kill -0 $moto_pid 2>/dev/null || { echo "error: moto_server did not start:" >&2; cat "$moto_log" >&2; exit 1; }
        sleep 0.2
    done
    export FLOWLENS_TEST_AWS_ENDPOINT="http://127.0.0.1:$port"
    echo "moto server: $FLOWLENS_TEST_AWS_ENDPOINT"
fi

export FLOWLENS_CORPUS="${FLOWLENS_CORPUS:-$(cd .. && pwd)/shared/corpus}"
if [ ! -d "$FLOWLENS_CORPUS/vpcflow" ]; then
    echo "error: conformance corpus not found at $FLOWLENS_CORPUS (set FLOWLENS_CORPUS)" >&2
    exit 1
fi

swift build --build-tests
swift test --skip-build
# The Parquet reader under libFuzzer + AddressSanitizer for a bounded time (fails on a crash).
scripts/fuzz-parquet.sh 60
