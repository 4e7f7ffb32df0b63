#!/usr/bin/env bash
# The test command: prepares the machine, then builds and tests every module (`mvn verify` at the root).
# Exits non-zero on any failure. Under CI=true, UNIPLANE_REQUIRE_ALL=1 turns skipped prerequisites into failures.
set -euo pipefail
# shellcheck source=lib/root.sh
source "$(dirname "$0")/lib/root.sh"
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [[ "${CI:-}" == true ]]; then
  export UNIPLANE_REQUIRE_ALL=1
fi
exec bash scripts/mvn verify "$@"
