#!/usr/bin/env python3
"""The alert rules query only metrics the controller exposes, aggregate only by labels those
metrics have, and each alert carries severity plus summary/description annotations that name
the app (or the cell). promtool accepts a misspelt metric name, and an alert on a series
that never exists never fires; this is the check that catches it."""
import re
import sys

from deploylib import ROOT, fail, load_all, metric_labels, unknown_metrics

ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yaml"
REQUIRED = {"CellgateAppOutOfSync", "CellgateAppDegraded", "CellgateCellUnreachable",
            "CellgateSyncFailing", "CellgateSelfHealFighting"}
SEVERITIES = {"critical", "warning", "info"}


def main():
    errors = []
    rules = [r for g in load_all(ALERTS)[0]["groups"] for r in g["rules"]]
    labels = metric_labels()
    names = set()
    for r in rules:
        name = r.get("alert") or r.get("record")
        names.add(name)
        expr = r["expr"]
        for m in unknown_metrics(expr):
            errors.append(f"{name}: unknown metric {m}")
        used = set()
        for m in re.findall(r"\bcellgate_[a-z0-9_]+", expr):
            used |= labels.get(m, set())
        by = [s.strip() for g in re.findall(r"\bby\s*\(([^)]*)\)", expr) for s in g.split(",")]
        for label in by:
            if label not in used:
                errors.append(f"{name}: by ({label}) is not a label of {sorted(used)}")
        if "alert" not in r:
            continue
        if r.get("labels", {}).get("severity") not in SEVERITIES:
            errors.append(f"{name}: severity label {r.get('labels', {}).get('severity')!r}")
        ann = r.get("annotations", {})
        subject = "{{ $labels.cell }}"
        for key in ("summary", "description"):
            text = ann.get(key, "")
            if subject not in text:
                errors.append(f"{name}: {key} does not name the cell")
            if "name" in by and "{{ $labels.name }}" not in text:
                errors.append(f"{name}: {key} does not name the app")
            for used_label in re.findall(r"\$labels\.([a-z_]+)", text):
                if used_label not in by:
                    errors.append(f"{name}: {key} uses $labels.{used_label}, which the expression drops")
    for missing in sorted(REQUIRED - names):
        errors.append(f"alert {missing} is missing")
    print(f"checked {len(rules)} rules in {ALERTS.name}")
    return fail(errors)


if __name__ == "__main__":
    sys.exit(main())
