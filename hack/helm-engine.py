#!/usr/bin/env python3
"""Lint and render a Helm chart with the real Helm engine (PyPI: helm-python-sdk, module
helm_python, which embeds Helm's Go SDK; no helm binary needed). Prints JSON on stdout.

  helm-engine.py lint CHART [VALUES_JSON]
      {"total_charts_linted": n, "messages": [{"severity", "path", "error"}], "errors": [...]}
      severity: 1 info, 2 warning, 3 error
  helm-engine.py render CHART NAMESPACE [VALUES_JSON]
      {"manifests": {"templates/x.yaml": "..."}, "crds": [{"filename", "data"}]}
  helm-engine.py validate CHART VALUES_JSON
      {"valid": true} or {"valid": false, "error": "..."}

Exit status 3 when helm_python is not installed, 2 on a render/usage error (message on stderr).
"""
import json
import sys

try:
    import helm_python as helm
except ImportError:
    print("helm_python is not installed: pip install helm-python-sdk", file=sys.stderr)
    sys.exit(3)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    command, chart_path = argv[1], argv[2]
    if command == "lint":
        values = json.loads(argv[3]) if len(argv) > 3 else None
        report = helm.lint(chart_path, values, strict=True, namespace="quartermaster-system")
        print(json.dumps(report))
        return 0
    if command == "render":
        if len(argv) < 4:
            print(__doc__, file=sys.stderr)
            return 2
        namespace = argv[3]
        values = json.loads(argv[4]) if len(argv) > 4 else None
        chart = helm.Chart.load(chart_path)
        try:
            manifests = chart.render(values, name="quartermaster", namespace=namespace, is_install=True)
        except helm.HelmError as error:
            print(str(error), file=sys.stderr)
            return 2
        crds = [{"filename": c.get("filename", c.get("name")), "data": c["data"]} for c in chart.crds]
        print(json.dumps({"manifests": manifests, "crds": crds}))
        return 0
    if command == "validate":
        chart = helm.Chart.load(chart_path)
        try:
            chart.validate_schema(json.loads(argv[3]))
        except helm.HelmError as error:
            print(json.dumps({"valid": False, "error": str(error)}))
            return 0
        print(json.dumps({"valid": True}))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
