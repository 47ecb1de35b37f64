#!/usr/bin/env python3
"""deploy/install.yaml runs the image `make image` builds, the way that image expects: its
name and tag (IMAGE_REPO in the Makefile, the project version), its non-root uid
(scripts/image), a read-only root file system with all writable state in a volume at the
image's cache directory, no capabilities, no privilege escalation, seccomp RuntimeDefault.
tests/deploy/image_smoke.py runs the image under these settings."""
import re
import sys

from deploylib import ROOT, fail, load_all

CACHE = "/var/cache/cellgate"


def setting(path, pattern):
    m = re.search(pattern, (ROOT / path).read_text(), re.M)
    if not m:
        raise SystemExit(f"FAIL: {path}: no match for {pattern}")
    return m.group(1)


def main():
    version = setting("CMakeLists.txt", r"^project\(cellgate VERSION ([0-9.]+)")
    repo = setting("Makefile", r"^IMAGE_REPO \?= (\S+)$")
    uid = int(setting("scripts/image", r"^UID_GID=(\d+)$"))
    errors = []
    deps = [d for d in load_all(ROOT / "deploy" / "install.yaml") if d.get("kind") == "Deployment"]
    if len(deps) != 1:
        return fail([f"deploy/install.yaml: {len(deps)} Deployments, expected 1"])
    pod = deps[0]["spec"]["template"]["spec"]
    psc = pod.get("securityContext", {})
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    for c in pod["containers"]:
        where = f"deploy/install.yaml container {c['name']}"
        sc = {**psc, **c.get("securityContext", {})}
        want = {
            "image": (c.get("image"), f"{repo}:{version}"),
            "imagePullPolicy": (c.get("imagePullPolicy"), "IfNotPresent"),
            "runAsUser": (sc.get("runAsUser"), uid),
            "runAsNonRoot": (sc.get("runAsNonRoot"), True),
            "readOnlyRootFilesystem": (sc.get("readOnlyRootFilesystem"), True),
            "allowPrivilegeEscalation": (sc.get("allowPrivilegeEscalation"), False),
            "capabilities.drop": (sc.get("capabilities", {}).get("drop"), ["ALL"]),
            "capabilities.add": (sc.get("capabilities", {}).get("add"), None),
            "seccompProfile.type": (sc.get("seccompProfile", {}).get("type"), "RuntimeDefault"),
        }
        for key, (got, expected) in want.items():
            if got != expected:
                errors.append(f"{where}: {key} is {got!r}, expected {expected!r}")
        mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
        cache = mounts.get(CACHE)
        if not cache or cache.get("readOnly"):
            errors.append(f"{where}: no writable volume mounted at {CACHE}")
        elif not ({"emptyDir", "persistentVolumeClaim", "ephemeral"} & set(vols.get(cache["name"], {}))):
            errors.append(f"{where}: volume {cache['name']} at {CACHE} is not an emptyDir or PVC")
        for e in c.get("env", []):
            if e["name"] in ("HOME", "TMPDIR", "CELLGATE_CACHE") and "value" in e:
                if not any(e["value"] == p or e["value"].startswith(p.rstrip("/") + "/") for p in mounts):
                    errors.append(f"{where}: {e['name']}={e['value']} is not in a mounted volume")
    print(f"checked the controller container against {repo}:{version}")
    return fail(errors)


if __name__ == "__main__":
    sys.exit(main())
