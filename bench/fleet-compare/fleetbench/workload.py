"""The workload: a Git repository of N apps (ConfigMap + Deployment + Service each), two
revisions of it, and the smart HTTP server that serves it.

Revision r1 is what the apps are created at; r2 changes every object of every app (the
ConfigMap's data and the fleet-bench/revision annotation of all three; with rollout=True also
the pod template, so every Deployment rolls out). Commits have fixed authors and dates, so
r1 and r2 have the same hashes in every run and for every system.

Apps are spread round-robin over the workload cells (app i -> cells[i % len(cells)]), all
in namespace `bench` of their cell, named app-0001.. so a name says which app an object is.

Thread-safety: none needed (used from the main thread).
"""
import os
import shutil
import subprocess
import time

NAMESPACE = "bench"
APP_LABEL = "fleet-bench/app"
REV_ANNOTATION = "fleet-bench/revision"
IMAGE = "registry.k8s.io/pause:3.10"


def app_names(n):
    return [f"app-{i:04d}" for i in range(1, n + 1)]


def cell_of(index, cells):
    return cells[index % len(cells)]


def greeting(rev):
    return f"hello from {rev}"


def _manifests(app, rev, rollout):
    meta = f"""  name: {app}
  labels:
    {APP_LABEL}: {app}
  annotations:
    {REV_ANNOTATION}: {rev}"""
    template_ann = f"\n      annotations:\n        {REV_ANNOTATION}: {rev}" if rollout else ""
    return {
        "configmap.yaml": f"""apiVersion: v1
kind: ConfigMap
metadata:
{meta}
data:
  greeting: {greeting(rev)}
  app: {app}
""",
        "deployment.yaml": f"""apiVersion: apps/v1
kind: Deployment
metadata:
{meta}
spec:
  replicas: 1
  selector:
    matchLabels:
      {APP_LABEL}: {app}
  template:
    metadata:
      labels:
        {APP_LABEL}: {app}{template_ann}
    spec:
      containers:
      - name: app
        image: {IMAGE}
        envFrom:
        - configMapRef:
            name: {app}
""",
        "service.yaml": f"""apiVersion: v1
kind: Service
metadata:
{meta}
spec:
  selector:
    {APP_LABEL}: {app}
  ports:
  - port: 80
    targetPort: 8080
""",
    }


def _git(cwd, *args, env=None):
    e = dict(os.environ)
    e.update({"GIT_AUTHOR_NAME": "fleet-bench", "GIT_AUTHOR_EMAIL": "bench@cellgate.local",
              "GIT_COMMITTER_NAME": "fleet-bench", "GIT_COMMITTER_EMAIL": "bench@cellgate.local",
              "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"})
    if env:
        e.update(env)
    return subprocess.run(["git", *args], cwd=cwd, env=e, check=True, capture_output=True,
                          text=True).stdout.strip()


class Repo:
    """The work tree with tags r1 and r2, and the bare repository the server serves."""

    def __init__(self, workdir, n, rollout=False):
        self.n, self.rollout = n, rollout
        self.src = os.path.join(workdir, f"src-{n}{'-rollout' if rollout else ''}")
        self.serve_root = os.path.join(workdir, "serve")
        self.bare = os.path.join(self.serve_root, "bench.git")
        self.commits = {}

    def generate(self):
        if os.path.isdir(os.path.join(self.src, ".git")):
            try:
                self.commits = {r: _git(self.src, "rev-parse", r) for r in ("r1", "r2")}
                return
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.src, ignore_errors=True)
        os.makedirs(self.src)
        _git(self.src, "init", "-q", "-b", "main")
        for k, rev in enumerate(("r1", "r2")):
            for app in app_names(self.n):
                d = os.path.join(self.src, "apps", app)
                os.makedirs(d, exist_ok=True)
                for fname, text in _manifests(app, rev, self.rollout).items():
                    with open(os.path.join(d, fname), "w") as f:
                        f.write(text)
            date = f"2026-01-01T00:0{k}:00Z"
            _git(self.src, "add", "-A")
            _git(self.src, "commit", "-q", "-m", f"{self.n} apps at {rev}",
                 env={"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
            _git(self.src, "tag", rev)
            self.commits[rev] = _git(self.src, "rev-parse", "HEAD")

    def reset(self):
        """A fresh bare repository whose main is r1 (each system starts from the same state)."""
        shutil.rmtree(self.bare, ignore_errors=True)
        os.makedirs(self.serve_root, exist_ok=True)
        _git(self.serve_root, "init", "-q", "--bare", "-b", "main", self.bare)
        _git(self.src, "push", "-q", self.bare, "r1^{commit}:refs/heads/main")

    def push(self, rev):
        _git(self.src, "push", "-q", "--force", self.bare, f"{rev}^{{commit}}:refs/heads/main")


class GitServer:
    """tests/testdata/git/git_http_server.py (git http-backend) on a free loopback port."""

    def __init__(self, root_dir, serve_root, logdir, lifetime):
        os.makedirs(serve_root, exist_ok=True)
        self.log = open(os.path.join(logdir, "git-http.log"), "ab")
        self.proc = subprocess.Popen(
            ["python3", os.path.join(root_dir, "tests/testdata/git/git_http_server.py"), serve_root,
             "--lifetime", str(lifetime)], stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode().strip()
        if not line.isdigit():
            raise RuntimeError("the git HTTP server did not start (see git-http.log)")
        self.url = f"http://127.0.0.1:{line}/bench.git"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def wait_until(pred, timeout, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(interval)
    return pred()
