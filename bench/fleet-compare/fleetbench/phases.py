"""What one phase of a run cost: wall time, CPU-seconds of the system's processes, its peak
RSS during the phase, and the API server requests it caused on every cell.

Requests caused = the growth of apiserver_request_total over the phase, minus the requests
the harness itself sent to that server (kube.Cluster counts them), minus the cell's own
background rate (its controller-manager, scheduler and kwok; measured with nothing running
before the system starts) times the phase's length. The raw growth and both corrections are
kept in the JSON, so a reader can redo the subtraction.

Thread-safety: main thread only.
"""
import time


def snapshot(clusters):
    return {name: {"total": c.request_total(), "harness": c.requests} for name, c in clusters.items()}


def request_delta(before, after, seconds, baseline, scrape_counted):
    out = {}
    for name in after:
        b, a = before[name], after[name]
        raw = {v: a["total"].get(v, 0) - b["total"].get(v, 0) for v in a["total"]}
        harness = a["harness"] - b["harness"]
        # The scrape that took `before` counts in `after` if the server counts /metrics.
        if not scrape_counted:
            harness -= 1
        base = baseline.get(name, 0.0) * seconds
        out[name] = {"raw": raw.get("ALL", 0), "by_verb": {k: v for k, v in raw.items() if v},
                     "harness": harness, "background": round(base, 1),
                     "net": round(max(0.0, raw.get("ALL", 0) - harness - base), 1)}
    out["ALL"] = {"net": round(sum(v["net"] for v in out.values()), 1),
                  "raw": sum(v["raw"] for k, v in out.items() if k != "ALL")}
    return out


class Phase:
    def __init__(self, name, clusters, sampler, baseline, scrape_counted, log):
        self.name, self.clusters, self.sampler = name, clusters, sampler
        self.baseline, self.scrape_counted, self.log = baseline, scrape_counted, log
        self.t0 = time.monotonic()
        self.cpu0 = sampler.cpu()
        self.cpu0_by = sampler.cpu_by_process()
        self.req0 = snapshot(clusters)
        # Snapshots take a moment on four servers; start the clock after them.
        self.t0 = time.monotonic()

    def end(self, **extra):
        t1 = time.monotonic()
        seconds = t1 - self.t0
        cpu = self.sampler.cpu() - self.cpu0
        by = {k: round(v - self.cpu0_by.get(k, 0.0), 3) for k, v in self.sampler.cpu_by_process().items()}
        self.sampler.sample()
        peak = max((s[1] for s in self.sampler.samples if self.t0 - 1 <= s[0] <= t1 + 1), default=0)
        req1 = snapshot(self.clusters)
        out = {"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "cpu_by_process": by,
               "peak_rss_bytes": peak,
               "requests": request_delta(self.req0, req1, seconds, self.baseline, self.scrape_counted)}
        out.update(extra)
        self.log(f"  {self.name}: {seconds:.1f}s, CPU {cpu:.1f}s, peak RSS {peak / 2**20:.0f} MiB, "
                 f"requests caused {out['requests']['ALL']['net']:.0f}")
        return out


def baseline_rates(clusters, seconds):
    """Requests per second each server gets with no system running."""
    a = snapshot(clusters)
    time.sleep(seconds)
    b = snapshot(clusters)
    rates = {}
    for n in clusters:
        d = b[n]["total"].get("ALL", 0) - a[n]["total"].get("ALL", 0) - (b[n]["harness"] - a[n]["harness"])
        rates[n] = max(0.0, d) / seconds
    return rates


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    if v[lo] == float("inf") or (k > lo and v[hi] == float("inf")):
        return float("inf")
    return v[lo] + (v[hi] - v[lo]) * (k - lo)
