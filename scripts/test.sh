#!/usr/bin/env bash
# The test command: prepares the machine, then builds and tests every module (`mvn verify` at the root), then installs
# the artifacts and builds and tests the third-party provider template (samples/third-party-provider) against them
# alone, offline and outside the reactor. Exits non-zero on any failure; the main build's failure is reported first. Under CI=true, UNIPLANE_REQUIRE_ALL=1 turns skipped prerequisites into failures.
set -euo pipefail
# shellcheck source=lib/root.sh
source "$(dirname "$0")/lib/root.sh"
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [[ "${CI:-}" == true ]]; then
  export UNIPLANE_REQUIRE_ALL=1
fi
status=0
bash scripts/mvn verify "$@" || status=$?
# What a third party gets: the installed artifacts only (no reactor, no network).
template=0
if bash scripts/mvn -q -o install -DskipTests; then
  bash scripts/mvn -o -f samples/third-party-provider/pom.xml verify || template=$?
  # ... and the kit run on its jar by `uniplane tck`, as a third party would without writing a test class.
  if [[ $template -eq 0 ]]; then
    bash scripts/uniplane tck --provider linuxfib --area Attach,Routing,Lifecycle,HostileInput \
      --classpath samples/third-party-provider/target/uniplane-provider-linuxfib-1.0.0-SNAPSHOT.jar \
      --report samples/third-party-provider/target/tck-linuxfib.json || template=$?
  fi
else
  template=$?
  echo "error: mvn install of the main tree failed; the provider template was not built" >&2
fi
if [[ $status -ne 0 ]]; then
  exit "$status"
fi
exit "$template"
