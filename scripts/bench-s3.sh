#!/usr/bin/env bash
# S3 versus local scan speed: the same generated files scanned from disk and from moto's S3 on
# loopback (issue target: S3 at least 70% of the local records/s).
# Usage: scripts/bench-s3.sh [RECORDS]      (default 1000000; builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
records="${1:-1000000}"
swift build -c release --product flowlens >/dev/null
bin="$(swift build -c release --show-bin-path)/flowlens"
work="$(mktemp -d -t flowlens-bench-s3.XXXXXX)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null || true; rm -rf "$work"' EXIT
endpoint="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$endpoint/moto-api/" >/dev/null 2>&1 && break; sleep 0.2; done
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
"$bin" generate --out "$work/logs" --records "$records" >/dev/null
aws --endpoint-url "$endpoint" s3 mb s3://bench >/dev/null
aws --endpoint-url "$endpoint" s3 cp --recursive --only-show-errors "$work/logs" s3://bench/
objects=$(find "$work/logs" -type f | wc -l)
size=$(du -sh "$work/logs" | cut -f1)
echo "$records records in $objects gzip objects ($size)"
best() { # best wall time of three runs of the command
    local best=999999
    for _ in 1 2 3; do
        local start end
        start=$(date +%s.%N)
        "$@" >/dev/null
        end=$(date +%s.%N)
        best=$(python3 -c "print(min($best, $end - $start))")
    done
    echo "$best"
}
local_time=$(best "$bin" scan "$work/logs" --no-rules --quiet)
s3_time=$(best "$bin" scan s3://bench/ --endpoint-url "$endpoint" --no-rules --quiet)
python3 - "$records" "$local_time" "$s3_time" <<'PY'
import sys
records, local, s3 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"local: {local:.2f} s  {records / local / 1e6:.2f} M records/s")
print(f"s3   : {s3:.2f} s  {records / s3 / 1e6:.2f} M records/s  ({100 * local / s3:.0f}% of local)")
PY
