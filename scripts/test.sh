#!/usr/bin/env bash
# Runs every Fleetwatch test: installs system packages, builds, runs `swift test`.
# The Zeek conformance suite uses ../shared/conformance/zeek when present
# (or $FLEETWATCH_CONFORMANCE) and says so when it skips.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build --build-tests
swift test --skip-build "$@"
