#include "appset_controller/app_validation.h"

namespace cellgate::appset_controller {
namespace {

std::string DestinationError(const Json& dest, const std::vector<cells::CellInfo>& cells) {
  std::string name = dest.is_object() ? dest.value("name", "") : "";
  std::string server = dest.is_object() ? dest.value("server", "") : "";
  if (name.empty()) return "";
  if (!server.empty()) {
    return "application destination spec is invalid: application destination can't have "
           "both name and server defined: " +
           name + " " + server;
  }
  std::vector<std::string> servers;
  for (const auto& c : cells) {
    if (c.usable() && c.name == name) servers.push_back(c.server);
  }
  if (servers.size() == 1) return "";
  std::string why = "there are no clusters with this name: " + name;
  if (servers.size() > 1) {
    why = "there are " + std::to_string(servers.size()) + " clusters with the same name: [";
    for (std::size_t i = 0; i < servers.size(); ++i) why += (i ? " " : "") + servers[i];
    why += "]";
  }
  return "application destination spec is invalid: unable to find destination server: " + why;
}

}  // namespace

std::map<std::size_t, std::string> ValidateGeneratedApplications(
    const std::vector<Object>& apps, std::span<const argo::AppProject> projects,
    const std::vector<cells::CellInfo>& cells) {
  std::map<std::size_t, std::string> errors;
  for (std::size_t i = 0; i < apps.size(); ++i) {
    const Json& body = apps[i].body();
    const Json& spec = body.contains("spec") ? body["spec"] : Json::object();
    auto project = argo::FindProject(projects, spec.is_object() ? spec.value("project", "") : "");
    if (!project) {
      errors[i] = project.error().message();
      continue;
    }
    std::string dest =
        DestinationError(spec.is_object() ? spec.value("destination", Json()) : Json(), cells);
    if (!dest.empty()) errors[i] = std::move(dest);
  }
  return errors;
}

std::string ValidationSummary(const std::map<std::size_t, std::string>& errors) {
  if (errors.empty()) return "";
  std::string message = errors.rbegin()->second;
  if (errors.size() > 1) message += " (and " + std::to_string(errors.size() - 1) + " more)";
  return message;
}

}  // namespace cellgate::appset_controller
