#!/usr/bin/env bash
# S3 versus local scan speed: the same generated files scanned from disk and from moto's S3 on
# loopback (issue target: S3 at least 70% of the local records/s).
# Usage: scripts/bench-s3.sh [RECORDS]      (default 10000000, the day the targets are set on;
#                                            builds the release binary first)
#
# Three layouts of the same records: as `generate` writes them (one object per interface group per
# 5-minute delivery), one object per 5-minute delivery (the group's gzip files concatenated, as a
# VPC-wide flow log delivers them), and one object per hour (twelve deliveries concatenated: the
# 5-minute objects of a VPC twelve times as busy hold as many records each). moto's server is
# Python on the same two cores and costs about 4 ms of CPU per GET whatever the object's size
# (a 3-byte object costs what a 730 KB one does), so its CPU during each S3 scan is printed too:
# with many small objects it, not the client, sets the pace; with fewer, larger ones the
# client's own speed shows. Stock moto also lists its own package folder on
# every request (a third of its CPU per GET by cProfile), so the one-object-per-delivery layout is
# measured a second time against scripts/moto-server-cached.py: moto with that listing read once.
set -euo pipefail
cd "$(dirname "$0")/.."
records="${1:-10000000}"
swift build -c release --product flowlens >/dev/null
bin="$(swift build -c release --show-bin-path)/flowlens"
work="$(mktemp -d -t flowlens-bench-s3.XXXXXX)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
stock_pid=$!
cached_port=$(free_port)
python3 scripts/moto-server-cached.py -H 127.0.0.1 -p "$cached_port" >"$work/moto-cached.log" 2>&1 &
cached_pid=$!
trap 'kill $stock_pid $cached_pid 2>/dev/null || true; rm -rf "$work"' EXIT
endpoint="http://127.0.0.1:$port"
cached_endpoint="http://127.0.0.1:$cached_port"
for e in "$endpoint" "$cached_endpoint"; do
    for _ in $(seq 1 100); do curl -sf "$e/moto-api/" >/dev/null 2>&1 && break; sleep 0.2; done
done
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
"$bin" generate --out "$work/logs" --records "$records" >/dev/null
# One object per delivery: files that differ only in their last name part (a hash) are concatenated.
mkdir -p "$work/merged"
find "$work/logs" -name '*.log.gz' | sort | while read -r file; do
    rel="${file#"$work/logs/"}"
    group="${rel%_*}"
    mkdir -p "$work/merged/$(dirname "$rel")"
    cat "$file" >>"$work/merged/${group}_00000000.log.gz"
done
# One object per hour: the deliveries of each hour concatenated.
mkdir -p "$work/hourly"
find "$work/merged" -name '*.log.gz' | sort | while read -r file; do
    base=$(basename "$file")
    # The key's time stamp (YYYYMMDDTHHMMZ) without the minutes names the hour.
    hour=$(echo "$base" | sed -E 's/.*_([0-9]{8}T[0-9]{2})[0-9]{2}Z_.*/\1/')
    cat "$file" >>"$work/hourly/$hour.log.gz"
done
aws --endpoint-url "$endpoint" s3 mb s3://bench >/dev/null
aws --endpoint-url "$endpoint" s3 cp --recursive --only-show-errors "$work/logs" s3://bench/
aws --endpoint-url "$endpoint" s3 mb s3://bench-merged >/dev/null
aws --endpoint-url "$endpoint" s3 cp --recursive --only-show-errors "$work/merged" s3://bench-merged/
aws --endpoint-url "$endpoint" s3 mb s3://bench-hourly >/dev/null
aws --endpoint-url "$endpoint" s3 cp --recursive --only-show-errors "$work/hourly" s3://bench-hourly/
aws --endpoint-url "$cached_endpoint" s3 mb s3://bench-merged >/dev/null
aws --endpoint-url "$cached_endpoint" s3 cp --recursive --only-show-errors "$work/merged" s3://bench-merged/
moto_cpu() { awk '{print $14 + $15}' "/proc/$moto_pid/stat"; } # clock ticks
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
compare() { # folder, bucket; endpoint and moto_pid say which server
    local objects size local_time s3_time ticks_before ticks_after
    objects=$(find "$1" -type f | wc -l)
    size=$(du -sh "$1" | cut -f1)
    local_time=$(best "$bin" scan "$1" --no-rules --quiet)
    ticks_before=$(moto_cpu)
    s3_time=$(best "$bin" scan "s3://$2/" --endpoint-url "$endpoint" --no-rules --quiet)
    ticks_after=$(moto_cpu)
    python3 - "$records" "$objects" "$size" "$local_time" "$s3_time" "$ticks_before" "$ticks_after" "$(getconf CLK_TCK)" <<'PY'
import sys
records, objects, size = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
local, s3 = float(sys.argv[4]), float(sys.argv[5])
moto = (int(float(sys.argv[7])) - int(float(sys.argv[6]))) / int(sys.argv[8]) / 3
print(f"{records} records in {objects} gzip objects ({size})")
print(f"  local: {local:.2f} s  {records / local / 1e6:.2f} M records/s")
print(f"  s3   : {s3:.2f} s  {records / s3 / 1e6:.2f} M records/s  ({100 * local / s3:.0f}% of local; "
      f"moto's own CPU {moto:.2f} s per scan, {1000 * moto / objects:.1f} ms per GET)")
PY
}
moto_pid=$stock_pid
echo "== as generated (one object per interface group per delivery), stock moto_server"
compare "$work/logs" bench
echo "== one object per 5-minute delivery, stock moto_server"
compare "$work/merged" bench-merged
echo "== one object per hour, stock moto_server"
compare "$work/hourly" bench-hourly
moto_pid=$cached_pid endpoint=$cached_endpoint
echo "== one object per 5-minute delivery, moto with its module listing read once"
compare "$work/merged" bench-merged
