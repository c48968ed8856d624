#!/usr/bin/env bash
# Runs the whole test suite: `swift test`, with KUBEBUILDER_ASSETS pointing at the shared
# envtest binaries (../shared/envtest/bin beside the repository) unless it is already set.
# Extra arguments go to `swift test` (e.g. hack/test.sh --filter EnvTest).
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
exec swift test "$@"
