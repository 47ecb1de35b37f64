// From an ApplicationSet to the Applications it wants (Argo CD's GenerateApplications +
// RenderTemplateParams + templatePatch), as a pure function.
//
// For each generator entry: its parameter sets (generators.h), and the template: the
// generator's own `template` merged over spec.template the way Argo CD does it (mergo:
// a field the generator's template leaves empty, "" / false / 0 / null / [] / {}, takes
// spec.template's value; maps merge key by key). For each parameter set, every string and
// map key of the template is rendered (fasttemplate, or Go text/template with
// goTemplateOptions). Then:
//
// - finalizers: when the template has none and preserveResourcesOnDeletion is false, the
//   Application gets resources-finalizer.argocd.argoproj.io (so deleting it deletes its
//   resources). An empty parameter set leaves the template untouched, finalizer included,
//   exactly as Argo CD does.
// - templatePatch (goTemplate only): the patch text is rendered with the parameters, read as
//   YAML or JSON, and merged over the rendered Application as a JSON merge patch (RFC 7386:
//   maps merge recursively, null deletes a field, lists are replaced whole; Argo CD's
//   strategic merge has no merge keys on Application lists, so this is the same), except
//   that spec.project cannot be changed by a patch.
// - metadata: namespace from the template, else the ApplicationSet's; an ownerReference to
//   the ApplicationSet (controller, blockOwnerDeletion) when its uid is known.
//
// Two Applications with one name are an error naming both elements. Errors read
// "ApplicationSet argocd/web: generator 0 (list): element 2 {cluster: prod}:
// metadata.name: 1:3: at <.nme>: map has no entry for key \"nme\"".
//
// Thread-safety: pure function.
#pragma once

#include <vector>

#include "appset/generators.h"
#include "argo/applicationset.h"
#include "core/object.h"
#include "core/result.h"

namespace cellgate::appset {

inline constexpr std::string_view kResourcesFinalizer = "resources-finalizer.argocd.argoproj.io";

Result<std::vector<Object>> GenerateApplications(const argo::ApplicationSet& appset,
                                                 const GeneratorInputs& inputs);

// mergo.Merge(dst, src) over JSON: empty fields of dst take src's.
Json MergeTemplates(Json generator_template, const Json& spec_template);

// RFC 7386 JSON merge patch.
Json MergePatch(Json target, const Json& patch);

}  // namespace cellgate::appset
