"""Shared helpers for the deploy/ checks: the repository root, a strict YAML loader and the
metric names the controller exposes (the contract deploy/ is written against)."""
import pathlib
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit("FAIL: python3 cannot import yaml: run scripts/setup (Debian package python3-yaml)")

ROOT = pathlib.Path(__file__).resolve().parents[2]

# The controller's metrics (src/metrics, src/fleet). Histograms also expose _bucket, _sum
# and _count. A name used in an alert or a panel that is not listed here is a typo or a
# metric that does not exist, and the alert would silently never fire.
COUNTERS = {
    "cellgate_app_sync_total": {"name", "namespace", "cell", "phase"},
    "cellgate_cell_api_requests_total": {"cell", "verb", "code"},
    "cellgate_git_requests_total": {"repo", "kind"},
    "cellgate_drift_heals_total": {"name", "namespace", "cell"},
}
GAUGES = {
    "cellgate_app_info": {"name", "namespace", "project", "cell", "dest_server", "dest_namespace",
                          "sync_status", "health_status", "autosync_enabled", "repo"},
    "cellgate_app_out_of_sync_seconds": {"name", "namespace", "cell"},
    "cellgate_cell_connection_status": {"cell", "server"},
    "cellgate_workqueue_depth": {"queue"},
    "cellgate_self_heal_backoff": {"name", "namespace", "cell"},
}
HISTOGRAMS = {
    "cellgate_app_reconcile_duration_seconds": {"cell"},
    "cellgate_git_request_duration_seconds": {"repo", "kind"},
    "cellgate_workqueue_latency_seconds": {"queue"},
}


def metric_labels():
    """Every exposed series name mapped to its labels (histogram buckets add `le`)."""
    names = dict(COUNTERS)
    names.update(GAUGES)
    for h, labels in HISTOGRAMS.items():
        names[h + "_bucket"] = labels | {"le"}
        names[h + "_sum"] = labels
        names[h + "_count"] = labels
    return names


METRIC_RE = re.compile(r"\bcellgate_[a-z0-9_]+")


def unknown_metrics(expr):
    known = metric_labels()
    return sorted({m for m in METRIC_RE.findall(expr) if m not in known})


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys, which plain YAML loaders resolve
    silently (the last one wins) and which rebuilt indentation can easily produce."""


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                f"duplicate key {key!r} (first at line {seen[key] + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_all(path):
    """All documents of a YAML file, empty ones dropped; raises yaml.YAMLError."""
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.load_all(f, Loader=StrictLoader) if d is not None]


def rel(path):
    try:
        return str(pathlib.Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def fail(messages):
    for m in messages:
        print(f"FAIL: {m}", file=sys.stderr)
    return 1 if messages else 0
