#!/usr/bin/env bash
# Regenerates every generated file from its Swift source of truth:
#   crds/*.yaml and the chart's crds/            from the Swift types (CRDGenerator)
#   config/rbac/tenant_owner_role.yaml and
#   charts/quartermaster/templates/clusterrole-tenant-owner.yaml
#                                                 from TenantOwnerRole (GeneratedRBACManifests)
# The drift tests (CRDGeneratorTests, GeneratedRBACManifestsTests, InstallChartTests) fail until
# this is run after a change to any of them.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product quartermaster
quartermaster="$(swift build --show-bin-path)/quartermaster"
"$quartermaster" crds --output crds
hack/sync-chart-crds.sh
"$quartermaster" roles --root .
