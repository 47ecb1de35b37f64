#include "cli/hub.h"

#include <algorithm>

#include "kube/kubeconfig.h"

namespace cellgate::cli {
namespace {

Error NoApplicationKind(const Error& e) {
  return e.Wrap(
      "the cluster does not serve argoproj.io/v1alpha1 Application (install the CRDs: "
      "kubectl apply -f deploy/crds/, or start cellgate controller once)");
}

}  // namespace

void AddHubOptions(CLI::App* cmd, HubFlags& flags) {
  cmd->add_option("--kubeconfig", flags.kubeconfig,
                  "Kubeconfig file of the hub (default $KUBECONFIG, else ~/.kube/config)");
  cmd->add_option("--context", flags.context,
                  "Kubeconfig context of the hub (default: the current context)");
  AddControllerNamespaceOption(cmd, flags.ns);
}

kube::ClusterClientOptions CliClientOptions() {
  kube::ClusterClientOptions options;
  options.transport.retry.max_retries = 2;
  return options;
}

Result<std::unique_ptr<Hub>> Hub::Open(const HubFlags& flags) {
  kube::KubeconfigOptions kubeconfig{.context = flags.context};
  if (!flags.kubeconfig.empty()) kubeconfig.paths = {flags.kubeconfig};
  auto config = kube::LoadKubeconfig(kubeconfig);
  CG_TRY_WRAP(config, "hub");
  auto ns = ResolveControllerNamespace(flags.ns, &*config);
  CG_TRY(ns);
  auto client = kube::ClusterClient::Create(*config, CliClientOptions());
  CG_TRY_WRAP(client, "hub " + config->Describe());
  return std::unique_ptr<Hub>(new Hub(std::move(*config), std::move(*ns), std::move(*client)));
}

std::string Hub::DescribeNamespace() const {
  return "namespace " + ns_.name + " (" + ns_.source + ")";
}

std::vector<std::string> AppNamespaces(const std::string& app_ns,
                                       const std::string& controller_ns) {
  if (!app_ns.empty()) return {app_ns};
  if (controller_ns == kArgoCdNamespace) return {controller_ns};
  return {std::string(kArgoCdNamespace), controller_ns};
}

Result<std::vector<Json>> ListApplications(kube::Reader& hub,
                                           const std::vector<std::string>& namespaces) {
  std::vector<Json> apps;
  for (const auto& ns : namespaces) {
    auto list = hub.List(kApplicationKind, ns, {});
    if (!list) {
      if (list.error().code() == ErrorCode::kNotFound) {
        return std::unexpected(NoApplicationKind(list.error()));
      }
      return std::unexpected(list.error().Wrap("list applications in " + ns));
    }
    for (auto& item : list->items) apps.push_back(std::move(item.mutable_body()));
  }
  std::sort(apps.begin(), apps.end(), [](const Json& a, const Json& b) {
    return std::pair(StringAt(a, {"metadata", "namespace"}), StringAt(a, {"metadata", "name"})) <
           std::pair(StringAt(b, {"metadata", "namespace"}), StringAt(b, {"metadata", "name"}));
  });
  return apps;
}

Result<Object> FindApplication(kube::Reader& hub, std::string_view name,
                               const std::vector<std::string>& namespaces) {
  std::vector<std::string> search = namespaces;
  std::string plain(name);
  if (auto slash = name.find('/'); slash != std::string_view::npos) {
    search = {std::string(name.substr(0, slash))};
    plain = std::string(name.substr(slash + 1));
  }
  if (plain.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "application name is empty");
  }
  std::vector<Object> found;
  for (const auto& ns : search) {
    auto app = hub.Get(kApplicationKind, ns, plain);
    if (app) {
      found.push_back(std::move(*app));
      continue;
    }
    if (app.error().code() != ErrorCode::kNotFound) {
      std::string what = "get application " + ns;
      what += "/" + plain;
      return std::unexpected(app.error().Wrap(what));
    }
    // A 404 from a server without the CRD reads like a missing object; tell them apart.
    auto probe = hub.List(kApplicationKind, ns, {.limit = 1, .all_pages = false});
    if (!probe && probe.error().code() == ErrorCode::kNotFound) {
      return std::unexpected(NoApplicationKind(probe.error()));
    }
  }
  std::string where;
  for (const auto& ns : search) where += (where.empty() ? "" : ", ") + ns;
  if (found.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     "application " + plain + " not found in namespace " + where);
  }
  if (found.size() > 1) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "application " + plain + " exists in several namespaces (" + where +
                         "): name one with -N or <namespace>/<name>");
  }
  return std::move(found.front());
}

}  // namespace cellgate::cli
