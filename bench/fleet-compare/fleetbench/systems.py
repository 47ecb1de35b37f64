"""The three systems under test, behind one small interface:

    start()            start the system against the hub (cold: its state directory is new)
    pids()             {process name: pid} of exactly the system's own processes
    register_cells()   tell it about the workload cells (cluster Secrets / kubeconfig Secrets)
    apply_apps()       create the N apps at the branch main (r1 at that point)
    notify()           after a push: what the system's own push path does (see below)
    app_set()          (watch path, predicate over one app object, expected count)
    stop()

Argo CD and cellgate get the same Application objects (namespace argocd) and the same
cluster Secrets; Flux gets one GitRepository plus one Kustomization per app, and one
kubeconfig Secret per cell (bench/fleet-compare/README.md).

Push notification, each system the way its own webhook path works:
  Argo CD  argocd-server's /api/webhook sets argocd.argoproj.io/refresh on every
           Application of the repository; we do the same (argocd-server is not run).
  Flux     notification-controller's Receiver annotates the GitRepository with
           reconcile.fluxcd.io/requestedAt; we do the same (it is not run).
  cellgate its own POST /api/webhook: one GitHub push delivery (--cellgate-notify
           annotate: the refresh annotation as for Argo CD instead).

Thread-safety: used from the harness's main thread.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import yaml

from . import workload

ARGO_APPS = "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications"
ARGO_APPSETS = "/apis/argoproj.io/v1alpha1/namespaces/argocd/applicationsets"
FLUX_KS = "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations"
FLUX_GIT = "/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories"


def minified_kubeconfig(kubeconfig, context):
    """A self-contained one-context kubeconfig (what `kubectl config view --minify --flatten` prints)."""
    with open(kubeconfig) as f:
        cfg = yaml.safe_load(f)
    ctx = next(c for c in cfg["contexts"] if c["name"] == context)
    cluster = next(c for c in cfg["clusters"] if c["name"] == ctx["context"]["cluster"])
    user = next(u for u in cfg["users"] if u["name"] == ctx["context"]["user"])
    return {"apiVersion": "v1", "kind": "Config", "clusters": [cluster], "users": [user],
            "contexts": [ctx], "current-context": context}


def cluster_secret(name, kubeconfig, context, ns):
    kc = minified_kubeconfig(kubeconfig, context)
    cl, us = kc["clusters"][0]["cluster"], kc["users"][0]["user"]
    config = {"tlsClientConfig": {"caData": cl["certificate-authority-data"],
                                  "certData": us["client-certificate-data"],
                                  "keyData": us["client-key-data"]}}
    return {"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": f"cluster-{name}", "namespace": ns,
                         "labels": {"argocd.argoproj.io/secret-type": "cluster"}},
            "type": "Opaque",
            "stringData": {"name": name, "server": cl["server"], "config": json.dumps(config)}}


def argo_application(app, cell, repo_url):
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": app, "namespace": "argocd"},
            "spec": {"project": "default",
                     "source": {"repoURL": repo_url, "targetRevision": "main",
                                "path": f"apps/{app}"},
                     "destination": {"name": cell, "namespace": workload.NAMESPACE},
                     "syncPolicy": {"automated": {"prune": True, "selfHeal": True}}}}


def argo_app_ok(obj, target):
    st = obj.get("status", {})
    return (st.get("sync", {}).get("status") == "Synced"
            and st.get("health", {}).get("status") == "Healthy"
            and st.get("sync", {}).get("revision") == target["commit"])


def flux_ks_ok(obj, target):
    # kustomize-controller sets lastAppliedRevision only after the apply and the health
    # checks (`wait: true`) passed, together with Ready=True. Ready turns Unknown again
    # while the next interval's reconcile of the same revision runs; with hundreds of
    # Kustomizations on a 1m interval some are always in that state. So: applied and
    # healthy at the target, and not failed since.
    st = obj.get("status", {})
    ready = next((c for c in st.get("conditions", []) if c.get("type") == "Ready"), {})
    return (ready.get("status") in ("True", "Unknown")
            and st.get("lastAppliedRevision") == f"main@sha1:{target['commit']}"
            and st.get("observedGeneration") == obj["metadata"].get("generation"))


class Env:
    """What every driver needs: the repo root, home, kubeconfig, clusters, cells, the apps."""

    def __init__(self, root, home, kubeconfig, clusters, hub, cells, repo_url, apps, opts, log):
        self.root, self.home, self.kubeconfig = root, home, kubeconfig
        self.clusters, self.hub, self.cells = clusters, hub, cells
        self.repo_url, self.apps, self.opts, self.log = repo_url, apps, opts, log

    def cell_of(self, app):
        return workload.cell_of(self.apps.index(app), self.cells)


def _pid_of(piddir, comp, owner_dir):
    """The pid in piddir/comp.pid if it is alive and its argv[0] is owner_dir/bin/comp."""
    try:
        pid = int(open(os.path.join(piddir, f"{comp}.pid")).read().strip())
        argv0 = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")[0].decode()
    except (OSError, ValueError):
        return None
    return pid if argv0 == os.path.join(owner_dir, "bin", comp) else None


class Peer:
    """Argo CD or Flux through scripts/peers."""
    components = ()

    def __init__(self, env):
        self.env = env
        self.dir = os.path.join(env.home, "peers", self.name)
        self.startup_seconds = None

    def _peers(self, *args, extra_env=None):
        e = dict(os.environ, CELLGATE_HOME=self.env.home)
        e.update(extra_env or {})
        r = subprocess.run([os.path.join(self.env.root, "scripts/peers"), *args], env=e,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"scripts/peers {' '.join(args)} failed: {r.stderr.strip()[-800:]}")
        return r

    def start(self):
        self._peers("stop", self.name)
        # Cold caches: no clone, artifact, Redis or tmp state survives from an earlier run.
        shutil.rmtree(self.dir, ignore_errors=True)
        t0 = time.monotonic()
        self._peers("start", self.name, "--kubeconfig", self.env.kubeconfig, "--context",
                    self.env.hub, extra_env=self.start_env())
        self.startup_seconds = time.monotonic() - t0

    def start_env(self):
        return {}

    def pids(self):
        out = {}
        for c in self.components:
            pid = _pid_of(os.path.join(self.dir, "pids"), c, self.dir)
            if pid is None:
                raise RuntimeError(f"{self.name}: {c} is not running")
            out[c] = pid
        return out

    def stop(self):
        try:
            self._peers("stop", self.name)
        except RuntimeError as e:
            self.env.log(f"{self.name}: stop: {e}")

    def versions(self):
        return {}


class ArgoCD(Peer):
    name = "argocd"
    components = ("redis-server", "argocd-repo-server", "argocd-application-controller")

    def start_env(self):
        r = self.env.opts.argocd_resync
        return {"CELLGATE_ARGOCD_RESYNC": str(r)} if r else {}

    def register_cells(self):
        hub = self.env.clusters[self.env.hub]
        for cell in self.env.cells:
            s = cluster_secret(cell, self.env.kubeconfig, cell, "argocd")
            hub.apply(f"/api/v1/namespaces/argocd/secrets/{s['metadata']['name']}", s)

    def apply_apps(self):
        hub = self.env.clusters[self.env.hub]
        for app in self.env.apps:
            hub.apply(f"{ARGO_APPS}/{app}", argo_application(app, self.env.cell_of(app),
                                                              self.env.repo_url))

    def notify(self, commit):
        refresh_all(self.env)

    def app_set(self):
        return ARGO_APPS, argo_app_ok, len(self.env.apps)


def refresh_all(env):
    hub = env.clusters[env.hub]
    for app in env.apps:
        hub.patch(f"{ARGO_APPS}/{app}",
                  {"metadata": {"annotations": {"argocd.argoproj.io/refresh": "normal"}}})


class Flux(Peer):
    name = "flux"
    components = ("source-controller", "kustomize-controller")

    def start_env(self):
        return {"CELLGATE_FLUX_CONCURRENT": str(self.env.opts.flux_concurrent)}

    def register_cells(self):
        hub = self.env.clusters[self.env.hub]
        for cell in self.env.cells:
            kc = yaml.safe_dump(minified_kubeconfig(self.env.kubeconfig, cell))
            s = {"apiVersion": "v1", "kind": "Secret",
                 "metadata": {"name": f"kubeconfig-{cell}", "namespace": "flux-system"},
                 "type": "Opaque", "stringData": {"value": kc}}
            hub.apply(f"/api/v1/namespaces/flux-system/secrets/kubeconfig-{cell}", s)

    def apply_apps(self):
        hub = self.env.clusters[self.env.hub]
        iv = self.env.opts.flux_interval
        hub.apply(f"{FLUX_GIT}/bench", {
            "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
            "metadata": {"name": "bench", "namespace": "flux-system"},
            "spec": {"url": self.env.repo_url, "ref": {"branch": "main"},
                     "interval": self.env.opts.flux_source_interval}})
        for app in self.env.apps:
            hub.apply(f"{FLUX_KS}/{app}", {
                "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                "metadata": {"name": app, "namespace": "flux-system"},
                "spec": {"sourceRef": {"kind": "GitRepository", "name": "bench"},
                         "path": f"./apps/{app}", "targetNamespace": workload.NAMESPACE,
                         "prune": True, "wait": True, "interval": iv, "timeout": "2m",
                         "kubeConfig": {"secretRef": {"name": f"kubeconfig-{self.env.cell_of(app)}"}}}})

    def notify(self, commit):
        hub = self.env.clusters[self.env.hub]
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) + f"-{time.monotonic_ns()}"
        hub.patch(f"{FLUX_GIT}/bench",
                  {"metadata": {"annotations": {"reconcile.fluxcd.io/requestedAt": stamp}}})

    def app_set(self):
        return FLUX_KS, flux_ks_ok, len(self.env.apps)


class Cellgate:
    """cellgate's fleet controller, one process (`cellgate controller`), spawned here."""
    name = "cellgate"

    def __init__(self, env):
        self.env = env
        self.dir = os.path.join(env.home, "compare-cellgate")
        self.proc = None
        self.startup_seconds = None
        self.binary = env.opts.cellgate_bin

    def available(self):
        """None if cellgate can be measured, else why not."""
        if not self.binary or not os.access(self.binary, os.X_OK):
            return f"no cellgate binary at {self.binary} (build it: cmake --build ... --target cellgate)"
        r = subprocess.run([self.binary, "controller", "--help"], capture_output=True, text=True)
        if r.returncode != 0:
            return f"{self.binary} has no `controller` command yet ({(r.stderr or r.stdout).strip()[:200]})"
        return None

    def command(self):
        # As the peers run: one replica, no leader election (Argo CD's controller has none,
        # Flux runs with --enable-leader-election=false); every other setting its default.
        e = self.env
        return [self.binary, "controller", "--kubeconfig", e.kubeconfig, "--context", e.hub,
                "--namespace", "argocd", "--leader-elect=false", "--bind-address", "127.0.0.1",
                # The bench's push delivery is unsigned (see notify).
                "--allow-unsigned-webhooks",
                "--metrics-port", str(self.port), "--cache-dir", os.path.join(self.dir, "cache"),
                *e.opts.cellgate_args]

    def start(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(os.path.join(self.dir, "logs"))
        self.port = free_port()
        # The Applications and cluster Secrets live in namespace argocd, as for Argo CD.
        self.env.clusters[self.env.hub].apply("/api/v1/namespaces/argocd", {
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "argocd"}})
        log = open(os.path.join(self.dir, "logs", "controller.log"), "ab")
        t0 = time.monotonic()
        env = dict(os.environ, HOME=self.dir, TMPDIR=self.dir,
                   XDG_CACHE_HOME=os.path.join(self.dir, "cache"))
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                     env=env, cwd=self.dir, start_new_session=True)
        log.close()
        with open(os.path.join(self.dir, "controller.pid"), "w") as f:
            f.write(str(self.proc.pid))
        hub = self.env.clusters[self.env.hub]
        # Ready when it has installed the Application CRD and answers (or, if it has a
        # readiness address, when /readyz passes).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"cellgate controller exited with {self.proc.returncode}: "
                                   f"{self._log_tail()}")
            if self._ready(hub):
                self.startup_seconds = time.monotonic() - t0
                return
            time.sleep(0.25)
        raise RuntimeError(f"cellgate controller not ready after 120s: {self._log_tail()}")

    def _ready(self, hub):
        # /readyz: the registry and the hub's caches have listed (fleet_runtime.h).
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def _log_tail(self):
        try:
            with open(os.path.join(self.dir, "logs", "controller.log"), "rb") as f:
                return f.read()[-800:].decode(errors="replace")
        except OSError:
            return ""

    def pids(self):
        if self.proc is None or self.proc.poll() is not None:
            raise RuntimeError("cellgate controller is not running")
        return {"cellgate-controller": self.proc.pid}

    def register_cells(self):
        ArgoCD.register_cells(self)

    def apply_apps(self):
        if not self.env.opts.cellgate_appsets:
            ArgoCD.apply_apps(self)
            return
        # The same Applications, generated: one ApplicationSet per cell whose list generator
        # names that cell's apps, and whose template is the Application above.
        hub = self.env.clusters[self.env.hub]
        for cell in self.env.cells:
            apps = [a for a in self.env.apps if self.env.cell_of(a) == cell]
            app = argo_application("{{app}}", cell, self.env.repo_url)
            hub.apply(f"{ARGO_APPSETS}/bench-{cell}", {
                "apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
                "metadata": {"name": f"bench-{cell}", "namespace": "argocd"},
                "spec": {"generators": [{"list": {"elements": [{"app": a} for a in apps]}}],
                         "template": {"metadata": {"name": "{{app}}"}, "spec": app["spec"]}}})

    def notify(self, commit):
        if self.env.opts.cellgate_notify == "annotate":
            refresh_all(self.env)
            return
        # Its own push path: one GitHub push delivery to POST /api/webhook (no secret is
        # configured and --allow-unsigned-webhooks is given, so it is accepted unsigned, as
        # Argo CD accepts it with no secret). No commit file lists:
        # every app of the repository is touched.
        body = json.dumps({"ref": "refs/heads/main", "before": self.env.opts.before_commit,
                           "after": commit,
                           "repository": {"html_url": self.env.repo_url,
                                          "clone_url": self.env.repo_url},
                           "commits": []}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/webhook", data=body,
                                     headers={"Content-Type": "application/json",
                                              "X-GitHub-Event": "push"})
        with urllib.request.urlopen(req, timeout=10) as r:
            if r.status // 100 != 2:
                raise RuntimeError(f"cellgate webhook answered {r.status}")

    def app_set(self):
        return ARGO_APPS, argo_app_ok, len(self.env.apps)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make(name, env):
    return {"argocd": ArgoCD, "flux": Flux, "cellgate": Cellgate}[name](env)
