#include "sync/app_spec.h"

namespace cellgate::sync {
namespace {

Status ExpectType(const Json& parent, std::string_view key, Json::value_t type,
                  std::string_view path, std::string_view expected) {
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null() || it->type() == type) return Ok();
  return MakeError(ErrorCode::kInvalidArgument,
                   std::string(path) + ": must be " + std::string(expected));
}

Result<bool> BoolField(const Json& parent, std::string_view key, std::string_view path) {
  if (auto s = ExpectType(parent, key, Json::value_t::boolean, path, "a boolean"); !s) {
    return std::unexpected(s.error());
  }
  auto it = parent.find(key);
  return it != parent.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

std::string InstanceName(std::string_view app_namespace, std::string_view name,
                         std::string_view control_plane_namespace) {
  if (app_namespace.empty() || app_namespace == control_plane_namespace) return std::string(name);
  return std::string(app_namespace) + "_" + std::string(name);
}

Result<AppSyncOptions> AppSyncSpec::PlanOptions(bool prune) const {
  AppSyncOptions base{.destination_namespace = destination_namespace,
                      .prune = prune || (automated && auto_prune),
                      .allow_empty = allow_empty};
  return ParseAppSyncOptions(sync_options, base);
}

Result<AppSyncSpec> ParseAppSyncSpec(const Json& application,
                                     std::string_view control_plane_namespace) {
  if (!application.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "Application: not an object");
  }
  AppSyncSpec spec;
  spec.name = StringAt(application, {"metadata", "name"});
  if (spec.name.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "Application: metadata.name is required");
  }
  spec.app_namespace = StringAt(application, {"metadata", "namespace"});
  spec.instance = InstanceName(spec.app_namespace, spec.name, control_plane_namespace);
  const std::string where = "Application " + spec.name;
  auto fail = [&](const Error& e) { return std::unexpected(e.Wrap(where)); };

  const Json empty = Json::object();
  const Json& s =
      application.contains("spec") && application["spec"].is_object() ? application["spec"] : empty;
  if (auto dest = s.find("destination"); dest != s.end() && dest->is_object()) {
    if (auto t = ExpectType(*dest, "namespace", Json::value_t::string, "spec.destination.namespace",
                            "a string");
        !t) {
      return fail(t.error());
    }
    spec.destination_namespace = StringAt(*dest, {"namespace"});
  }

  if (auto policy = s.find("syncPolicy"); policy != s.end() && !policy->is_null()) {
    if (!policy->is_object()) {
      return fail(Error(ErrorCode::kInvalidArgument, "spec.syncPolicy: must be an object"));
    }
    if (auto automated = policy->find("automated");
        automated != policy->end() && !automated->is_null()) {
      if (!automated->is_object()) {
        return fail(
            Error(ErrorCode::kInvalidArgument, "spec.syncPolicy.automated: must be an object"));
      }
      // Newer Argo CD versions have automated.enabled, true when absent.
      auto enabled = automated->find("enabled");
      spec.automated =
          enabled == automated->end() || !enabled->is_boolean() || enabled->get<bool>();
      for (auto [key, target] : {std::pair<std::string_view, bool*>{"prune", &spec.auto_prune},
                                 {"selfHeal", &spec.self_heal},
                                 {"allowEmpty", &spec.allow_empty}}) {
        auto v = BoolField(*automated, key, "spec.syncPolicy.automated." + std::string(key));
        if (!v) return fail(v.error());
        *target = *v;
      }
    }
    if (auto options = policy->find("syncOptions");
        options != policy->end() && !options->is_null()) {
      if (!options->is_array()) {
        return fail(
            Error(ErrorCode::kInvalidArgument, "spec.syncPolicy.syncOptions: must be a list"));
      }
      for (std::size_t i = 0; i < options->size(); ++i) {
        if (!(*options)[i].is_string()) {
          return fail(
              Error(ErrorCode::kInvalidArgument,
                    "spec.syncPolicy.syncOptions[" + std::to_string(i) + "]: must be a string"));
        }
        spec.sync_options.push_back((*options)[i].get<std::string>());
      }
    }
  }

  if (auto ignore = s.find("ignoreDifferences"); ignore != s.end() && !ignore->is_null()) {
    auto parsed = ParseIgnoreDifferences(*ignore);
    if (!parsed) return fail(parsed.error());  // names "ignoreDifferences[i]" itself
    spec.ignore_differences = std::move(*parsed);
  }
  // Validates the options now, so a bad PrunePropagationPolicy fails before any request.
  if (auto options = spec.PlanOptions(false); !options) return fail(options.error());
  return spec;
}

}  // namespace cellgate::sync
