#!/usr/bin/env bash
# Regenerates every file generated from the operator's kinds (QuartermasterKinds.all, one
# KindDeclaration per kind), the way controller-gen does for a Go operator:
#   crds/*.yaml, crds/kustomization.yaml and the chart's crds/
#   config/rbac/{role,aggregated_roles,tenant_owner_role,webhook_role}.yaml and the chart's templates of them
#   config/webhook/validating_webhook_configuration.yaml and the chart's template of it
#   gitops/argocd/argocd-cm-patch.yaml (from gitops/argocd/health.lua) and
#   gitops/flux/quartermaster-kustomization.yaml
# GeneratedManifestsDriftTests fails until this is run after a change to any of them.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product quartermaster
quartermaster="$(swift build --show-bin-path)/quartermaster"
"$quartermaster" manifests --root .
