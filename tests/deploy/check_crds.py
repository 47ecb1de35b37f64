#!/usr/bin/env python3
"""Offline checks of deploy/crds (the e2e test applies them to a real API server):

1. the YAML files hold exactly what deploy/crds/generate.py writes;
2. each schema is structural (every node typed, or int-or-string, or preserve-unknown) and
   names the Argo CD API: group, kinds, short names, printer columns, subresources;
3. the seed manifests (examples/seeds) and the Argo CD manifests in testdata/ use only
   fields the schemas declare, with the declared types, so the API server neither rejects
   nor prunes anything in them;
4. the same validator rejects broken manifests (unknown field, wrong type, missing required
   field), which shows the schemas are closed where they claim to be.
"""
import copy
import pathlib
import subprocess
import sys
import tempfile

from deploylib import ROOT, fail, load_all, rel

CRDS = ROOT / "deploy" / "crds"
NAMES = {
    "Application": ("applications", ["app", "apps"]),
    "ApplicationSet": ("applicationsets", ["appset", "appsets"]),
    "AppProject": ("appprojects", ["appproj", "appprojs"]),
}


def check_generated(errors):
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([sys.executable, str(CRDS / "generate.py"), "--out", tmp],
                           capture_output=True, text=True)
        if r.returncode != 0:
            errors.append(f"generate.py failed: {r.stderr}")
            return
        for name in ("application.yaml", "applicationset.yaml", "appproject.yaml"):
            # Compared as data, so another PyYAML's line wrapping does not count as a change.
            want = load_all(pathlib.Path(tmp) / name)
            have = load_all(CRDS / name) if (CRDS / name).exists() else None
            if want != have:
                errors.append(f"deploy/crds/{name} differs from generate.py's output: run deploy/crds/generate.py")


def check_structural(schema, path, errors):
    if schema.get("x-kubernetes-int-or-string"):
        return
    t = schema.get("type")
    if t is None and not schema.get("x-kubernetes-preserve-unknown-fields"):
        errors.append(f"{path}: no type")
    if "properties" in schema and "additionalProperties" in schema:
        errors.append(f"{path}: both properties and additionalProperties")
    for req in schema.get("required", []):
        if req not in schema.get("properties", {}):
            errors.append(f"{path}: required {req!r} is not a property")
    for k, sub in schema.get("properties", {}).items():
        check_structural(sub, f"{path}.{k}", errors)
    if isinstance(schema.get("additionalProperties"), dict):
        check_structural(schema["additionalProperties"], f"{path}.*", errors)
    if t == "array":
        if "items" not in schema:
            errors.append(f"{path}: array without items")
        else:
            check_structural(schema["items"], f"{path}[]", errors)


def load_crds(errors):
    crds = {}
    for path in sorted(CRDS.glob("*.yaml")):
        for doc in load_all(path):
            kind = doc["spec"]["names"]["kind"]
            crds[kind] = doc
    for kind, (plural, short) in NAMES.items():
        crd = crds.get(kind)
        if crd is None:
            errors.append(f"no CRD for {kind}")
            continue
        spec = crd["spec"]
        if crd["metadata"]["name"] != f"{plural}.argoproj.io" or spec["group"] != "argoproj.io":
            errors.append(f"{kind}: name/group {crd['metadata']['name']}/{spec['group']}")
        if spec["scope"] != "Namespaced":
            errors.append(f"{kind}: scope {spec['scope']}")
        if spec["names"].get("shortNames") != short or spec["names"]["plural"] != plural:
            errors.append(f"{kind}: names {spec['names']}")
        versions = spec["versions"]
        if [v["name"] for v in versions] != ["v1alpha1"] or not versions[0]["storage"]:
            errors.append(f"{kind}: versions {[v['name'] for v in versions]}")
        check_structural(versions[0]["schema"]["openAPIV3Schema"], kind, errors)
    # Argo CD's semantics: Application status is written with ordinary updates (no status
    # subresource); ApplicationSet has one; AppProject has none.
    subresources = {k: c["spec"]["versions"][0].get("subresources") for k, c in crds.items()}
    if subresources.get("Application"):
        errors.append(f"Application must have no subresources, has {subresources['Application']}")
    if subresources.get("ApplicationSet") != {"status": {}}:
        errors.append(f"ApplicationSet subresources {subresources.get('ApplicationSet')}")
    if subresources.get("AppProject"):
        errors.append(f"AppProject subresources {subresources['AppProject']}")
    if "Application" in crds:
        cols = {c["name"]: c for c in crds["Application"]["spec"]["versions"][0].get("additionalPrinterColumns", [])}
        want = {"Sync Status": (".status.sync.status", None), "Health Status": (".status.health.status", None),
                "Revision": (".status.sync.revision", 10), "Age": (".metadata.creationTimestamp", None)}
        for name, (json_path, priority) in want.items():
            c = cols.get(name)
            if not c or c["jsonPath"] != json_path or c.get("priority") != priority:
                errors.append(f"Application printer column {name}: {c}")
    return crds


TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def validate(value, schema, path, errors):
    if schema.get("x-kubernetes-int-or-string"):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            errors.append(f"{path}: want integer or string, got {value!r}")
        return
    t = schema.get("type")
    preserve = schema.get("x-kubernetes-preserve-unknown-fields", False)
    if t is None:
        return  # preserve-unknown without a type: anything goes
    if value is None:
        if not schema.get("nullable"):
            errors.append(f"{path}: null is not allowed")
        return
    if t == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif t == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, TYPES[t])
    if not ok:
        errors.append(f"{path}: want {t}, got {type(value).__name__} {value!r}")
        return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if t == "object":
        if path.endswith(".metadata") and path.count(".") == 1:
            return  # ObjectMeta: validated by the API server itself
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for req in schema.get("required", []):
            if req not in value:
                errors.append(f"{path}: missing required field {req!r}")
        for k, v in value.items():
            if k in props:
                validate(v, props[k], f"{path}.{k}", errors)
            elif isinstance(extra, dict):
                validate(v, extra, f"{path}.{k}", errors)
            elif not preserve:
                errors.append(f"{path}: unknown field {k!r}")
    elif t == "array":
        for i, item in enumerate(value):
            validate(item, schema["items"], f"{path}[{i}]", errors)


def validate_object(obj, crds):
    errors = []
    crd = crds.get(obj.get("kind"))
    if crd is None or obj.get("apiVersion") != "argoproj.io/v1alpha1":
        return [f"{obj.get('apiVersion')}/{obj.get('kind')}: not an argoproj.io/v1alpha1 kind"]
    validate(obj, crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"], obj["kind"], errors)
    return errors


def broken_variants():
    """Manifests the schemas must reject, each with the error it must report."""
    app = load_all(ROOT / "examples/seeds/root-app.yaml")[0]
    appset = load_all(ROOT / "examples/seeds/microservices.yaml")[0]
    cases = []

    typo = copy.deepcopy(app)
    typo["spec"]["syncPoilcy"] = typo["spec"].pop("syncPolicy")
    cases.append(("typo spec.syncPoilcy", typo, "unknown field 'syncPoilcy'"))

    wrong_type = copy.deepcopy(app)
    wrong_type["spec"]["syncPolicy"]["automated"]["prune"] = "yes"
    cases.append(("string for a boolean", wrong_type, "Application.spec.syncPolicy.automated.prune: want boolean"))

    no_project = copy.deepcopy(app)
    del no_project["spec"]["project"]
    cases.append(("missing spec.project", no_project, "missing required field 'project'"))

    nested = copy.deepcopy(app)
    nested["spec"]["source"]["helm"] = {"valueFile": ["values.yaml"]}
    cases.append(("typo in helm options", nested, "unknown field 'valueFile'"))

    bad_sync = copy.deepcopy(appset)
    bad_sync["spec"]["syncPolicy"] = {"applicationsSync": "create-everything"}
    cases.append(("applicationsSync outside its enum", bad_sync, "not in"))

    bad_gen = copy.deepcopy(appset)
    bad_gen["spec"]["generators"][0]["matrix"]["generators"][0]["git"]["directory"] = []
    cases.append(("typo in a nested git generator", bad_gen, "unknown field 'directory'"))
    return cases


def main():
    errors = []
    check_generated(errors)
    crds = load_crds(errors)
    manifests = [ROOT / "examples/seeds" / n for n in
                 ("root-app.yaml", "backend-services.yaml", "guestbook.yaml", "microservices.yaml")]
    manifests += sorted((ROOT / "tests/deploy/testdata").glob("argocd-*.yaml"))
    count = 0
    for path in manifests:
        for obj in load_all(path):
            count += 1
            for e in validate_object(obj, crds):
                errors.append(f"{rel(path)} {obj['metadata']['name']}: {e}")
    # Status is the controller's and kept whole, whatever it writes.
    app = load_all(ROOT / "examples/seeds/root-app.yaml")[0]
    app["status"] = {"sync": {"status": "Synced", "revision": "abc", "comparedTo": {"any": {"thing": 1}}},
                     "health": {"status": "Healthy"}, "somethingNew": [1, 2]}
    for e in validate_object(app, crds):
        errors.append(f"status written by the controller: {e}")
    for name, obj, want in broken_variants():
        got = validate_object(obj, crds)
        if not any(want in e for e in got):
            errors.append(f"{name}: expected an error containing {want!r}, got {got}")
    print(f"validated {count} Argo CD manifests and {len(broken_variants())} broken ones")
    return fail(errors)


if __name__ == "__main__":
    sys.exit(main())
