#!/usr/bin/env python3
"""Evaluates the Flux healthCheckExprs of a Kustomization against objects, the way
kustomize-controller does (fluxcd/pkg/runtime/cel StatusEvaluator, RFC 0009):

  1. status.observedGeneration present and != metadata.generation -> InProgress
  2. inProgress, failed, current, in that order; the first true one decides
  3. none true -> InProgress
  An evaluation error (e.g. the object has no `status` at all) is reported as Error; Flux then
  keeps waiting until the Kustomization's timeout.

Expressions are parsed, not type-checked, with the object's top-level fields as variables and
CEL optional types enabled, as Flux does. Uses Google's CEL C++ implementation
(PyPI: cel-expr-python).

  flux-health.py KUSTOMIZATION.yaml OBJECT.yaml...
      one JSON line per object: {"path", "kind", "status": "Current|InProgress|Failed|Error", "error"}

Exit status 3 when cel_expr_python or PyYAML is missing.
"""
import json
import sys

try:
    import yaml
    from cel_expr_python import cel
    from cel_expr_python.ext.ext_optional import ExtOptional
except ImportError as missing:
    print(f"missing Python package: {missing}; pip install cel-expr-python pyyaml", file=sys.stderr)
    sys.exit(3)


def health_expressions(path):
    by_kind = {}
    with open(path) as f:
        for document in yaml.safe_load_all(f):
            if not document or document.get("kind") != "Kustomization":
                continue
            for entry in document.get("spec", {}).get("healthCheckExprs", []) or []:
                by_kind[(entry["apiVersion"], entry["kind"])] = entry
    return by_kind


def evaluate(entry, obj):
    status = obj.get("status")
    if isinstance(status, dict) and "observedGeneration" in status:
        generation = obj.get("metadata", {}).get("generation")
        if generation is not None and status["observedGeneration"] != generation:
            return "InProgress", None
    env = cel.NewEnv(extensions=[ExtOptional()])
    for field, result in (("inProgress", "InProgress"), ("failed", "Failed"), ("current", "Current")):
        expression = entry.get(field)
        if not expression:
            continue
        try:
            result_value = env.compile(expression, disable_check=True).eval(data=obj)
        except Exception as error:  # compile errors surface as exceptions
            return "Error", f"{field}: {error}"
        value = result_value.plain_value()
        if result_value.type() == cel.Type.ERROR:  # evaluation errors are error values
            return "Error", f"{field}: {value}"
        if value is True:
            return result, None
        if value is not False:
            return "Error", f"{field}: not a boolean: {value!r}"
    return "InProgress", None


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    expressions = health_expressions(argv[1])
    for path in argv[2:]:
        with open(path) as f:
            obj = yaml.safe_load(f)
        entry = expressions.get((obj.get("apiVersion"), obj.get("kind")))
        if entry is None:
            print(json.dumps({"path": path, "kind": obj.get("kind"), "status": "Error",
                              "error": "no healthCheckExprs entry for this kind"}))
            continue
        status, error = evaluate(entry, obj)
        print(json.dumps({"path": path, "kind": obj.get("kind"), "status": status, "error": error}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
