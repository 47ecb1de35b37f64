"""Drift to healed: `kubectl edit`s of managed objects, and how long until each is reverted.

Each edit is what `kubectl edit` sends: a strategic merge patch with field manager
kubectl-edit. Even edits change a ConfigMap's data.greeting, odd ones a Deployment's
spec.replicas (1 -> 2). Edits go to distinct apps spread over all cells (an app edited twice
would meet the systems' self-heal backoff, which is another figure), one every `gap`
seconds, so several can be outstanding for a system that heals only on an interval.

Latency = the watch event that shows the object back at its Git value, minus the moment the
edit's PATCH returned. A waiter first has to see the drifted object, so an unrelated event
before the edit cannot pass for a heal.

Thread-safety: main thread; callbacks from watch threads only write their own record.
"""
import time

from . import workload
from .phases import percentile


def run(env, tracker, rev, edits, gap, timeout, log):
    apps = env.apps
    n = len(apps)
    records = []
    for i in range(edits):
        app = apps[(i * n) // edits if edits <= n else i % n]
        cell = env.cell_of(app)
        c = env.clusters[cell]
        rec = {"i": i, "app": app, "cell": cell, "t_healed": None}
        seen = {"drifted": False}
        if i % 2 == 0:
            rec["kind"] = "ConfigMap data"
            path = f"/api/v1/namespaces/{workload.NAMESPACE}/configmaps/{app}"
            body = {"data": {"greeting": f"drifted-{i}"}}
            wset = f"configmaps@{cell}"

            def drifted(o, i=i):
                return o.get("data", {}).get("greeting") == f"drifted-{i}"

            def healed(o):
                return o.get("data", {}).get("greeting") == workload.greeting(rev)
        else:
            rec["kind"] = "Deployment replicas"
            path = f"/apis/apps/v1/namespaces/{workload.NAMESPACE}/deployments/{app}"
            body = {"spec": {"replicas": 2}}
            wset = f"deployments@{cell}"

            def drifted(o):
                return o.get("spec", {}).get("replicas") == 2

            def healed(o):
                return o.get("spec", {}).get("replicas") == 1

        def pred(o, drifted=drifted, healed=healed, seen=seen):
            if drifted(o):
                seen["drifted"] = True
                return False
            return seen["drifted"] and healed(o)

        def done(now, rec=rec):
            rec["t_healed"] = now

        tracker.wait_for(wset, f"{workload.NAMESPACE}/{app}", pred, done)
        rec["t_sent"] = time.monotonic()
        c.patch(path, body, kind="strategic", manager="kubectl-edit")
        rec["t_edit"] = time.monotonic()
        records.append(rec)
        time.sleep(gap)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(r["t_healed"] is None for r in records):
        time.sleep(0.2)
    tracker.cancel_waiters()
    lat = []
    for r in records:
        if r["t_healed"] is not None:
            # A heal can be seen before our PATCH response arrives; then count from the send.
            t_from = r["t_edit"] if r["t_healed"] >= r["t_edit"] else r["t_sent"]
            r["latency"] = round(r["t_healed"] - t_from, 3)
            lat.append(r["latency"])
        else:
            r["latency"] = None
    for r in records:
        for k in ("t_sent", "t_edit", "t_healed"):
            r.pop(k, None)
    healed = len(lat)
    # An edit not healed within the timeout counts as slower than every healed one: a
    # percentile that lands on one is "more than timeout" (None, and *_censored true).
    censored = lat + [float("inf")] * (edits - healed)
    out = {"edits": edits, "healed": healed, "unhealed": edits - healed, "gap_seconds": gap,
           "timeout_seconds": timeout,
           "max": max(lat) if lat and healed == edits else None, "min": min(lat) if lat else None,
           "records": records}
    for name, p in (("p50", 50), ("p90", 90), ("p99", 99)):
        v = percentile(censored, p)
        out[name] = None if v is None or v == float("inf") else round(v, 3)
        out[name + "_censored"] = v == float("inf")
    log(f"  drift: {healed}/{edits} healed, p50 {fmt(out['p50'])}, p99 {fmt(out['p99'])}, "
        f"max {fmt(out['max'])}")
    return out


def fmt(v):
    return "-" if v is None else f"{v:.2f}s"
