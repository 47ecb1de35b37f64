"""Convergence from watches: when every app reports synced+healthy at the target revision
AND every object it owns is really in its cell at that revision.

A Tracker holds named sets, each fed by one Watch (kube.py): the apps in the hub, and the
ConfigMaps, Deployments and Services of each workload cell. Each set has an expected count
and a predicate over one object and the current target. The tracker is converged when every
set holds exactly the expected number of objects and all of them pass. arm(target) starts a
new wait (re-evaluating what the watches already hold); wait() returns the monotonic time at
which the last missing piece arrived, so a figure is the time of the event that completed
it, not of a poll.

Waiters (for drift): wait_for(set, key, predicate) fires once when that object passes.

Thread-safety: on_change runs on watch threads; everything is under one lock.
"""
import threading
import time


class Tracker:
    def __init__(self):
        self._lock = threading.Condition()
        self.sets = {}  # name -> dict(expected, pred, objects, ok, complete_at)
        self.target = None
        self.converged_at = None
        self._waiters = []  # (set, key, pred, callback)

    def add_set(self, name, expected, pred):
        with self._lock:
            self.sets[name] = {"expected": expected, "pred": pred, "objects": {}, "ok": set(),
                               "complete_at": None}

    def on_change_for(self, name):
        return lambda key, obj, now: self._on_change(name, key, obj, now)

    def _complete(self, s):
        return len(s["objects"]) == s["expected"] and len(s["ok"]) == s["expected"]

    def _on_change(self, name, key, obj, now):
        with self._lock:
            s = self.sets[name]
            if obj is None:
                s["objects"].pop(key, None)
                s["ok"].discard(key)
            else:
                s["objects"][key] = obj
                if self.target is not None and s["pred"](obj, self.target):
                    s["ok"].add(key)
                else:
                    s["ok"].discard(key)
            if self.target is not None and self.converged_at is None:
                # The last time this set became complete before everything was.
                if not self._complete(s):
                    s["complete_at"] = None
                elif s["complete_at"] is None:
                    s["complete_at"] = now
                if all(self._complete(x) for x in self.sets.values()):
                    self.converged_at = now
                    self._lock.notify_all()
            fired = []
            for w in self._waiters:
                wset, wkey, wpred, cb = w
                if wset == name and wkey == key and obj is not None and wpred(obj):
                    fired.append(w)
                    cb(now)
            for w in fired:
                self._waiters.remove(w)

    def arm(self, target):
        with self._lock:
            self.target = target
            self.converged_at = None
            for s in self.sets.values():
                s["ok"] = {k for k, o in s["objects"].items() if s["pred"](o, target)}
                s["complete_at"] = None
            now = time.monotonic()
            for s in self.sets.values():
                if self._complete(s):
                    s["complete_at"] = now
            if all(self._complete(x) for x in self.sets.values()):
                self.converged_at = now

    def wait(self, timeout):
        deadline = time.monotonic() + timeout
        with self._lock:
            while self.converged_at is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._lock.wait(min(left, 1.0))
            return self.converged_at

    def summary(self):
        """How far each set is (for progress lines and timeout reports)."""
        with self._lock:
            return {n: {"expected": s["expected"], "present": len(s["objects"]), "ok": len(s["ok"])}
                    for n, s in self.sets.items()}

    def complete_times(self):
        with self._lock:
            return {n: s["complete_at"] for n, s in self.sets.items()}

    def failing(self, limit=3):
        """A few objects that do not pass yet, with their set, for error messages."""
        out = []
        with self._lock:
            for n, s in self.sets.items():
                for k, o in s["objects"].items():
                    if k not in s["ok"]:
                        out.append((n, k, o))
                        if len(out) >= limit:
                            return out
        return out

    def get(self, name, key):
        with self._lock:
            return self.sets[name]["objects"].get(key)

    def wait_for(self, name, key, pred, callback):
        """callback(now) once, on the watch thread, when object `key` of set `name` passes pred."""
        with self._lock:
            self._waiters.append((name, key, pred, callback))

    def cancel_waiters(self):
        with self._lock:
            self._waiters.clear()
