#!/usr/bin/env bash
# Runs every Fleetwatch test: installs system packages, builds, runs `swift test`, verifies the systemd units.
# The Zeek conformance suite uses ../shared/conformance/zeek when present
# (or $FLEETWATCH_CONFORMANCE) and says so when it skips.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh systemd postgresql
swift build --build-tests
# The store contract tests also run against a throwaway PostgreSQL server.
scripts/with-postgres.sh swift test --skip-build "$@"
# The detectors on the labelled scenarios: recall on attack steps, benign flows flagged above low
# (live scenarios need root and ip netns; without them only the fixture scenarios run, and it says so).
integration/run-scenarios.sh
# The fleet in a box: three live agents, an aggregator killed and restarted, packet loss, the attack
# (root and ip netns; without them it says why and passes). Report in .build/fleet-test/report.txt.
integration/fleet-test.sh
# The deploy/ units, checked with systemd-analyze against the binaries just built.
deploy/systemd/verify-units.sh .build/debug
