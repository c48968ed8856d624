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
status=0
swift test --skip-build --skip IntegrationTests || status=$?
swift test --skip-build --filter IntegrationTests || status=$?
exit "$status"
