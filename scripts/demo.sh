#!/usr/bin/env bash
# The demo command: prepares the machine, builds, then runs `uniplane demo` (two workloads, a policy allowing one
# port and denying another, real traffic, stats). Needs root. Without an available provider it says so and exits 0.
set -euo pipefail
# shellcheck source=lib/root.sh
source "$(dirname "$0")/lib/root.sh"
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/mvn -q -DskipTests package
exec bash scripts/uniplane demo "$@"
