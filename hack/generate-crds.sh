#!/usr/bin/env bash
# Regenerates crds/ from the Swift types (the one source of truth) and copies them into the
# Helm chart. The drift tests (CRDGeneratorTests, InstallChartTests) fail until this is run
# after a schema change.
set -euo pipefail
cd "$(dirname "$0")/.."
swift run quartermaster crds --output crds
hack/sync-chart-crds.sh
