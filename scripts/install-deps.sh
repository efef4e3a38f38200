#!/usr/bin/env bash
# Installs the Debian packages Fleetwatch builds and tests against, when missing.
# Usage: scripts/install-deps.sh [extra-package ...]
set -euo pipefail

packages=(libpcap-dev zlib1g-dev libsqlite3-dev pkg-config "$@")
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "fleetwatch: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
