#!/usr/bin/env bash
# Copies the generated CRDs (crds/*.yaml, except crds/kustomization.yaml) into the Helm chart's
# crds/ directory, which Helm requires to hold the files themselves. Removes chart copies whose
# source is gone. InstallChartTests fails when the copies differ from crds/ by a single byte.
# Run after regenerating the CRDs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/crds"
dst="$root/charts/quartermaster/crds"
mkdir -p "$dst"
shopt -s nullglob
for old in "$dst"/*.yaml; do
  [ -e "$src/$(basename "$old")" ] || { rm -f "$old"; echo "removed $(basename "$old")"; }
done
for crd in "$src"/*.yaml; do
  name=$(basename "$crd")
  [ "$name" = kustomization.yaml ] && continue
  cp "$crd" "$dst/$name"
  echo "copied $name"
done
