#!/usr/bin/env bash
# Fuzzes the Parquet reader (footer, schema and page decoders) with libFuzzer and AddressSanitizer
# for a bounded time. Exits nonzero when the fuzzer finds a crash, a leak, a timeout or an
# out-of-memory input (the input is saved under .build-fuzz/parquet/artifacts/).
# Usage: scripts/fuzz-parquet.sh [SECONDS]    (default 60; from any directory)
# Needs swiftc, python3 with pyarrow (for the seed corpus) and libisal, libsnappy, libzstd.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
work=.build-fuzz/parquet
mkdir -p "$work/modules" "$work/corpus" "$work/artifacts"

flags=(-swift-version 6 -O -g -sanitize=fuzzer,address -parse-as-library
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
    -enable-upcoming-feature InternalImportsByDefault
    -I Sources/CISAL -I Sources/CSnappy -I Sources/CZstd -I "$work/modules")

echo "building the fuzz target"
swiftc "${flags[@]}" -module-name FlowCore -emit-module -emit-module-path "$work/modules/FlowCore.swiftmodule" \
    -emit-library -static -o "$work/modules/libFlowCore.a" Sources/FlowCore/*.swift
# FlowDecoding's x86-64 build targets Nehalem and later, as Package.swift sets (SSSE3 shuffles).
decoder_flags=()
[ "$(uname -m)" = x86_64 ] && decoder_flags=(-target-cpu nehalem)
swiftc "${flags[@]}" "${decoder_flags[@]}" -module-name FlowDecoding -emit-module \
    -emit-module-path "$work/modules/FlowDecoding.swiftmodule" -emit-library -static \
    -o "$work/modules/libFlowDecoding.a" $(find Sources/FlowDecoding -name '*.swift' | sort)
swiftc "${flags[@]}" -module-name ParquetFuzz Fuzz/ParquetFuzz/main.swift -L "$work/modules" \
    -lFlowDecoding -lFlowCore -lswiftSynchronization -lisal -lsnappy -lzstd -use-ld=lld -o "$work/parquet-fuzz"

echo "writing the seed corpus with pyarrow"
seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
python3 scripts/parquet-fixtures.py "$seeds"
cp "$seeds"/seed-*.parquet "$seeds"/bad-*.parquet "$work/corpus/"

echo "fuzzing for ${seconds}s"
"$work/parquet-fuzz" "$work/corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/" -print_final_stats=1
