#!/usr/bin/env python3
"""Smoke test of the OCI image that `make image` (scripts/image) writes to build/image.

Checks the image as a registry would hand it to a kubelet:
- its config: numeric non-root user, PATH with /usr/local/bin, HOME/TMPDIR/CELLGATE_CACHE in
  the cache volume;
- its file system: every file owned by root and not writable by others, except the cache
  directory (owned by the image user) and /tmp; cellgate, kustomize and helm in
  /usr/local/bin; no shell;

then unpacks it with umoci and runs it with runc (or crun: $CELLGATE_OCI_RUNTIME) the way
deploy/install.yaml's controller container runs: its runAsUser/runAsGroup, a read-only root
file system, no capabilities, no new privileges, its env, a fresh tmpfs for each mounted
volume, and no network. Inside, `cellgate version` must print the project version and
`cellgate render` of a small Git repository (mounted read-only) must print the objects its
kustomization and Helm chart produce.

It fails, never skips, when umoci or the runtime is missing or the image is not built.

  image_smoke.py [--layout DIR] [--tag TAG]     (defaults: build/image, the project version)
"""
import argparse
import json
import os
import pathlib
import shutil
import stat
import subprocess
import sys
import tempfile

from deploylib import ROOT, load_all

CACHE = "/var/cache/cellgate"
TOOLS = ("cellgate", "kustomize", "helm")


class Failure(Exception):
    pass


def project_version():
    for line in (ROOT / "CMakeLists.txt").read_text().splitlines():
        if line.startswith("project(cellgate VERSION "):
            return line.split()[2]
    raise Failure("no project(cellgate VERSION ...) in CMakeLists.txt")


def run(cmd, timeout=120, **kw):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    except FileNotFoundError:
        raise Failure(f"{cmd[0]} not found (scripts/setup installs it)")
    except subprocess.TimeoutExpired:
        raise Failure(f"timed out after {timeout}s: {' '.join(cmd)}")
    return r


def blob(layout, digest):
    algo, hexd = digest.split(":", 1)
    return json.loads((layout / "blobs" / algo / hexd).read_text())


def image_config(layout, tag):
    index = layout / "index.json"
    if not index.exists():
        raise Failure(f"{index} missing: run `make image` first")
    for m in json.loads(index.read_text())["manifests"]:
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            return blob(layout, blob(layout, m["digest"])["config"]["digest"])
    raise Failure(f"{layout}: no image tagged {tag}")


def controller_container():
    """The controller Deployment's pod spec and container from deploy/install.yaml."""
    for doc in load_all(ROOT / "deploy" / "install.yaml"):
        if doc.get("kind") == "Deployment" and doc["metadata"]["name"] == "cellgate-controller":
            pod = doc["spec"]["template"]["spec"]
            return pod, next(c for c in pod["containers"] if c["name"] == "controller")
    raise Failure("deploy/install.yaml: no Deployment cellgate-controller")


class Smoke:
    def __init__(self, layout, tag, runtime):
        self.layout, self.tag, self.runtime = layout, tag, runtime
        self.failures = []
        self.seq = 0

    def check(self, cond, what, detail=""):
        print(f"{'ok' if cond else 'FAIL'}: {what}{': ' + detail if detail and not cond else ''}",
              flush=True)
        if not cond:
            self.failures.append(what + (f": {detail}" if detail else ""))
        return cond

    def check_config(self, cfg):
        c = cfg.get("config", {})
        user = c.get("User", "")
        uid = user.split(":")[0]
        self.check(uid.isdigit() and int(uid) != 0, "image user is a numeric non-root uid",
                   repr(user))
        env = dict(e.split("=", 1) for e in c.get("Env", []))
        self.check(env.get("PATH", "").split(":")[0] == "/usr/local/bin",
                   "image PATH starts with /usr/local/bin", env.get("PATH", ""))
        for k in ("HOME", "TMPDIR", "CELLGATE_CACHE"):
            self.check(env.get(k) == CACHE, f"image {k} is {CACHE}", repr(env.get(k)))
        self.check(CACHE in c.get("Volumes", {}), f"image declares the volume {CACHE}")
        return int(uid) if uid.isdigit() else None

    def check_rootfs(self, rootfs, image_uid):
        for t in TOOLS:
            p = rootfs / "usr/local/bin" / t
            self.check(p.is_file() and os.access(p, os.X_OK), f"/usr/local/bin/{t} is executable")
        self.check(not (rootfs / "bin/sh").exists() and not (rootfs / "usr/bin/sh").exists(),
                   "no shell in the image")
        bad = []
        for dirpath, dirnames, filenames in os.walk(rootfs):
            for name in dirnames + filenames:
                p = pathlib.Path(dirpath) / name
                inside = "/" + str(p.relative_to(rootfs))
                st = p.lstat()
                if stat.S_ISLNK(st.st_mode):
                    continue
                if inside == CACHE:
                    if st.st_uid != image_uid or st.st_mode & 0o077:
                        bad.append(f"{inside} uid {st.st_uid} mode {oct(st.st_mode)}")
                elif inside == "/tmp":
                    if st.st_mode & 0o7777 != 0o1777:
                        bad.append(f"{inside} mode {oct(st.st_mode)}")
                elif st.st_uid != 0 or st.st_gid != 0 or st.st_mode & 0o022:
                    bad.append(f"{inside} uid {st.st_uid} gid {st.st_gid} mode {oct(st.st_mode)}")
        self.check(not bad, "files are root-owned and read-only to others (except cache, /tmp)",
                   ", ".join(bad[:10]))

    def spec(self, bundle, args, mounts):
        """Rewrites umoci's runtime spec into the controller container of install.yaml."""
        pod, ctr = controller_container()
        sc = {**pod.get("securityContext", {}), **ctr.get("securityContext", {})}
        s = json.loads((bundle / "config.json").read_text())
        p = s["process"]
        p["terminal"] = False
        p["args"] = args
        if "runAsUser" in sc:
            p["user"]["uid"] = sc["runAsUser"]
        if "runAsGroup" in sc:
            p["user"]["gid"] = sc["runAsGroup"]
        if sc.get("runAsNonRoot") and p["user"]["uid"] == 0:
            raise Failure("runAsNonRoot, but the container would run as uid 0")
        if "fsGroup" in sc:
            p["user"]["additionalGids"] = [sc["fsGroup"]]
        if sc.get("capabilities", {}).get("drop") == ["ALL"]:
            p["capabilities"] = {k: [] for k in p.get("capabilities", {})}
        p["noNewPrivileges"] = sc.get("allowPrivilegeEscalation") is False
        s["root"]["readonly"] = bool(sc.get("readOnlyRootFilesystem"))
        env = dict(e.split("=", 1) for e in p["env"])
        env.update({e["name"]: e["value"] for e in ctr.get("env", []) if "value" in e})
        p["env"] = [f"{k}={v}" for k, v in env.items()]
        # As the kubelet does: each emptyDir is a fresh host directory, mode 0777, group
        # fsGroup with setgid when one is set, bind-mounted over the image's directory.
        vols = {v["name"]: v for v in pod.get("volumes", [])}
        paths = {}
        for vm in ctr.get("volumeMounts", []):
            if "emptyDir" not in vols[vm["name"]]:
                raise Failure(f"volume {vm['name']}: only emptyDir volumes are simulated")
            host = pathlib.Path(tempfile.mkdtemp(prefix=f"vol-{vm['name']}.", dir=bundle.parent))
            os.chmod(host, 0o777)
            if "fsGroup" in sc:
                os.chown(host, 0, sc["fsGroup"])
                os.chmod(host, 0o2777)
            paths[vm["mountPath"]] = host
        s["mounts"] = [m for m in s["mounts"] if m["destination"] not in paths]
        s["mounts"] += [{"destination": d, "type": "bind", "source": str(h),
                         "options": ["rbind", "rw", "nosuid", "nodev"]} for d, h in paths.items()]
        s["mounts"] += mounts
        (bundle / "config.json").write_text(json.dumps(s, indent=1))
        return p["user"]["uid"], env, paths

    def contain(self, bundle, args, mounts=()):
        uid, env, paths = self.spec(bundle, args, list(mounts))
        self.seq += 1
        cid = f"cellgate-image-smoke-{os.getpid()}-{self.seq}"
        try:
            r = run([self.runtime, "run", "--bundle", str(bundle), cid], timeout=180)
        finally:
            run([self.runtime, "delete", "--force", cid], timeout=30)
        return r, uid, env, paths


def make_repo(repo):
    files = {
        "apps.yaml": """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: smoke-kustomize, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://git.example/smoke.git, targetRevision: main, path: app}
  destination: {server: https://kubernetes.default.svc, namespace: smoke}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: smoke-helm, namespace: argocd}
spec:
  project: default
  source:
    repoURL: https://git.example/smoke.git
    targetRevision: main
    path: chart
    helm:
      parameters: [{name: greeting, value: hello-from-helm}]
  destination: {server: https://kubernetes.default.svc, namespace: smoke}
""",
        "app/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefix: smoke-
labels: [{pairs: {app.kubernetes.io/part-of: smoke}}]
resources: [service.yaml]
configMapGenerator:
  - name: settings
    literals: [mode=contained]
""",
        "app/service.yaml": """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}]
""",
        "chart/Chart.yaml": "apiVersion: v2\nname: smoke\nversion: 0.1.0\n",
        "chart/values.yaml": "greeting: unset\n",
        "chart/templates/configmap.yaml": """\
apiVersion: v1
kind: ConfigMap
metadata: {name: {{ .Release.Name }}-greeting}
data: {greeting: {{ .Values.greeting | quote }}}
""",
    }
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git = ["git", "-C", str(repo), "-c", "user.name=smoke", "-c", "user.email=smoke@example.invalid"]
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "smoke"]):
        r = run(git + args)
        if r.returncode != 0:
            raise Failure(f"git {' '.join(args)}: {r.stderr}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layout", default=str(ROOT / "build" / "image"))
    ap.add_argument("--tag", default=None)
    a = ap.parse_args()
    version = project_version()
    layout, tag = pathlib.Path(a.layout), a.tag or version
    runtime = os.environ.get("CELLGATE_OCI_RUNTIME") or ("runc" if shutil.which("runc") else "crun")
    if os.geteuid() != 0:
        raise Failure("run as root (umoci unpack keeps file owners; runc runs rootful)")
    smoke = Smoke(layout, tag, runtime)
    cfg = image_config(layout, tag)
    image_uid = smoke.check_config(cfg)
    with tempfile.TemporaryDirectory(prefix="cellgate-image-smoke.") as tmp:
        tmp = pathlib.Path(tmp)
        os.chmod(tmp, 0o755)
        bundle = tmp / "bundle"
        r = run(["umoci", "unpack", "--image", f"{layout}:{tag}", str(bundle)], timeout=300)
        if r.returncode != 0:
            raise Failure(f"umoci unpack: {r.stderr}")
        smoke.check_rootfs(bundle / "rootfs", image_uid)

        r, uid, env, paths = smoke.contain(bundle, ["cellgate", "version"])
        smoke.check(uid != 0, f"container runs as uid {uid}")
        smoke.check(CACHE in paths, f"install.yaml mounts a volume at {CACHE}", repr(paths))
        smoke.check(r.returncode == 0 and r.stdout.strip() == f"cellgate {version}",
                    f"{runtime}: cellgate version prints {version}",
                    f"exit {r.returncode}: {r.stdout}{r.stderr}")

        repo = tmp / "repo"
        make_repo(repo)
        # The container user reads the repository; libgit2 refuses one owned by another user.
        run(["chown", "-R", f"{uid}:{uid}", str(repo)])
        ro = {"destination": "/repo", "type": "bind", "source": str(repo),
              "options": ["rbind", "ro", "nosuid", "nodev", "noexec"]}
        r, _, _, paths = smoke.contain(bundle, ["cellgate", "render", "-f", "/repo/apps.yaml",
                                                "--repo", "/repo", "--revision", "main",
                                                "-o", "json"], [ro])
        written = [p for p in paths.get(CACHE, tmp / "none").rglob("*")]
        smoke.check(any(p.name == "HEAD" for p in written),
                    f"render keeps its git mirror in the {CACHE} volume",
                    repr([str(p) for p in written[:10]]))
        ok = smoke.check(r.returncode == 0, f"{runtime}: cellgate render exits 0",
                         f"exit {r.returncode}: {r.stderr}")
        got = {}
        if ok:
            try:
                for item in json.loads(r.stdout).get("items", []):
                    got[(item["kind"], item["metadata"]["name"])] = item
            except (ValueError, KeyError, TypeError) as e:
                smoke.check(False, "render prints a JSON List", f"{e}: {r.stdout[:400]}")
        svc = got.get(("Service", "smoke-web"), {})
        smoke.check(svc.get("metadata", {}).get("labels", {}).get("app.kubernetes.io/part-of")
                    == "smoke", "kustomize: Service smoke-web with its label", repr(sorted(got)))
        cms = [v for (k, n), v in got.items() if k == "ConfigMap" and n.startswith("smoke-settings-")]
        smoke.check(len(cms) == 1 and cms[0].get("data") == {"mode": "contained"},
                    "kustomize: generated ConfigMap smoke-settings-<hash>", repr(sorted(got)))
        cm = got.get(("ConfigMap", "smoke-helm-greeting"), {})
        smoke.check(cm.get("data") == {"greeting": "hello-from-helm"},
                    "helm: ConfigMap smoke-helm-greeting with the parameter", repr(cm))
        smoke.check(len(got) == 3, "render prints exactly those 3 objects", repr(sorted(got)))
    if smoke.failures:
        print(f"{len(smoke.failures)} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
