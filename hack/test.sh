#!/usr/bin/env bash
# Runs the whole test suite: the unit and scenario tests, then the integration tests against a
# real API server (KUBEBUILDER_ASSETS, defaulting to ../shared/envtest/bin beside the
# repository). Two `swift test` runs over one build: the unit tests first, so a failure there is
# reported before the slower integration tests start. No test bounds wall-clock time (they use
# injected clocks and wait for events), so plain `swift test` passes as well.
# With arguments, one `swift test` run with them instead (e.g. hack/test.sh --filter EnvTest).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${KUBEBUILDER_ASSETS:-}" ] && [ -d ../shared/envtest/bin ]; then
  KUBEBUILDER_ASSETS="$(cd ../shared/envtest/bin && pwd)"
  export KUBEBUILDER_ASSETS
fi
if [ -z "${KUBEBUILDER_ASSETS:-}" ]; then
  echo "KUBEBUILDER_ASSETS is not set and ../shared/envtest/bin does not exist:" \
       "tests against a real API server will be skipped" >&2
fi
swift build --build-tests
if [ $# -gt 0 ]; then exec swift test --skip-build "$@"; fi
# Each run's output is also kept in a log, so that when a test fails the last lines printed name
# it (CI shows only the tail of a long run): swift-testing's ✘ lines and XCTest's failures.
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
status=0
swift test --skip-build --skip IntegrationTests 2>&1 | tee "$logs/unit.log" || status=$?
swift test --skip-build --filter IntegrationTests 2>&1 | tee "$logs/integration.log" || status=$?
if [ "$status" != 0 ]; then
  echo "hack/test.sh: failed (exit $status); the failures, unit run then integration run:"
  grep -hE '✘|^error: |\.swift:[0-9]+: error: ' "$logs/unit.log" "$logs/integration.log" | cut -c1-400 | head -60 || true
  # A crash ends a run without a verdict on the tests still running: name them.
  for log in "$logs/unit.log" "$logs/integration.log"; do
    awk 'match($0, /Test ("[^"]*"|[^ ]+\(\))/) { t = substr($0, RSTART, RLENGTH)
           if ($0 ~ / started\.?$/) open[t] = 1; else delete open[t] }
         END { for (t in open) print "still running when the run ended: " t }' "$log" | head -20
  done
fi
exit "$status"
