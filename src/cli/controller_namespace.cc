#include "cli/controller_namespace.h"

#include <cstdlib>

#include "argo/secret_data.h"
#include "cells/cell.h"

namespace cellgate::cli {
namespace {

bool IsNamespaceName(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (char c : s) {
    if (!alnum(c) && c != '-') return false;
  }
  return alnum(s.front()) && alnum(s.back());
}

Result<ControllerNamespace> Checked(std::string_view value, const std::string& given_by) {
  if (!IsNamespaceName(value)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     given_by + " \"" + std::string(value) +
                         "\" is not a namespace name (lower-case letters, digits and '-', "
                         "at most 63)");
  }
  return ControllerNamespace{std::string(value), "from " + given_by};
}

}  // namespace

Result<ControllerNamespace> ResolveControllerNamespace(std::string_view flag, const char* env,
                                                       const kube::ClusterConfig* hub) {
  if (!flag.empty()) return Checked(flag, "-n");
  if (env != nullptr && *env != '\0') return Checked(env, "$" + std::string(kNamespaceEnv));
  if (hub != nullptr && hub->namespace_given && !hub->default_namespace.empty()) {
    return ControllerNamespace{hub->default_namespace, "from context " + hub->name};
  }
  return ControllerNamespace{std::string(kFallbackControllerNamespace), "the default"};
}

Result<ControllerNamespace> ResolveControllerNamespace(std::string_view flag,
                                                       const kube::ClusterConfig* hub) {
  return ResolveControllerNamespace(flag, std::getenv(std::string(kNamespaceEnv).c_str()), hub);
}

CLI::Option* AddControllerNamespaceOption(CLI::App* cmd, std::string& ns) {
  return cmd->add_option(
      "-n,--namespace", ns,
      "Controller namespace in the hub: cluster Secrets, AppProjects, and the Applications "
      "tracked by plain name (default $CELLGATE_NAMESPACE, else the context's namespace, "
      "else cellgate)");
}

std::string CellSecretsWhere(std::string_view ns) {
  return " in namespace " + std::string(ns) + " (cluster Secrets labelled " +
         std::string(argo::kSecretTypeLabel) + "=" + std::string(argo::kSecretTypeCluster) + ")";
}

}  // namespace cellgate::cli
