// An argoproj.io/v1alpha1 ApplicationSet, parsed from its JSON (from YAML via core/yaml.h
// or from the API server), with the fields the generators and the planner need. Unknown
// generator types and malformed fields are errors naming the field; generator bodies are
// kept as JSON and read by the generators themselves (generators.h).
//
// Thread-safety: values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::argo {

// spec.syncPolicy.applicationsSync.
enum class ApplicationsSyncPolicy { kSync, kCreateOnly, kCreateUpdate, kCreateDelete };

bool PolicyAllowsUpdate(ApplicationsSyncPolicy p);
bool PolicyAllowsDelete(ApplicationsSyncPolicy p);

struct RollingSyncStep {
  Json match_expressions;  // as written: [{key, operator, values}]
  std::string max_update;  // "" (all), "2", "25%"
};

// spec.strategy, kept for the progressive-sync work.
struct Strategy {
  std::string type;  // as written; only "RollingSync" is progressive, anything else all at once
  std::vector<RollingSyncStep> steps;
};

struct ApplicationSet {
  std::string name;
  std::string ns;
  std::string uid;
  Json generators = Json::array();     // spec.generators as written
  Json app_template = Json::object();  // spec.template
  std::optional<std::string> template_patch;
  bool go_template = false;
  std::vector<std::string> go_template_options;
  ApplicationsSyncPolicy applications_sync = ApplicationsSyncPolicy::kSync;
  bool preserve_resources_on_deletion = false;
  std::vector<std::string> preserved_annotations;  // spec.preservedFields.annotations
  std::vector<std::string> preserved_labels;       // spec.preservedFields.labels
  std::optional<Strategy> strategy;

  // "argocd/guestbook" (or just the name without a namespace), for messages.
  std::string QualifiedName() const;
};

Result<ApplicationSet> ParseApplicationSet(const Json& object);

}  // namespace cellgate::argo
