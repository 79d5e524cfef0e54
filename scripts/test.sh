#!/usr/bin/env bash
# The test command: installs what a fresh machine lacks, builds, and runs every test.
# Usage: scripts/test.sh            (from the repository root)
# FLOWLENS_CORPUS points at the shared conformance corpus (default ../shared/corpus); the
# conformance tests fail when it is missing, so CI always runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libisal-dev chromium libsqlite3-dev)
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

export FLOWLENS_CORPUS="${FLOWLENS_CORPUS:-$(cd .. && pwd)/shared/corpus}"
if [ ! -d "$FLOWLENS_CORPUS/vpcflow" ]; then
    echo "error: conformance corpus not found at $FLOWLENS_CORPUS (set FLOWLENS_CORPUS)" >&2
    exit 1
fi

swift build --build-tests
swift test --skip-build
