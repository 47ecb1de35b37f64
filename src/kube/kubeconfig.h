// Loading a ClusterConfig from kubeconfig files, the way kubectl does.
//
// Several files merge as client-go merges $KUBECONFIG: for clusters, users and contexts
// the first file that defines a name wins, and so does the first current-context. Relative
// paths in an entry (certificate-authority, client-certificate, client-key, tokenFile, an
// exec command containing '/') resolve against the directory of the file that defined the
// entry. `*-data` fields take precedence over the matching file fields.
//
// Supported user auth: client certificate/key (file or data), token, tokenFile (kept as a
// path and re-read by the transport), username/password, and exec plugins
// (client.authentication.k8s.io/v1 and v1beta1). The deprecated auth-provider is refused.
//
// Errors name the file and the context/cluster/user, never a secret value.
//
// Thread-safety: pure functions apart from reading the named files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kube/cluster_config.h"

namespace cellgate::kube {

struct KubeconfigOptions {
  // Files merged first-wins. Empty: the ':'-separated $KUBECONFIG, else ~/.kube/config.
  // Explicit files must exist; missing files in $KUBECONFIG are skipped as kubectl does.
  std::vector<std::filesystem::path> paths;
  std::string context;  // empty: the merged current-context
};

// One kubeconfig file's text and where it came from (for relative paths and errors).
struct KubeconfigFile {
  std::string text;
  std::filesystem::path path;
};

// Reads the files named by `options` and selects a context.
Result<ClusterConfig> LoadKubeconfig(const KubeconfigOptions& options = {});

// Merges already-read files (first wins) and selects `context` ("" = current-context).
Result<ClusterConfig> ParseKubeconfig(const std::vector<KubeconfigFile>& files,
                                      std::string_view context = {});

// The context names defined by the merged files, in file order.
Result<std::vector<std::string>> KubeconfigContexts(const std::vector<KubeconfigFile>& files);

// Splits a $KUBECONFIG value on ':' dropping empty entries.
std::vector<std::filesystem::path> SplitKubeconfigList(std::string_view list);

}  // namespace cellgate::kube
