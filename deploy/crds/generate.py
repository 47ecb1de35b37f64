#!/usr/bin/env python3
"""Writes cellgate's CustomResourceDefinitions for Argo CD's argoproj.io/v1alpha1 API.

cellgate serves the API Argo CD defines (Application, ApplicationSet, AppProject) so that
existing manifests apply unchanged. The schemas are structural: the fields of the API are
typed (a typo such as `syncPoilcy` is rejected by `kubectl apply`, whose field validation is
strict), and `x-kubernetes-preserve-unknown-fields` is set only where the API holds free-form
data (Helm `valuesObject`, list generator elements, plugin input) or where Argo CD's own
schema is too large to reproduce usefully (SCM provider and pull-request generators, the
per-generator template overrides, the generators nested in matrix/merge below the first
level, and status and operation, which the controller owns).

The Application schema and the ApplicationSet's template share one ApplicationSpec, built
here once; the YAML files are this script's output and are checked against it by the
deploy_crds_generated test.

    deploy/crds/generate.py            rewrite application.yaml, applicationset.yaml, appproject.yaml
    deploy/crds/generate.py --out DIR  write them into DIR instead
"""
import argparse
import pathlib
import sys

import yaml

# --- schema building blocks -------------------------------------------------------------


def string(desc=None, enum=None):
    s = {"type": "string"}
    if enum:
        s["enum"] = list(enum)
    return described(s, desc)


def boolean(desc=None):
    return described({"type": "boolean"}, desc)


def int64(desc=None):
    return described({"type": "integer", "format": "int64"}, desc)


def int_or_string(desc=None):
    return described(
        {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": True},
        desc)


def strings(desc=None):
    return described({"type": "array", "items": {"type": "string"}}, desc)


def string_map(desc=None):
    return described({"type": "object", "additionalProperties": {"type": "string"}}, desc)


def array(items, desc=None):
    return described({"type": "array", "items": items}, desc)


def obj(properties, required=None, desc=None, preserve=False):
    s = {"type": "object", "properties": properties}
    if required:
        s["required"] = list(required)
    if preserve:
        s["x-kubernetes-preserve-unknown-fields"] = True
    return described(s, desc)


def free_form(desc=None):
    """Any JSON object, kept as written."""
    return described({"type": "object", "x-kubernetes-preserve-unknown-fields": True}, desc)


def any_value(desc=None):
    """Any JSON value (object, list or scalar), kept as written."""
    return described({"x-kubernetes-preserve-unknown-fields": True}, desc)


def described(schema, desc):
    if desc:
        return {"description": desc, **schema}
    return schema


def label_selector(desc=None):
    requirement = obj(
        {"key": string(), "operator": string("In, NotIn, Exists or DoesNotExist."), "values": strings()},
        required=["key", "operator"])
    s = obj({"matchLabels": string_map(), "matchExpressions": array(requirement)}, desc=desc)
    s["x-kubernetes-map-type"] = "atomic"
    return s


# --- Application ------------------------------------------------------------------------


def jsonnet_var():
    return obj({"name": string(), "value": string(), "code": boolean()}, required=["name", "value"])


def directory():
    return obj(
        {
            "recurse": boolean("Read manifests from subdirectories too."),
            "include": string("Glob of files to read (e.g. '*.yaml' or '{a.yaml,b.yaml}')."),
            "exclude": string("Glob of files to skip."),
            "jsonnet": obj({
                "extVars": array(jsonnet_var()),
                "tlas": array(jsonnet_var()),
                "libs": strings(),
            }),
        },
        desc="Options for a plain directory of manifests.")


def helm():
    return obj(
        {
            "valueFiles": strings("Values files, relative to the chart (or $ref/ paths into another source)."),
            "values": string("Inline values, as a YAML string."),
            "valuesObject": free_form("Inline values, as an object; wins over `values`."),
            "parameters": array(obj({"name": string(), "value": string(), "forceString": boolean()})),
            "fileParameters": array(obj({"name": string(), "path": string()})),
            "releaseName": string("Release name; defaults to the Application's name."),
            "namespace": string("Namespace to template with; defaults to the destination namespace."),
            "version": string("Helm major version (v3)."),
            "kubeVersion": string(),
            "apiVersions": strings(),
            "passCredentials": boolean(),
            "ignoreMissingValueFiles": boolean(),
            "skipCrds": boolean(),
            "skipTests": boolean(),
            "skipSchemaValidation": boolean(),
        },
        desc="Options for a Helm chart (rendered with `helm template`).")


def kustomize():
    target = obj({
        "group": string(), "version": string(), "kind": string(), "name": string(),
        "namespace": string(), "labelSelector": string(), "annotationSelector": string(),
    })
    return obj(
        {
            "namePrefix": string(),
            "nameSuffix": string(),
            "namespace": string(),
            "images": strings("Image overrides such as 'nginx=nginx:1.27'."),
            "replicas": array(obj({"name": string(), "count": int_or_string()}, required=["name", "count"])),
            "commonLabels": string_map(),
            "commonAnnotations": string_map(),
            "commonAnnotationsEnvsubst": boolean(),
            "forceCommonLabels": boolean(),
            "forceCommonAnnotations": boolean(),
            "labelWithoutSelector": boolean(),
            "labelIncludeTemplates": boolean(),
            "patches": array(obj({
                "path": string(),
                "patch": string(),
                "target": target,
                "options": {"type": "object", "additionalProperties": {"type": "boolean"}},
            })),
            "components": strings(),
            "ignoreMissingComponents": boolean(),
            "version": string(),
            "kubeVersion": string(),
            "apiVersions": strings(),
        },
        desc="Options for a Kustomize overlay (rendered with `kustomize build`).")


def plugin():
    return obj(
        {
            "name": string(),
            "env": array(obj({"name": string(), "value": string()}, required=["name", "value"])),
            "parameters": array(obj({
                "name": string(), "string": string(), "array": strings(), "map": string_map(),
            })),
        },
        desc="Config management plugin options (accepted; cellgate does not run plugins).")


def source():
    return obj(
        {
            "repoURL": string("URL of the Git repository or Helm chart repository."),
            "path": string("Directory inside the Git repository."),
            "targetRevision": string("Branch, tag, commit or (for charts) version; default HEAD."),
            "chart": string("Chart name, for a Helm repository source."),
            "ref": string("Name other sources use to refer to this one ($ref/...)."),
            "name": string("Name of the source, for multi-source Applications."),
            "tagPrefix": string(),
            "directory": directory(),
            "helm": helm(),
            "kustomize": kustomize(),
            "plugin": plugin(),
        },
        required=["repoURL"],
        desc="Where the desired manifests come from.")


def source_hydrator():
    dry = obj(
        {
            "repoURL": string(), "targetRevision": string(), "path": string(),
            "directory": directory(), "helm": helm(), "kustomize": kustomize(), "plugin": plugin(),
        },
        required=["repoURL", "targetRevision", "path"])
    return obj(
        {
            "drySource": dry,
            "syncSource": obj({"targetBranch": string(), "path": string(), "repoURL": string()},
                              required=["targetBranch", "path"]),
            "hydrateTo": obj({"targetBranch": string()}, required=["targetBranch"]),
        },
        required=["drySource", "syncSource"],
        desc="Source hydrator settings (accepted; not used by cellgate).")


def retry():
    return obj(
        {
            "limit": int64("Attempts after a failed sync; 0 means none, negative means unlimited."),
            "backoff": obj({
                "duration": string("First delay, e.g. '5s'."),
                "factor": int64("Multiplier applied after each failure."),
                "maxDuration": string("Longest delay, e.g. '3m'."),
            }),
            "refresh": boolean("Retry with the latest revision instead of the original one."),
        },
        desc="How failed syncs are retried.")


def sync_policy():
    return obj(
        {
            "automated": obj(
                {
                    "prune": boolean("Delete live objects that are no longer in Git."),
                    "selfHeal": boolean("Revert changes made to live objects outside Git."),
                    "allowEmpty": boolean("Allow a sync that would leave the Application with no objects."),
                    "enabled": boolean("Set to false to pause automated sync without removing it."),
                },
                desc="Sync automatically whenever the desired state changes."),
            "syncOptions": strings("Options such as CreateNamespace=true or ServerSideApply=true."),
            "retry": retry(),
            "managedNamespaceMetadata": obj({"labels": string_map(), "annotations": string_map()},
                                            desc="Metadata for the namespace CreateNamespace=true creates."),
        },
        desc="When and how the Application is synced.")


def resource_ignore_differences():
    return obj(
        {
            "group": string(), "kind": string(), "name": string(), "namespace": string(),
            "jsonPointers": strings(), "jqPathExpressions": strings(), "managedFieldsManagers": strings(),
        },
        required=["kind"])


def application_spec():
    return obj(
        {
            "project": string("AppProject the Application belongs to ('default' if unsure)."),
            "destination": obj(
                {
                    "server": string("API server URL of the target cell."),
                    "name": string("Name of the target cell (alternative to server)."),
                    "namespace": string("Namespace for namespaced objects that do not set one."),
                },
                desc="The cell and namespace to deploy to."),
            "source": source(),
            "sources": array(source(), desc="Several sources, rendered together."),
            "sourceHydrator": source_hydrator(),
            "syncPolicy": sync_policy(),
            "ignoreDifferences": array(resource_ignore_differences(),
                                       desc="Fields that do not count as drift."),
            "ignoreDuplicateResources": array(obj(
                {"group": string(), "kind": string(), "name": string(), "namespace": string()},
                required=["kind"])),
            "info": array(obj({"name": string(), "value": string()}, required=["name", "value"])),
            "revisionHistoryLimit": int64("How many past syncs status.history keeps (default 10)."),
        },
        required=["destination", "project"],
        desc="Desired state of the Application.")


def application_operation():
    return obj(
        {
            "sync": obj(
                {
                    "revision": string(),
                    "revisions": strings(),
                    "prune": boolean(),
                    "dryRun": boolean(),
                    "syncOptions": strings(),
                    "resources": array(obj({"group": string(), "kind": string(), "name": string(),
                                            "namespace": string()}, required=["kind", "name"])),
                    "source": free_form(),
                    "sources": array(free_form()),
                    "syncStrategy": free_form(),
                    "manifests": strings(),
                    "autoHealAttemptsCount": int64(),
                },
                preserve=True),
            "initiatedBy": obj({"username": string(), "automated": boolean()}, preserve=True),
            "info": array(obj({"name": string(), "value": string()}, required=["name", "value"])),
            "retry": retry(),
        },
        preserve=True,
        desc="A requested sync; the controller runs it and clears it.")


def application_status():
    return obj(
        {
            "sync": obj(
                {
                    "status": string("Synced, OutOfSync or Unknown."),
                    "revision": string("Commit the comparison was made against."),
                    "revisions": strings(),
                    "comparedTo": free_form(),
                },
                preserve=True),
            "health": obj(
                {
                    "status": string("Healthy, Progressing, Degraded, Suspended, Missing or Unknown."),
                    "message": string(),
                    "lastTransitionTime": string(),
                },
                preserve=True),
            "resources": array(free_form()),
            "history": array(free_form()),
            "conditions": array(obj({"type": string(), "message": string(),
                                     "lastTransitionTime": string()}, preserve=True)),
            "operationState": free_form(),
            "reconciledAt": string(),
            "observedAt": string(),
            "sourceType": string(),
            "sourceTypes": strings(),
            "summary": free_form(),
            "controllerNamespace": string(),
            "resourceHealthSource": string(),
        },
        preserve=True,
        desc="Observed state, written by the controller with ordinary updates.")


def printer_column(name, path, type_="string", priority=None, desc=None):
    c = {"name": name, "type": type_, "jsonPath": path}
    if priority is not None:
        c["priority"] = priority
    if desc:
        c["description"] = desc
    return c


AGE = printer_column("Age", ".metadata.creationTimestamp", "date")


def application_crd():
    schema = obj(
        {
            "apiVersion": string(),
            "kind": string(),
            "metadata": {"type": "object"},
            "spec": application_spec(),
            "operation": application_operation(),
            "status": application_status(),
        },
        required=["metadata", "spec"],
        desc="An Application: one source in Git deployed to one destination cell.")
    # No status subresource: as with Argo CD, the controller writes status with ordinary
    # updates of the whole object, and clients may set `operation` the same way.
    return crd("Application", "applications", ["app", "apps"], schema,
               columns=[
                   printer_column("Sync Status", ".status.sync.status"),
                   printer_column("Health Status", ".status.health.status"),
                   printer_column("Revision", ".status.sync.revision", priority=10),
                   printer_column("Project", ".spec.project", priority=10),
                   AGE,
               ],
               subresources=None)


# --- ApplicationSet ---------------------------------------------------------------------


def appset_template(strict):
    """The ApplicationSet's template (strict) or a generator's override of it. A generator's
    spec is partial and merged over the ApplicationSet's before it is validated, so it is kept
    as written: typing it in each of the twenty-odd places a generator can sit would make the
    CRD larger than etcd's 1.5 MiB object limit."""
    metadata = obj({
        "name": string(), "namespace": string(), "labels": string_map(),
        "annotations": string_map(), "finalizers": strings(),
    })
    if strict:
        return obj({"metadata": metadata, "spec": application_spec()},
                   required=["metadata", "spec"],
                   desc="The Application each generated parameter set is rendered into.")
    return obj({"metadata": metadata,
                "spec": free_form("Merged over spec.template.spec, then validated as an ApplicationSpec.")},
               desc="Overrides spec.template for this generator's parameter sets.")


def generators(depth):
    """Generator kinds. depth 0 is spec.generators; matrix and merge nest one typed level
    (depth 1), below which their generators are kept as written, like Argo CD's."""
    template = appset_template(strict=False)
    values = string_map("Extra parameters, available to templates as values.*.")
    requeue = int64("Seconds between polls of the generator's source.")
    g = {
        "list": obj({"elements": array(any_value()), "elementsYaml": string(), "template": template},
                    desc="A literal list of parameter sets."),
        "clusters": obj({"selector": label_selector(), "flatList": boolean(), "template": template,
                         "values": values},
                        desc="One parameter set per registered cell (cluster Secret)."),
        "git": obj(
            {
                "repoURL": string(),
                "revision": string(),
                "directories": array(obj({"path": string(), "exclude": boolean()}, required=["path"])),
                "files": array(obj({"path": string(), "exclude": boolean()}, required=["path"])),
                "pathParamPrefix": string(),
                "requeueAfterSeconds": requeue,
                "template": template,
                "values": values,
            },
            required=["repoURL"],
            desc="Parameter sets from directories or files of a Git repository."),
        "clusterDecisionResource": obj(
            {"configMapRef": string(), "name": string(), "labelSelector": label_selector(),
             "requeueAfterSeconds": requeue, "template": template, "values": values},
            required=["configMapRef"], preserve=True),
        "scmProvider": obj({"requeueAfterSeconds": requeue, "template": template, "values": values},
                           preserve=True, desc="Repositories of an SCM organisation (accepted as written)."),
        "pullRequest": obj({"requeueAfterSeconds": requeue, "template": template},
                           preserve=True, desc="Open pull requests (accepted as written)."),
        "plugin": obj(
            {"configMapRef": obj({"name": string()}, required=["name"]),
             "input": obj({"parameters": free_form()}, preserve=True),
             "requeueAfterSeconds": requeue, "template": template, "values": values},
            required=["configMapRef"], preserve=True),
        "selector": label_selector("Keeps only the parameter sets whose labels match."),
    }
    if depth == 0:
        nested = array(obj(generators(depth + 1)))
        g["matrix"] = obj({"generators": nested, "template": template}, required=["generators"],
                          desc="Cartesian product of two generators.")
        g["merge"] = obj({"generators": nested, "mergeKeys": strings(), "template": template},
                         required=["generators", "mergeKeys"],
                         desc="Parameter sets of the first generator, overridden by the others by mergeKeys.")
    else:
        g["matrix"] = free_form("A nested matrix generator, kept as written.")
        g["merge"] = free_form("A nested merge generator, kept as written.")
    return g


def applicationset_crd():
    step = obj({
        "matchExpressions": array(obj({"key": string(), "operator": string(), "values": strings()})),
        "maxUpdate": int_or_string("Applications updated at once in this step (number or percentage)."),
    })
    spec = obj(
        {
            "generators": array(obj(generators(0)), desc="Sources of parameter sets."),
            "goTemplate": boolean("Render the template with Go text/template instead of {{param}} substitution."),
            "goTemplateOptions": strings("Go template options, e.g. missingkey=error."),
            "template": appset_template(strict=True),
            "templatePatch": string("A templated patch applied to each generated Application."),
            "syncPolicy": obj({
                "preserveResourcesOnDeletion": boolean(),
                "applicationsSync": string(enum=["create-only", "create-update", "create-delete", "sync"]),
            }),
            "strategy": obj({
                "type": string("AllAtOnce (default) or RollingSync."),
                "rollingSync": obj({"steps": array(step)}),
                "deletionOrder": string(),
            }),
            "preservedFields": obj({"annotations": strings(), "labels": strings()}),
            "ignoreApplicationDifferences": array(obj({
                "name": string(), "jsonPointers": strings(), "jqPathExpressions": strings(),
            })),
            "applyNestedSelectors": boolean(),
        },
        required=["generators", "template"],
        desc="Generators and the Application template they fill in.")
    status = obj(
        {
            "conditions": array(free_form()),
            "applicationStatus": array(free_form()),
            "resources": array(free_form()),
            "resourcesCount": int64(),
            "health": free_form(),
        },
        preserve=True)
    schema = obj({"apiVersion": string(), "kind": string(), "metadata": {"type": "object"},
                  "spec": spec, "status": status},
                 required=["metadata", "spec"],
                 desc="An ApplicationSet: a template stamped into one Application per generated parameter set.")
    return crd("ApplicationSet", "applicationsets", ["appset", "appsets"], schema,
               columns=None, subresources={"status": {}})


# --- AppProject -------------------------------------------------------------------------


def appproject_crd():
    group_kind = obj({"group": string(), "kind": string()}, required=["group", "kind"])
    jwt = obj({"iat": int64(), "exp": int64(), "id": string()}, required=["iat"])
    spec = obj(
        {
            "description": string(),
            "sourceRepos": strings("Repositories Applications may use ('*' for any)."),
            "sourceNamespaces": strings("Namespaces other than the controller's whose Applications may use this project."),
            "destinations": array(obj({"server": string(), "name": string(), "namespace": string()}),
                                  desc="Cells and namespaces Applications may deploy to."),
            "destinationServiceAccounts": array(obj({
                "server": string(), "namespace": string(), "defaultServiceAccount": string(),
            })),
            "clusterResourceWhitelist": array(group_kind),
            "clusterResourceBlacklist": array(group_kind),
            "namespaceResourceWhitelist": array(group_kind),
            "namespaceResourceBlacklist": array(group_kind),
            "roles": array(obj(
                {"name": string(), "description": string(), "policies": strings(), "groups": strings(),
                 "jwtTokens": array(jwt)},
                required=["name"])),
            "syncWindows": array(obj({
                "kind": string("allow or deny."), "schedule": string("Cron expression."),
                "duration": string(), "applications": strings(), "namespaces": strings(),
                "clusters": strings(), "manualSync": boolean(), "timeZone": string(),
                "andOperator": boolean(), "description": string(),
            })),
            "orphanedResources": obj({
                "warn": boolean(),
                "ignore": array(obj({"group": string(), "kind": string(), "name": string()})),
            }),
            "signatureKeys": array(obj({"keyID": string()}, required=["keyID"])),
            "permitOnlyProjectScopedClusters": boolean(),
        },
        desc="What the project's Applications may deploy, from where and to where.")
    status = obj({"jwtTokensByRole": {
        "type": "object",
        "additionalProperties": obj({"items": array(jwt)}),
    }})
    schema = obj({"apiVersion": string(), "kind": string(), "metadata": {"type": "object"},
                  "spec": spec, "status": status},
                 required=["metadata", "spec"],
                 desc="An AppProject: the limits a group of Applications deploys within.")
    return crd("AppProject", "appprojects", ["appproj", "appprojs"], schema,
               columns=None, subresources=None)


# --- output -----------------------------------------------------------------------------


def crd(kind, plural, short_names, schema, columns, subresources):
    version = {"name": "v1alpha1", "served": True, "storage": True,
               "schema": {"openAPIV3Schema": schema}}
    if columns:
        version["additionalPrinterColumns"] = columns
    if subresources:
        version["subresources"] = subresources
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": f"{plural}.argoproj.io",
            "labels": {"app.kubernetes.io/name": f"{plural}.argoproj.io",
                       "app.kubernetes.io/part-of": "cellgate"},
        },
        "spec": {
            "group": "argoproj.io",
            "scope": "Namespaced",
            "names": {"kind": kind, "listKind": f"{kind}List", "plural": plural,
                      "singular": kind.lower(), "shortNames": short_names},
            "versions": [version],
        },
    }


HEADER = ("# Generated by deploy/crds/generate.py from its field list; edit that script, not this file.\n"
          "# {kind} (argoproj.io/v1alpha1), the API Argo CD defines, as served for cellgate.\n")


class _NoAliasDumper(yaml.SafeDumper):
    """Schemas reuse Python objects; the CRDs must spell every copy out (no YAML aliases)."""

    def ignore_aliases(self, data):
        return True


def render(doc):
    body = yaml.dump(doc, Dumper=_NoAliasDumper, sort_keys=False, default_flow_style=False, width=100)
    return HEADER.format(kind=doc["spec"]["names"]["kind"]) + body


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, doc in (("application.yaml", application_crd()),
                      ("applicationset.yaml", applicationset_crd()),
                      ("appproject.yaml", appproject_crd())):
        (args.out / name).write_text(render(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
