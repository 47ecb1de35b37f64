#!/usr/bin/env python3
"""Checks deploy/grafana/fleet.json:

- it is well-formed JSON with a recent schemaVersion, a uid and unique panel ids, and its
  panels fit the 24-column grid without overlapping;
- it has the `cell` and `namespace` template variables (multi-value, with All), and every
  query of a metric that carries those labels filters on them, so the variables work;
- every PromQL expression (panel targets and variable queries), with the template
  variables substituted, parses: they are written as recording rules into a temporary
  rule file checked by the real `promtool check rules`;
- every metric it queries is one the controller exposes (a misspelt name parses fine and
  shows an empty panel forever), using only labels that metric has in `by (...)`.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from deploylib import ROOT, fail, metric_labels, unknown_metrics

DASHBOARD = ROOT / "deploy" / "grafana" / "fleet.json"

# Grafana's built-in variables and ours, with values valid in PromQL.
SUBSTITUTIONS = [
    (r"\$__rate_interval|\$\{__rate_interval\}", "5m"),
    (r"\$__interval|\$\{__interval\}", "1m"),
    (r"\$__range_s|\$\{__range_s\}", "3600"),
    (r"\$__range|\$\{__range\}", "1h"),
    (r"\$\{cell(:[a-z]+)?\}|\$cell\b", "cell-1|cell-2"),
    (r"\$\{namespace(:[a-z]+)?\}|\$namespace\b", ".*"),
]


def substitute(expr):
    for pattern, value in SUBSTITUTIONS:
        expr = re.sub(pattern, value, expr)
    return expr


def all_panels(panels):
    for p in panels:
        yield p
        yield from all_panels(p.get("panels", []))


def check_layout(dash, errors):
    if not isinstance(dash.get("schemaVersion"), int) or dash["schemaVersion"] < 36:
        errors.append(f"schemaVersion {dash.get('schemaVersion')}: want a recent one (>= 36)")
    for key in ("uid", "title"):
        if not dash.get(key):
            errors.append(f"dashboard has no {key}")
    ids = [p.get("id") for p in all_panels(dash.get("panels", []))]
    if len(ids) != len(set(ids)) or None in ids:
        errors.append(f"panel ids missing or not unique: {ids}")
    cells = {}
    for p in all_panels(dash.get("panels", [])):
        g = p.get("gridPos", {})
        x, y, w, h = (g.get(k) for k in ("x", "y", "w", "h"))
        if None in (x, y, w, h) or x < 0 or w <= 0 or h <= 0 or x + w > 24:
            errors.append(f"panel {p.get('title')!r}: bad gridPos {g}")
            continue
        for cx in range(x, x + w):
            for cy in range(y, y + h):
                other = cells.setdefault((cx, cy), p.get("title"))
                if other != p.get("title"):
                    errors.append(f"panels {other!r} and {p.get('title')!r} overlap at {(cx, cy)}")
                    break
            else:
                continue
            break


def check_variables(dash, errors):
    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    for name in ("cell", "namespace"):
        v = variables.get(name)
        if not v:
            errors.append(f"no template variable {name!r}")
        elif not (v.get("multi") and v.get("includeAll") and v.get("allValue") == ".*"):
            errors.append(f"variable {name!r} should be multi-value with All = .*")
    if variables.get("datasource", {}).get("type") != "datasource":
        errors.append("no datasource variable")
    queries = []
    for name, v in variables.items():
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        m = re.fullmatch(r"label_values\((.+),\s*([a-zA-Z_]+)\)", q or "")
        if not m:
            errors.append(f"variable {name!r}: query {q!r} is not label_values(selector, label)")
            continue
        queries.append((f"variable {name}", m.group(1)))
    return queries


SELECTOR_RE = re.compile(r"\b(cellgate_[a-z0-9_]+)(\{[^}]*\})?")
FILTER_ORDER = ["cell", "namespace"]
BY_RE = re.compile(r"\bby\s*\(([^)]*)\)")


def check_expr_semantics(where, expr, errors):
    for m in unknown_metrics(expr):
        errors.append(f"{where}: unknown metric {m}")
    labels = metric_labels()
    used = set()
    for name, matchers in SELECTOR_RE.findall(expr):
        if name not in labels:
            continue
        used |= labels[name]
        # A variable's own query lists that variable's values, so it does not filter on it,
        # nor on the variables defined after it.
        own = where.split()[1] if where.startswith("variable ") else None
        for var in ("cell", "namespace"):
            if own and FILTER_ORDER.index(var) >= FILTER_ORDER.index(own):
                continue
            if var in labels[name] and f'{var}=~"${var}"' not in matchers:
                errors.append(f"{where}: {name} is not filtered by {var}=~\"${var}\"")
    for group in BY_RE.findall(expr):
        for label in (s.strip() for s in group.split(",")):
            if label and label not in used:
                errors.append(f"{where}: by ({label}) is not a label of the metrics it aggregates")


def promtool():
    found = [os.path.join(d, "promtool") for d in os.environ.get("PATH", "").split(os.pathsep)]
    found = [p for p in found if os.access(p, os.X_OK)]
    if not found:
        raise SystemExit("FAIL: promtool not found: run scripts/setup (Debian package prometheus)")
    return found[0]


def main():
    errors = []
    try:
        dash = json.loads(DASHBOARD.read_text())
    except (OSError, json.JSONDecodeError) as e:
        return fail([f"{DASHBOARD}: {e}"])
    check_layout(dash, errors)
    exprs = check_variables(dash, errors)
    for p in all_panels(dash.get("panels", [])):
        if p.get("type") == "row":
            continue
        targets = p.get("targets", [])
        if not targets:
            errors.append(f"panel {p.get('title')!r} has no queries")
        if p.get("datasource", {}).get("uid") != "${datasource}":
            errors.append(f"panel {p.get('title')!r} does not use the datasource variable")
        for t in targets:
            if not t.get("expr"):
                errors.append(f"panel {p.get('title')!r} target {t.get('refId')}: no expr")
                continue
            exprs.append((f"panel {p.get('title')!r} {t.get('refId')}", t["expr"]))
    for where, expr in exprs:
        check_expr_semantics(where, expr, errors)
        left = re.findall(r"\$\{?[A-Za-z_]+", substitute(expr))
        if left:
            errors.append(f"{where}: unknown template variables {left}")
    if len(exprs) < 10:
        errors.append(f"only {len(exprs)} expressions found")
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:expr_{i}", "expr": substitute(e)} for i, (_, e) in enumerate(exprs)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        json.dump(rules, f)  # JSON is YAML
        rule_file = f.name
    try:
        r = subprocess.run([promtool(), "check", "rules", rule_file], capture_output=True, text=True)
        if r.returncode != 0:
            lines = (r.stdout + r.stderr).strip()
            # promtool names the failing rule by index: map it back to the panel.
            for m in re.finditer(r"rule (\d+)", lines):
                i = int(m.group(1)) - 1
                if 0 <= i < len(exprs):
                    lines += f"\n  rule {i + 1} is {exprs[i][0]}: {exprs[i][1]}"
            errors.append(f"promtool check rules failed:\n{lines}")
    finally:
        os.unlink(rule_file)
    print(f"checked {len(exprs)} PromQL expressions in {DASHBOARD.name}")
    return fail(errors)


if __name__ == "__main__":
    sys.exit(main())
