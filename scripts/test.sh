#!/usr/bin/env bash
# Runs every Fleetwatch test: installs system packages, builds, runs `swift test`, verifies the systemd units.
# The Zeek conformance suite uses ../shared/conformance/zeek when present
# (or $FLEETWATCH_CONFORMANCE) and says so when it skips.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh systemd
swift build --build-tests
swift test --skip-build "$@"
# The deploy/ units, checked with systemd-analyze against the binaries just built.
deploy/systemd/verify-units.sh .build/debug
