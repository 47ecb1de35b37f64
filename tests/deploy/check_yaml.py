#!/usr/bin/env python3
"""Every YAML file under deploy/ and examples/seeds/ is well-formed: it parses, has no
duplicate keys, and (Kubernetes manifests) each document names its apiVersion, kind and
metadata.name. The files other tests rely on are present with the objects they expect."""
import sys

from deploylib import ROOT, fail, load_all, rel

# Files that are not Kubernetes manifests.
NOT_MANIFESTS = {"deploy/prometheus/alerts.yaml", "deploy/prometheus/alerts_test.yaml"}

# What other tests and the docs rely on: file -> [(apiVersion, kind, name)].
EXPECTED = {
    "deploy/crds/application.yaml": [("apiextensions.k8s.io/v1", "CustomResourceDefinition", "applications.argoproj.io")],
    "deploy/crds/applicationset.yaml": [("apiextensions.k8s.io/v1", "CustomResourceDefinition", "applicationsets.argoproj.io")],
    "deploy/crds/appproject.yaml": [("apiextensions.k8s.io/v1", "CustomResourceDefinition", "appprojects.argoproj.io")],
    "examples/seeds/root-app.yaml": [("argoproj.io/v1alpha1", "Application", "cell-bootstrap")],
    "examples/seeds/backend-services.yaml": [("argoproj.io/v1alpha1", "ApplicationSet", "backend-services")],
    "examples/seeds/guestbook.yaml": [("argoproj.io/v1alpha1", "ApplicationSet", "guestbook")],
    "examples/seeds/microservices.yaml": [("argoproj.io/v1alpha1", "ApplicationSet", "microservices")],
    "examples/seeds/flux-kustomizations.yaml": [
        ("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "tenants"),
        ("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "team-payments"),
    ],
}


def main():
    errors = []
    files = sorted(p for d in ("deploy", "examples/seeds") for ext in ("yaml", "yml")
                   for p in (ROOT / d).rglob(f"*.{ext}"))
    seen = set()
    for path in files:
        name = rel(path)
        seen.add(name)
        try:
            docs = load_all(path)
        except Exception as e:  # yaml.YAMLError and decoding errors alike
            errors.append(f"{name}: {e}")
            continue
        if not docs:
            errors.append(f"{name}: no YAML documents")
            continue
        if name in NOT_MANIFESTS:
            if not all(isinstance(d, dict) for d in docs):
                errors.append(f"{name}: top level is not a mapping")
            continue
        found = []
        for i, d in enumerate(docs):
            where = f"{name} document {i + 1}"
            if not isinstance(d, dict):
                errors.append(f"{where}: not a mapping")
                continue
            meta = d.get("metadata")
            for key, value in (("apiVersion", d.get("apiVersion")), ("kind", d.get("kind")),
                               ("metadata.name", meta.get("name") if isinstance(meta, dict) else None)):
                if not isinstance(value, str) or not value:
                    errors.append(f"{where}: missing {key}")
            if isinstance(meta, dict):
                found.append((d.get("apiVersion"), d.get("kind"), meta.get("name")))
        if name in EXPECTED and found != EXPECTED[name]:
            errors.append(f"{name}: objects {found}, expected {EXPECTED[name]}")
    for name in sorted(set(EXPECTED) | NOT_MANIFESTS | {"deploy/install.yaml"}):
        if name not in seen:
            errors.append(f"{name}: missing")
    print(f"checked {len(files)} YAML files")
    return fail(errors)


if __name__ == "__main__":
    sys.exit(main())
