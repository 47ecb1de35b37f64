"""A small Kubernetes REST client for the fleet comparison harness.

Why not kubectl: the harness watches thousands of objects and times events to the
millisecond; a kubectl process per poll would cost more CPU than some of the systems it
measures, on the same two cores. This client speaks HTTPS with the client certificate of a
kubeconfig context (local cells use certificate auth only), keeps one connection per thread,
and counts every request it sends per context, so the harness can subtract its own traffic
from the API servers' apiserver_request_total.

Thread-safety: a Cluster may be used from many threads (connections are per thread; the
request counter is locked). A Watch runs on its own thread.
"""
import base64
import http.client
import json
import os
import re
import ssl
import threading
import time
import urllib.parse

import yaml


class KubeError(Exception):
    def __init__(self, status, message):
        super().__init__(f"{status}: {message}")
        self.status = status


def load_contexts(kubeconfig, tls_dir):
    """Cluster per context of a kubeconfig (embedded data or file paths)."""
    with open(kubeconfig) as f:
        cfg = yaml.safe_load(f)
    clusters = {c["name"]: c["cluster"] for c in cfg.get("clusters", [])}
    users = {u["name"]: u["user"] for u in cfg.get("users", [])}
    os.makedirs(tls_dir, mode=0o700, exist_ok=True)
    out = {}
    for ctx in cfg.get("contexts", []):
        name, c = ctx["name"], ctx["context"]
        cluster, user = clusters[c["cluster"]], users[c["user"]]

        def material(obj, key):
            if obj.get(key + "-data"):
                path = os.path.join(tls_dir, f"{name}.{key}")
                with open(path, "wb") as f:
                    os.chmod(path, 0o600)
                    f.write(base64.b64decode(obj[key + "-data"]))
                return path
            return obj.get(key)

        out[name] = Cluster(name, cluster["server"], material(cluster, "certificate-authority"),
                            material(user, "client-certificate"), material(user, "client-key"))
    return out


class Cluster:
    def __init__(self, name, server, ca, cert, key):
        self.name = name
        self.server = server
        u = urllib.parse.urlparse(server)
        self.host, self.port = u.hostname, u.port or 443
        self.ctx = ssl.create_default_context(cafile=ca)
        self.ctx.load_cert_chain(cert, key)
        self._local = threading.local()
        self._lock = threading.Lock()
        self.requests = 0  # requests this process sent to this cluster

    def _conn(self, timeout=30):
        c = getattr(self._local, "conn", None)
        if c is None:
            c = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=timeout)
            self._local.conn = c
        return c

    def count(self, n=1):
        with self._lock:
            self.requests += n

    def request(self, method, path, body=None, content_type="application/json", ok=(200, 201)):
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = content_type
        for attempt in range(3):
            conn = self._conn()
            self.count()
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                raw = resp.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
                time.sleep(0.2)
                continue
            if resp.status not in ok:
                raise KubeError(resp.status, raw[:300].decode(errors="replace"))
            if not raw:
                return None
            if path.startswith("/metrics"):
                return raw.decode()
            return json.loads(raw)
        return None

    def get(self, path):
        return self.request("GET", path)

    def exists(self, path):
        try:
            self.get(path)
            return True
        except KubeError as e:
            if e.status == 404:
                return False
            raise

    def apply(self, path, obj, manager="fleet-bench"):
        """Server-side apply (force) of one object at its resource path."""
        sep = "&" if "?" in path else "?"
        return self.request("PATCH", f"{path}{sep}fieldManager={manager}&force=true", obj,
                            content_type="application/apply-patch+yaml")

    def patch(self, path, body, kind="merge", manager=None):
        ctype = {"merge": "application/merge-patch+json",
                 "strategic": "application/strategic-merge-patch+json",
                 "json": "application/json-patch+json"}[kind]
        if manager:
            path += ("&" if "?" in path else "?") + f"fieldManager={manager}"
        return self.request("PATCH", path, body, content_type=ctype)

    def delete(self, path):
        try:
            return self.request("DELETE", path, ok=(200, 202))
        except KubeError as e:
            if e.status != 404:
                raise
            return None

    def request_total(self):
        """apiserver_request_total summed by verb (and 'ALL'), from this server's /metrics."""
        text = self.request("GET", "/metrics")
        by_verb = {}
        for line in text.splitlines():
            if not line.startswith("apiserver_request_total{"):
                continue
            labels, _, value = line.rpartition(" ")
            m = re.search(r'verb="([^"]*)"', labels)
            verb = m.group(1) if m else "?"
            by_verb[verb] = by_verb.get(verb, 0.0) + float(value)
        by_verb["ALL"] = sum(by_verb.values())
        return by_verb


class Watch:
    """List then watch a collection, keeping the latest object per namespace/name.

    on_change(key, obj_or_None, now) is called for every change (None = deleted), on the
    watch thread, with time.monotonic() at the moment the event was read.
    """

    def __init__(self, cluster, path, on_change, selector=None):
        self.cluster, self.path, self.on_change = cluster, path, on_change
        self.selector = selector
        self.objects = {}
        self.synced = threading.Event()
        self._stop = threading.Event()
        self._resp = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _query(self, extra):
        q = dict(extra)
        if self.selector:
            q["labelSelector"] = self.selector
        return self.path + "?" + urllib.parse.urlencode(q)

    @staticmethod
    def key(obj):
        m = obj["metadata"]
        return f"{m.get('namespace', '')}/{m['name']}"

    def _relist(self):
        lst = self.cluster.get(self._query({}))
        now = time.monotonic()
        seen = set()
        for obj in lst.get("items", []):
            k = self.key(obj)
            seen.add(k)
            self.objects[k] = obj
            self.on_change(k, obj, now)
        for k in list(self.objects):
            if k not in seen:
                del self.objects[k]
                self.on_change(k, None, now)
        return lst["metadata"]["resourceVersion"]

    def _run(self):
        rv = None
        while not self._stop.is_set():
            try:
                if rv is None:
                    rv = self._relist()
                    self.synced.set()
                rv = self._watch_once(rv)
            except Exception:  # noqa: BLE001 - a broken watch is relisted, never fatal
                if self._stop.is_set():
                    return
                rv = None
                time.sleep(0.5)

    def _watch_once(self, rv):
        c = self.cluster
        conn = http.client.HTTPSConnection(c.host, c.port, context=c.ctx, timeout=330)
        c.count()
        conn.request("GET", self._query({"watch": "1", "resourceVersion": rv,
                                         "allowWatchBookmarks": "true", "timeoutSeconds": "300"}),
                     headers={"Accept": "application/json"})
        resp = conn.getresponse()
        if resp.status != 200:
            conn.close()
            return None
        self._resp = conn
        try:
            while not self._stop.is_set():
                line = resp.readline()
                if not line:
                    return rv
                ev = json.loads(line)
                now = time.monotonic()
                obj = ev.get("object", {})
                typ = ev.get("type")
                if typ == "ERROR":
                    return None  # 410 Gone and friends: relist
                rv = obj.get("metadata", {}).get("resourceVersion", rv)
                if typ == "BOOKMARK":
                    continue
                k = self.key(obj)
                if typ == "DELETED":
                    self.objects.pop(k, None)
                    self.on_change(k, None, now)
                else:
                    self.objects[k] = obj
                    self.on_change(k, obj, now)
        finally:
            conn.close()
        return rv

    def stop(self):
        self._stop.set()
        if self._resp is not None:
            try:
                self._resp.sock and self._resp.sock.shutdown(2)
            except OSError:
                pass
        self._thread.join(timeout=5)
