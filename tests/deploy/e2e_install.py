#!/usr/bin/env python3
"""deploy/ against a real cell: applies the CRDs and install.yaml with server-side apply to
context cell-1 of $CELLGATE_KUBECONFIG (default $CELLGATE_HOME/kubeconfig), then checks

- the CRDs are established, structural, and serve the Argo CD short names;
- install.yaml is accepted without warnings (its namespace enforces the "restricted" Pod
  Security Standard), both replicas are created and land on different nodes, the metrics
  Service selects them, and the ServiceAccount has the permissions the controller needs,
  while the narrow role alone grants nothing beyond them;
- the seed manifests (examples/seeds) and the Argo CD manifests in testdata/ apply with
  strict field validation and are stored unchanged; broken ones are rejected;
- `kubectl get applications` shows SYNC STATUS and HEALTH STATUS (REVISION and PROJECT with
  -o wide) from a status written with an ordinary update, as Argo CD's controller does;
  ApplicationSet status is a subresource;

and deletes what it created (objects that existed before are left alone). It fails, never
skips, when no cell is reachable.
"""
import json
import os
import pathlib
import re
import subprocess
import sys

from deploylib import ROOT, load_all, rel

CONTEXT = "cell-1"
MANAGER = "cellgate-deploy-e2e"
SA = "system:serviceaccount:cellgate:cellgate-controller"
ARGO_KINDS = {"Application", "ApplicationSet", "AppProject"}


class Failure(Exception):
    pass


def kubeconfig():
    if os.environ.get("CELLGATE_KUBECONFIG"):
        return os.environ["CELLGATE_KUBECONFIG"]
    if os.environ.get("CELLGATE_HOME"):
        return os.path.join(os.environ["CELLGATE_HOME"], "kubeconfig")
    return str(ROOT / ".cellgate" / "kubeconfig")


def kubectl_binary():
    r = subprocess.run([str(ROOT / "scripts" / "kube-tools"), "path"], capture_output=True, text=True)
    path = pathlib.Path(r.stdout.strip()) / "kubectl"
    if r.returncode != 0 or not os.access(path, os.X_OK):
        raise Failure(f"kubectl is not built ({path}): run scripts/kube-tools")
    return str(path)


class Kubectl:
    def __init__(self):
        self.base = [kubectl_binary(), "--kubeconfig", kubeconfig(), "--context", CONTEXT]

    def run(self, *args, stdin=None, check=True, timeout=180):
        cmd = self.base + list(args)
        try:
            r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failure(f"timed out after {timeout}s: kubectl {' '.join(args)}")
        if check and r.returncode != 0:
            raise Failure(f"kubectl {' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
        return r

    def apply(self, path=None, namespace=None, stdin=None, check=True):
        args = ["apply", "--server-side", f"--field-manager={MANAGER}", "--validate=strict"]
        if namespace:
            args += ["-n", namespace]
        args += ["-f", str(path) if path else "-"]
        return self.run(*args, stdin=stdin, check=check)


class Run:
    def __init__(self, kubectl):
        self.k = kubectl
        self.failures = []
        self.created = []  # (type, name, namespace), in creation order

    def ok(self, what):
        print(f"ok: {what}", flush=True)

    def check(self, cond, what, detail=""):
        if cond:
            self.ok(what)
        else:
            self.failures.append(f"{what}{': ' + detail if detail else ''}")
            print(f"FAIL: {what}{': ' + detail if detail else ''}", flush=True)
        return cond

    def exists(self, ref):
        kind, name, ns = ref
        args = ["get", kind, name, "-o", "name", "--ignore-not-found"]
        if ns:
            args += ["-n", ns]
        return bool(self.k.run(*args).stdout.strip())

    def track(self, refs, before):
        for ref, existed in zip(refs, before):
            if not existed and ref not in self.created:
                self.created.append(ref)

    def apply_tracked(self, path, namespace=None):
        """Applies a manifest file; returns (documents, their refs, kubectl's stderr)."""
        docs = load_all(path)
        refs = [ref_of(d, namespace) for d in docs]
        before = [self.exists(r) for r in refs]
        try:
            r = self.k.apply(path, namespace)
        finally:
            self.track(refs, [b or not self.exists(ref) for ref, b in zip(refs, before)])
        return docs, refs, r.stderr

    def ensure_namespace(self, name):
        ref = ("Namespace", name, None)
        if not self.exists(ref):
            self.k.run("create", "namespace", name)
            self.created.append(ref)

    def cleanup(self):
        for kind, name, ns in reversed(self.created):
            where = ["-n", ns] if ns else []
            if kind.split(".")[0] in ARGO_KINDS:
                # No controller runs here to honour Argo CD's resources finalizer.
                self.k.run("patch", kind, name, *where, "--type=merge",
                           "-p", '{"metadata":{"finalizers":null}}', check=False)
            args = ["delete", kind, name, *where, "--ignore-not-found", "--wait=true", "--timeout=120s"]
            r = self.k.run(*args, check=False, timeout=150)
            if r.returncode != 0:
                self.failures.append(f"cleanup: could not delete {kind} {ns or ''}/{name}: {r.stderr.strip()}")
        print(f"cleanup: deleted {len(self.created)} objects this test created", flush=True)


def ref_of(doc, namespace=None):
    group, _, _ = doc["apiVersion"].rpartition("/")
    kind = f"{doc['kind']}.{group}" if group else doc["kind"]
    ns = doc["metadata"].get("namespace")
    if not ns and doc["kind"] in ARGO_KINDS:
        ns = namespace
    return kind, doc["metadata"]["name"], ns


# Kubernetes (>= 1.31) warns about every finalizer without a "/" in its name, including
# Argo CD's own resources-finalizer.argocd.argoproj.io, which real manifests carry. It is
# about the object's metadata, not the schema, so it is the one warning allowed.
FINALIZER_WARNING = re.compile(r'^Warning: metadata\.finalizers: "[^"]+": prefer a domain-qualified finalizer name.*$',
                               re.MULTILINE)


def warnings(stderr):
    return FINALIZER_WARNING.sub("", stderr).strip()


def columns(line):
    return re.split(r"\s{2,}", line.strip())


def table(output):
    lines = [l for l in output.splitlines() if l.strip()]
    return (columns(lines[0]) if lines else []), [columns(l) for l in lines[1:]]


def stored_unchanged(run, doc, ref, path):
    kind, name, ns = ref
    stored = json.loads(run.k.run("get", kind, name, "-n", ns, "-o", "json").stdout)
    diffs = []
    for key in sorted(set(doc) | set(stored)):
        if key == "metadata":
            continue
        if doc.get(key) != stored.get(key):
            diffs.append(f"{key}: sent {json.dumps(doc.get(key))[:400]} stored {json.dumps(stored.get(key))[:400]}")
    meta, smeta = doc["metadata"], stored["metadata"]
    if smeta.get("namespace") != ns:
        diffs.append(f"namespace {smeta.get('namespace')}")
    for key in ("labels", "annotations", "finalizers"):
        if meta.get(key) != smeta.get(key):
            diffs.append(f"metadata.{key}: sent {meta.get(key)} stored {smeta.get(key)}")
    run.check(not diffs, f"{rel(path)}: {doc['kind']} {name} stored unchanged", "; ".join(diffs))


def test_crds(run):
    crds = sorted((ROOT / "deploy" / "crds").glob("*.yaml"))
    for path in crds:
        _, _, stderr = run.apply_tracked(path)
        run.check("Warning" not in stderr, f"apply {rel(path)} without warnings", stderr.strip())
    names = ["applications.argoproj.io", "applicationsets.argoproj.io", "appprojects.argoproj.io"]
    run.k.run("wait", "--for=condition=Established", "--timeout=60s", *[f"crd/{n}" for n in names])
    run.ok("CRDs established")
    for n in names:
        conds = json.loads(run.k.run("get", "crd", n, "-o", "json").stdout)["status"].get("conditions", [])
        bad = [c for c in conds if c["type"] == "NonStructuralSchema" and c["status"] == "True"]
        run.check(not bad, f"{n} has a structural schema", str(bad))
    out = run.k.run("api-resources", "--api-group=argoproj.io", "--no-headers").stdout
    rows = {r.split()[0]: r.split() for r in out.splitlines() if r.strip()}
    for plural, short, kind in (("applications", "app,apps", "Application"),
                                ("applicationsets", "appset,appsets", "ApplicationSet"),
                                ("appprojects", "appproj,appprojs", "AppProject")):
        run.check(rows.get(plural) == [plural, short, "argoproj.io/v1alpha1", "true", kind],
                  f"{plural} served, namespaced, short names {short}", str(rows.get(plural)))


def can_i(run, user, verb, resource, namespace=None, subresource=None):
    args = ["auth", "can-i", verb, resource, f"--as={user}"]
    if subresource:
        args.append(f"--subresource={subresource}")
    args += ["-n", namespace] if namespace else ["--all-namespaces"]
    return run.k.run(*args, check=False).stdout.strip() == "yes"


# (verb, resource, namespace or None for all, subresource): what the controller must be able to do.
NEEDED = [
    ("list", "applications.argoproj.io", None, None),
    ("watch", "applications.argoproj.io", None, None),
    ("update", "applications.argoproj.io", "team-payments", None),
    ("create", "applications.argoproj.io", "cellgate", None),
    ("delete", "applications.argoproj.io", "cellgate", None),
    ("watch", "applicationsets.argoproj.io", None, None),
    ("update", "applicationsets.argoproj.io", "cellgate", "status"),
    ("list", "appprojects.argoproj.io", None, None),
    ("create", "events", "team-payments", None),
    ("create", "events.events.k8s.io", "team-payments", None),
    ("get", "customresourcedefinitions.apiextensions.k8s.io", None, None),
    ("create", "customresourcedefinitions.apiextensions.k8s.io", None, None),
    ("patch", "customresourcedefinitions.apiextensions.k8s.io", None, None),
    ("watch", "secrets", "cellgate", None),
    ("update", "leases.coordination.k8s.io", "cellgate", None),
    ("create", "leases.coordination.k8s.io", "cellgate", None),
]
# What the narrow role must not grant (the hub-cell role does).
NOT_NARROW = [
    ("get", "secrets", "kube-system", None),
    ("list", "secrets", None, None),
    ("create", "deployments.apps", "default", None),
    ("update", "customresourcedefinitions.apiextensions.k8s.io", None, None),
    ("delete", "customresourcedefinitions.apiextensions.k8s.io", None, None),
    ("delete", "appprojects.argoproj.io", "cellgate", None),
    ("create", "clusterroles.rbac.authorization.k8s.io", None, None),
]


def test_install(run, probe_ns):
    path = ROOT / "deploy" / "install.yaml"
    _, _, stderr = run.apply_tracked(path)
    run.check("Warning" not in stderr, "apply deploy/install.yaml without warnings (Pod Security restricted)",
              stderr.strip())
    run.k.run("-n", "cellgate", "rollout", "status", "deployment/cellgate-controller", "--timeout=120s")
    pods = json.loads(run.k.run("-n", "cellgate", "get", "pods", "-l",
                                "app.kubernetes.io/name=cellgate-controller", "-o", "json").stdout)["items"]
    nodes = {p["spec"].get("nodeName") for p in pods}
    run.check(len(pods) == 2, "two controller replicas admitted and running", f"{len(pods)} pods")
    run.check(len(nodes) == 2 and None not in nodes, "replicas on different nodes", str(nodes))
    c = pods[0]["spec"]["containers"][0] if pods else {}
    run.check(c.get("command") == ["cellgate", "controller", "--namespace", "cellgate",
                                   "--bind-address", "$(POD_IP)", "--metrics-port", "8083",
                                   "--tools-dir", "/usr/local/bin"],
              "controller command line", str(c.get("command")))
    eps = json.loads(run.k.run("-n", "cellgate", "get", "endpoints", "cellgate-controller-metrics",
                               "-o", "json").stdout).get("subsets", [])
    targets = {a["targetRef"]["name"] for s in eps for a in s.get("addresses", []) + s.get("notReadyAddresses", [])}
    ports = {(p["name"], p["port"]) for s in eps for p in s.get("ports", [])}
    run.check(targets == {p["metadata"]["name"] for p in pods} and ports == {("metrics", 8083)},
              "metrics Service selects both replicas on port 8083", f"{targets} {ports}")

    missing = [n for n in NEEDED if not can_i(run, SA, *n)]
    run.check(not missing, "controller ServiceAccount has the permissions it needs", str(missing))
    run.check(can_i(run, SA, "*", "*"), "controller ServiceAccount can manage the hub as a cell (hub-cell role)")

    # The narrow role alone: a probe ServiceAccount bound to it the way install.yaml binds
    # the controller, without the hub-cell binding (deploy/README.md: remote cells only).
    probe = f"system:serviceaccount:{probe_ns}:rbac-probe"
    run.k.run("-n", probe_ns, "create", "serviceaccount", "rbac-probe")
    crb = f"{probe_ns}-rbac-probe"
    run.k.run("create", "clusterrolebinding", crb, "--clusterrole=cellgate-controller",
              f"--serviceaccount={probe_ns}:rbac-probe")
    run.created.append(("ClusterRoleBinding.rbac.authorization.k8s.io", crb, None))
    run.k.run("-n", "cellgate", "create", "rolebinding", crb, "--role=cellgate-controller",
              f"--serviceaccount={probe_ns}:rbac-probe")
    run.created.append(("RoleBinding.rbac.authorization.k8s.io", crb, "cellgate"))
    missing = [n for n in NEEDED if not can_i(run, probe, *n)]
    run.check(not missing, "the narrow role alone grants what the controller needs", str(missing))
    extra = [n for n in NOT_NARROW if can_i(run, probe, *n)]
    run.check(not extra, "the narrow role grants nothing cluster-wide beyond that", str(extra))


def test_manifests(run, test_ns):
    run.ensure_namespace("argocd")
    files = [ROOT / "examples" / "seeds" / n for n in
             ("root-app.yaml", "backend-services.yaml", "guestbook.yaml", "microservices.yaml")]
    files += sorted((ROOT / "tests" / "deploy" / "testdata").glob("argocd-*.yaml"))
    for path in files:
        namespaced = all(d["metadata"].get("namespace") for d in load_all(path))
        docs, refs, stderr = run.apply_tracked(path, None if namespaced else test_ns)
        run.check("Warning" not in warnings(stderr), f"apply {rel(path)} without warnings", stderr.strip())
        for doc, ref in zip(docs, refs):
            stored_unchanged(run, doc, ref, path)

    app = load_all(ROOT / "examples" / "seeds" / "root-app.yaml")[0]
    broken = []
    typo = json.loads(json.dumps(app))
    typo["spec"]["syncPoilcy"] = typo["spec"].pop("syncPolicy")
    broken.append(("unknown field", typo, ".spec.syncPoilcy: field not declared in schema"))
    wrong = json.loads(json.dumps(app))
    wrong["spec"]["syncPolicy"]["automated"]["prune"] = "yes"
    broken.append(("string for a boolean", wrong, ".spec.syncPolicy.automated.prune: expected boolean"))
    no_project = json.loads(json.dumps(app))
    del no_project["spec"]["project"]
    broken.append(("missing spec.project", no_project, "spec.project: Required value"))
    for i, (what, obj, want) in enumerate(broken):
        obj["metadata"] = {"name": f"broken-{i}", "namespace": test_ns}
        r = run.k.apply(stdin=json.dumps(obj), check=False)
        out = r.stdout + r.stderr
        if r.returncode == 0:
            run.created.append(("Application.argoproj.io", f"broken-{i}", test_ns))
        run.check(r.returncode != 0 and want in out, f"rejects an Application with {what}", out.strip())


def test_columns(run, test_ns):
    header, _ = table(run.k.run("get", "applications", "-n", "argocd").stdout)
    run.check(header == ["NAME", "SYNC STATUS", "HEALTH STATUS", "AGE"],
              "kubectl get applications columns", str(header))
    # No status subresource, as Argo CD: status is written with an ordinary update.
    r = run.k.run("-n", "argocd", "patch", "application", "cell-bootstrap", "--subresource=status",
                  "--type=merge", "-p", '{"status":{"sync":{"status":"Synced"}}}', check=False)
    out = (r.stdout + r.stderr).strip()
    run.check(r.returncode != 0 and ("NotFound" in out or "not found" in out.lower()),
              "Application has no status subresource", out)
    status = {"status": {"sync": {"status": "OutOfSync", "revision": "0a1b2c3d"},
                         "health": {"status": "Progressing", "message": "Deployment rollout"},
                         "reconciledAt": "2024-06-01T12:00:00Z", "newerControllerField": {"x": 1}}}
    run.k.run("-n", "argocd", "patch", "application", "cell-bootstrap", "--type=merge", "-p", json.dumps(status))
    stored = json.loads(run.k.run("-n", "argocd", "get", "application", "cell-bootstrap", "-o", "json").stdout)
    run.check(stored.get("status") == status["status"], "status written with an ordinary update is stored whole",
              json.dumps(stored.get("status")))
    header, rows = table(run.k.run("get", "applications", "-n", "argocd").stdout)
    row = next((r for r in rows if r[0] == "cell-bootstrap"), None)
    run.check(row is not None and row[1:3] == ["OutOfSync", "Progressing"],
              "SYNC STATUS and HEALTH STATUS come from status", str(row))
    header, rows = table(run.k.run("get", "applications", "-n", "argocd", "-o", "wide").stdout)
    row = next((r for r in rows if r[0] == "cell-bootstrap"), None)
    run.check(header == ["NAME", "SYNC STATUS", "HEALTH STATUS", "REVISION", "PROJECT", "AGE"]
              and row is not None and row[1:5] == ["OutOfSync", "Progressing", "0a1b2c3d", "default"],
              "kubectl get applications -o wide adds REVISION and PROJECT", f"{header} {row}")

    for resource in ("applicationsets", "appprojects"):
        header, _ = table(run.k.run("get", resource, "-n", test_ns).stdout)
        run.check(header == ["NAME", "AGE"], f"kubectl get {resource} columns", str(header))
    # ApplicationSet status is a subresource: writes to the main resource leave it alone.
    run.k.run("-n", test_ns, "patch", "applicationset", "guestbook", "--subresource=status", "--type=merge",
              "-p", '{"status":{"resourcesCount":3}}')
    run.k.run("-n", test_ns, "patch", "applicationset", "guestbook", "--type=merge",
              "-p", '{"status":{"resourcesCount":5}}')
    count = run.k.run("-n", test_ns, "get", "applicationset", "guestbook",
                      "-o", "jsonpath={.status.resourcesCount}").stdout
    run.check(count == "3", "ApplicationSet status is a subresource", f"resourcesCount {count!r}")

    for short, want in (("app", "application.argoproj.io/cell-bootstrap"),
                        ("apps", "application.argoproj.io/cell-bootstrap"),
                        ("appset", "applicationset.argoproj.io/microservices"),
                        ("appsets", "applicationset.argoproj.io/microservices"),
                        ("appproj", None), ("appprojs", None)):
        ns = "argocd" if want else test_ns
        want = want or "appproject.argoproj.io/payments"
        out = run.k.run("get", short, "-n", ns, "-o", "name").stdout.split()
        run.check(want in out, f"kubectl get {short}", str(out))


def main():
    try:
        k = Kubectl()
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    if not os.path.exists(kubeconfig()):
        print(f"FAIL: no kubeconfig at {kubeconfig()}: start a cell with scripts/local-cells up cell-1 "
              "(and set CELLGATE_KUBECONFIG or CELLGATE_HOME)", file=sys.stderr)
        return 1
    r = k.run("get", "--raw", "/readyz", "--request-timeout=10s", check=False, timeout=30)
    if r.returncode != 0:
        print(f"FAIL: cell {CONTEXT} is not reachable with {kubeconfig()}: {(r.stdout + r.stderr).strip()}\n"
              "start it with scripts/local-cells up cell-1", file=sys.stderr)
        return 1
    run = Run(k)
    test_ns = f"cellgate-deploy-e2e-{os.getpid()}"
    try:
        run.ensure_namespace(test_ns)
        test_crds(run)
        test_install(run, test_ns)
        test_manifests(run, test_ns)
        test_columns(run, test_ns)
    except Failure as e:
        run.failures.append(str(e))
        print(f"FAIL: {e}", flush=True)
    finally:
        run.cleanup()
    if run.failures:
        print(f"\n{len(run.failures)} failures:", file=sys.stderr)
        for f in run.failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    print("all deploy e2e checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
